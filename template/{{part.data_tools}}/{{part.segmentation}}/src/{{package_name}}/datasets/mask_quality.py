"""The data-quality report of a mask folder (``scripts/validate_data.py data=mask_folder``): every image and
mask read in full; counts are images per class present; problems name their file."""

from pathlib import Path

import numpy as np
from PIL import Image

from .images import DECODE_ERRORS, image_files
from .mask_folder import MaskFolderDataModule, find_pairs
from .masks import IGNORE_INDEX
from .quality import Report, inspect


def scan_mask_folder(root: Path, classes: list[str], min_size: int) -> Report:
    """``root/images`` + ``root/masks``: unreadable, small or odd images, images without a mask, masks without an
    image, masks of another size or mode, and mask values that are no class (nor ``IGNORE_INDEX``)."""
    report = Report()
    images = {path.stem: path for path in image_files(root / "images")}
    masks = {path.stem: path for path in sorted((root / "masks").glob("*.png"))}
    for stem in sorted(set(masks) - set(images)):
        report.add("mask_without_image", masks[stem])
    for stem, path in sorted(images.items()):
        inspect(path, min_size, report)
        if stem not in masks:
            report.add("image_without_mask", path)
            continue
        try:
            with Image.open(masks[stem]) as mask, Image.open(path) as image:
                values, size, mode, image_size = np.asarray(mask), mask.size, mask.mode, image.size
        except DECODE_ERRORS as error:
            report.add("corrupt_mask", masks[stem], str(error) or type(error).__name__)
            continue
        if size != image_size:
            report.add("mask_size", masks[stem], f"{size[0]}x{size[1]}, its image {image_size[0]}x{image_size[1]}")
        if mode not in ("L", "P", "I", "I;16"):
            report.add("mask_mode", masks[stem], f"{mode}: a mask is a single-channel PNG of class indices")
            continue
        found = set(np.unique(values).tolist()) - {IGNORE_INDEX}
        if bad := sorted(v for v in found if v >= len(classes)):
            report.add("mask_values", masks[stem], f"values {bad[:5]} are no class (0-{len(classes) - 1})")
        for value in found & set(range(len(classes))):
            report.counts["all"][classes[value]] += 1
    return report


def quality_report(data, min_size: int) -> Report | None:
    """For scripts/validate_data.py: a mask folder read in full; None for the built-in sets (checked on load)."""
    if not isinstance(data, MaskFolderDataModule):
        return None
    if not (data.root / "images").is_dir() or not (data.root / "masks").is_dir():
        find_pairs(data.root)  # raises the layout's one-line error
    return scan_mask_folder(data.root, data.names(), min_size)
