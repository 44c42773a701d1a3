"""scikit-learn's handwritten digits: 1797 real 8x8 scans that ship with the library (no download)."""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import TensorDataset

from .base import ImageDataModule

MAX_PIXEL = 16  # the scans hold integer grey levels 0..16


class DigitsDataModule(ImageDataModule):
    """Stratified train/val/test split; images kept in memory as normalised tensors."""

    def __init__(self, test_fraction: float = 0.15, **kwargs) -> None:
        super().__init__(**kwargs)
        self.test_fraction = test_fraction

    def load_splits(self) -> tuple[TensorDataset, TensorDataset, TensorDataset]:
        digits = load_digits()
        self.classes = [str(label) for label in digits.target_names]
        images = torch.tensor(digits.images, dtype=torch.float32)[:, None] / MAX_PIXEL
        images = F.interpolate(images, size=self.image_size, mode="bilinear").expand(-1, 3, -1, -1)
        mean, std = torch.tensor(self.mean)[:, None, None], torch.tensor(self.std)[:, None, None]
        images = ((images - mean) / std).contiguous()
        labels = torch.tensor(digits.target)
        held_out = self.val_fraction + self.test_fraction
        seed = self.split_seed
        train, rest = train_test_split(range(len(labels)), test_size=held_out, stratify=labels, random_state=seed)
        test_share = self.test_fraction / held_out
        val, test = train_test_split(rest, test_size=test_share, stratify=labels[rest], random_state=seed)
        return tuple(TensorDataset(images[idx], labels[idx]) for idx in (train, val, test))
