"""Data quality, any task: a report of counts and problem files, and the check of one image.

``inspect()`` with ``decode=True`` reads every pixel (the data-quality report); with ``decode=False`` it opens
the header only, cheap enough to run before every training run. Each layout's scan (class folders, YOLO labels,
masks) lives beside its datamodule.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .images import DECODE_ERRORS

MODES = {"RGB", "L"}  # others (CMYK, P, RGBA, I;16, ...) are converted on load but worth a look


@dataclass
class Report:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # split -> class -> images
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # kind -> "file: detail"

    def add(self, kind: str, path: Path, detail: str = "") -> None:
        self.problems[kind].append(f"{path}" + (f": {detail}" if detail else ""))

    def as_dict(self) -> dict:
        return {"counts": {split: dict(sorted(c.items())) for split, c in self.counts.items()},
                "problems": {kind: sorted(files) for kind, files in sorted(self.problems.items())}}




def inspect(path: Path, min_size: int, report: Report, decode: bool = True) -> str | None:
    """Record what is wrong with one image; returns its content hash (None if unreadable).

    ``decode=False`` reads the header only (cheap: for every training run) and returns no hash.
    """
    try:
        data = path.read_bytes() if decode else b""
        with Image.open(path) as image:
            if decode:
                image.load()
            size, mode = image.size, image.mode
    except DECODE_ERRORS as error:
        report.add("corrupt", path, str(error) or type(error).__name__)
        return None
    if min(size) < min_size:
        report.add("too_small", path, f"{size[0]}x{size[1]} < {min_size} px")
    if mode not in MODES:
        report.add("colour_mode", path, mode)
    return hashlib.sha1(data).hexdigest() if decode else None


def duplicates(hashes: dict[str, dict[str, Path]], report: Report) -> None:
    """The same bytes in two splits: the model is scored on images it trained on."""
    seen: dict[str, tuple[str, Path]] = {}
    for split, by_hash in hashes.items():
        for digest, path in by_hash.items():
            if digest in seen and seen[digest][0] != split:
                report.add("duplicate_across_splits", path, f"same file as {seen[digest][1]}")
            seen.setdefault(digest, (split, path))
