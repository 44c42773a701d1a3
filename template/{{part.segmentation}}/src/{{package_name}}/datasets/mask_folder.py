"""Your own data: ``root/images/<name>.<jpg|png|...>`` and ``root/masks/<name>.png``, a mask per image.

A mask is a single-channel (or palette) PNG of class indices, 0 .. num_classes - 1, and 255 for pixels to
ignore; it has its image's width and height. Every pair is checked when the data is set up (headers only,
fast), every mask's values when it is read, so a bad file stops training with its name, not a shape error.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import UserError
from .images import IMAGE_SUFFIXES
from .masks import IGNORE_INDEX, MaskDataModule


def find_pairs(root: Path) -> list[tuple[Path, Path]]:
    """(image, mask) paths, sorted; each image must have a mask of the same size."""
    images_dir, masks_dir = root / "images", root / "masks"
    if not images_dir.is_dir() or not masks_dir.is_dir():
        raise UserError(f"data.root={root} needs images/ and masks/ folders: {root}/images/<name>.jpg with "
                        f"{root}/masks/<name>.png holding class indices; or set data.root")
    images = sorted(p for p in images_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not images:
        raise UserError(f"data.root={root}: images/ holds no images ({' '.join(IMAGE_SUFFIXES)})")
    pairs = []
    for image in images:
        mask = masks_dir / f"{image.stem}.png"
        if not mask.is_file():
            raise UserError(f"{image} has no mask {mask}; add it (a PNG of class indices) or remove the image")
        try:
            with Image.open(image) as i, Image.open(mask) as m:
                image_size, mask_size, mode = i.size, m.size, m.mode
        except OSError as error:
            raise UserError(f"{image} or its mask cannot be read ({error}); fix or remove the pair") from error
        if image_size != mask_size:
            raise UserError(f"{mask} is {mask_size[0]}x{mask_size[1]} but {image.name} is "
                            f"{image_size[0]}x{image_size[1]}; a mask must have its image's size")
        if mode not in ("L", "P", "I", "I;16"):
            raise UserError(f"{mask} is a {mode} image; a mask is a single-channel or palette PNG of class indices")
        pairs.append((image, mask))
    return pairs


class MaskFolderDataModule(MaskDataModule):
    """``num_classes`` says how many classes the masks use; ``class_names`` (background first) names them."""

    def __init__(self, class_names: list[str] | None = None, test_fraction: float = 0.1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.class_names, self.test_fraction = class_names, test_fraction

    def load_splits(self):
        self.classes = self.names()
        pairs = find_pairs(self.root)
        train, val, test = self.split_indices(len(pairs), self.test_fraction)

        def split(indices: list[int], augment: bool):
            return self.pairs(lambda i: self._read(*pairs[indices[i]]), len(indices), augment)

        return split(train, True), split(val, False), split(test, False)

    def names(self) -> list[str]:
        return list(self.class_names or [f"class_{index}" for index in range(self.num_classes)])

    def _read(self, image_path: Path, mask_path: Path) -> tuple[Image.Image, np.ndarray]:
        mask = np.asarray(Image.open(mask_path))
        if (bad := (mask >= len(self.classes)) & (mask != IGNORE_INDEX)).any():
            count = len(self.classes)
            raise UserError(f"{mask_path} holds class index {int(mask[bad].max())}, but there are {count} classes "
                            f"(0-{count - 1}, {IGNORE_INDEX} = ignore); fix the mask or data.num_classes")
        return Image.open(image_path).convert("RGB"), mask.astype(np.uint8)
