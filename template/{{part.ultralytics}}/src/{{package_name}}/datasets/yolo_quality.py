"""Data quality of a YOLO layout (``images/<split>`` beside ``labels/<split>``): boxes per class, the images, labels
and lines that would break training. ``YoloData`` runs it header-only before every training run."""

from collections import Counter
from pathlib import Path

import yaml

from .images import image_files
from .quality import Report, duplicates, inspect


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


def quality_report(data, min_size: int) -> Report:
    """For scripts/validate_data.py: every image read in full, every label line checked."""
    data.prepare_data()  # generated or downloaded first, then described by data.yaml
    spec = yaml.safe_load(data.data_yaml.read_text())
    splits = {split: spec[split] for split in ("train", "val", "test") if isinstance(spec.get(split), str)}
    return scan_yolo(Path(spec["path"]), splits, list(spec["names"].values()), min_size)
