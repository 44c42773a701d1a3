"""Data quality for image folders, any task: counts, and the files that would break or bias training.

``scan()`` reads every image (header and pixels) and is what ``scripts/validate_data.py`` reports;
``unreadable()`` opens headers only and is cheap enough to run before every training run.
"""

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}
MODES = {"RGB", "L"}  # others (CMYK, P, RGBA, I;16, ...) are converted on load but worth a look
DECODE_ERRORS = (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError)


@dataclass
class Report:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # split -> class -> images
    problems: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # kind -> "file: detail"

    def add(self, kind: str, path: Path, detail: str = "") -> None:
        self.problems[kind].append(f"{path}" + (f": {detail}" if detail else ""))

    def as_dict(self) -> dict:
        return {"counts": {split: dict(sorted(c.items())) for split, c in self.counts.items()},
                "problems": {kind: sorted(files) for kind, files in sorted(self.problems.items())}}


def image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def unreadable(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files whose header Pillow cannot read (not an image, truncated header): cheap, no pixels decoded."""
    bad = []
    for path in paths:
        try:
            with Image.open(path):
                pass
        except DECODE_ERRORS as error:
            bad.append((path, str(error) or type(error).__name__))
    return bad


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


def scan_class_folders(root: Path, splits: list[str], min_size: int) -> Report:
    """``root/<split>/<class>/*``: counts per class, bad images, empty classes, duplicates across splits."""
    report, hashes = Report(), {}
    for split in splits:
        if not (root / split).is_dir():
            continue
        hashes[split] = {}
        for class_dir in sorted(p for p in (root / split).iterdir() if p.is_dir()):
            files = image_files(class_dir)
            report.counts[split][class_dir.name] = len(files)
            if not files:
                report.add("empty_class", class_dir)
            for path in files:
                if digest := inspect(path, min_size, report):
                    hashes[split].setdefault(digest, path)
    duplicates(hashes, report)
    return report


def scan_yolo(root: Path, splits: dict[str, str], names: list[str], min_size: int, decode: bool = True) -> Report:
    """YOLO layout (``images/<split>`` beside ``labels/<split>``): boxes per class, unlabelled images,
    labels without an image, malformed lines and class ids outside ``names``."""
    report, hashes = Report(), {}
    for split, images_dir in splits.items():
        images, labels = root / images_dir, root / images_dir.replace("images", "labels", 1)
        hashes[split] = {}
        stems = set()
        for path in image_files(images):
            stems.add(path.relative_to(images).with_suffix(""))
            if digest := inspect(path, min_size, report, decode):
                hashes[split].setdefault(digest, path)
            label = labels / path.relative_to(images).with_suffix(".txt")
            if not label.is_file():
                report.add("image_without_label", path)
                continue
            for number, line in enumerate(label.read_text().splitlines(), 1):
                _check_box(line, number, label, names, report.counts[split], report)
        for label in sorted(labels.rglob("*.txt")) if labels.is_dir() else []:
            if label.relative_to(labels).with_suffix("") not in stems:
                report.add("label_without_image", label)
    duplicates(hashes, report)
    return report


def _check_box(line: str, number: int, label: Path, names: list[str], counts: Counter, report: Report) -> None:
    fields = line.split()
    if not fields:
        return
    try:
        class_id, coords = int(fields[0]), [float(v) for v in fields[1:]]
    except ValueError:
        report.add("bad_label_line", label, f"line {number}: {line.strip()!r}")
        return
    if not 0 <= class_id < len(names):
        report.add("class_id_out_of_range", label, f"line {number}: class {class_id}, data.names has {len(names)}")
    elif len(coords) < 4 or any(not 0 <= v <= 1 for v in coords):
        report.add("bad_label_line", label, f"line {number}: expected 'class cx cy w h' in [0, 1]")
    else:
        counts[names[class_id]] += 1
