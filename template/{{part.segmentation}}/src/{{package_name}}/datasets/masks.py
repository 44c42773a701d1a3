"""Semantic segmentation data: (image, mask) pairs through one torchvision v2 pipeline.

A mask is a ``tv_tensors.Mask`` of class indices (255: pixels to ignore, as in Pascal VOC), so every geometric
transform of ``configs/augment/`` (resize, crop, flip) moves it with the image, with nearest-neighbour
resampling, while colour changes and normalisation touch the image only.
"""

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2

from .base import ImageDataModule

IGNORE_INDEX = 255  # mask value that no loss or metric counts (object borders in VOC)


class PairTransform:
    """(RGB image: PIL or uint8 HWC array, mask: uint8 HW array) -> (normalised float (3, S, S), long (S, S)).

    The mask is wrapped as a ``tv_tensors.Mask`` here: v2 passes a plain tensor beside an image through
    untouched, which would leave it behind every crop and flip. ``augment`` only for training."""

    def __init__(self, image_size: int, mean, std, augment: Sequence = ()) -> None:
        self.pipeline = v2.Compose([
            v2.ToImage(),
            v2.RGB(),
            v2.Resize((image_size, image_size), antialias=True),
            *augment,
            v2.ToDtype(torch.float32, scale=True),  # images only: the mask keeps its class indices
            v2.Normalize(mean, std),
        ])

    def __call__(self, image, mask) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(image, np.ndarray):
            image = tv_tensors.Image(torch.from_numpy(image).permute(2, 0, 1))
        image, mask = self.pipeline(image, tv_tensors.Mask(torch.as_tensor(np.asarray(mask, np.uint8))))
        return image.as_subclass(torch.Tensor), mask.as_subclass(torch.Tensor).long()


class PairDataset(Dataset):
    """``load(i)`` -> (image, mask) as ``PairTransform`` takes them; items come out transformed."""

    def __init__(self, load: Callable[[int], tuple], count: int, transform: PairTransform) -> None:
        self.load, self.count, self.transform = load, count, transform

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.transform(*self.load(index))


class MaskDataModule(ImageDataModule):
    """A segmentation datamodule: subclasses set ``self.classes`` and return ``PairDataset`` splits from
    ``load_splits()`` (``self.pairs(load, count, augment)`` builds one)."""

    def pairs(self, load: Callable[[int], tuple], count: int, augment: bool) -> PairDataset:
        transform = PairTransform(self.image_size, self.mean, self.std, self.augment if augment else ())
        return PairDataset(load, count, transform)

    def split_indices(self, count: int, test_fraction: float) -> tuple[list[int], list[int], list[int]]:
        """A seeded shuffle of ``range(count)`` cut into train, val and test."""
        order = torch.randperm(count, generator=torch.Generator().manual_seed(self.split_seed)).tolist()
        n_val, n_test = int(count * self.val_fraction), int(count * test_fraction)
        return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]

    def preprocessing(self) -> dict:
        return super().preprocessing() | {"task": "segmentation", "ignore_index": IGNORE_INDEX}
