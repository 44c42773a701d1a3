"""scikit-learn's handwritten digits: 1797 real 8x8 scans that ship with the library (no download)."""

import torch
from torch.utils.data import TensorDataset

from .base import ImageDataModule
from .digits_arrays import digits_splits


class DigitsDataModule(ImageDataModule):
    """Stratified train/val/test split; images kept in memory as normalised tensors."""

    def __init__(self, test_fraction: float = 0.15, **kwargs) -> None:
        super().__init__(**kwargs)
        self.test_fraction = test_fraction

    def load_splits(self) -> tuple[TensorDataset, TensorDataset, TensorDataset]:
        self.classes, splits = digits_splits(
            self.image_size, self.mean, self.std, self.val_fraction, self.test_fraction, self.split_seed
        )
        return tuple(TensorDataset(torch.from_numpy(images), torch.from_numpy(labels)) for images, labels in splits)
