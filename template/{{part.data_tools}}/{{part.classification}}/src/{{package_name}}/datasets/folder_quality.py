"""Data quality of an image folder (``root/<split>/<class>/*``): counts per class and the files to look at."""

from pathlib import Path

from ..errors import UserError
from .imagefolder import ImageFolderDataModule
from .images import image_files
from .quality import Report, duplicates, inspect


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


def quality_report(data, min_size: int) -> Report | None:
    """For scripts/validate_data.py: an image folder read in full; None for array datasets (their loader checks)."""
    if not isinstance(data, ImageFolderDataModule):
        return None
    if not (data.root / "train").is_dir():
        raise UserError(f"data.root={data.root} has no train/ folder; expected {data.root}/train/<class>/<image>")
    return scan_class_folders(data.root, ["train", "val", "test"], min_size)
