"""Base datamodule: loaders, train/val split, checks, and the preprocessing facts export needs."""

from pathlib import Path

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset, Subset

from ..errors import UserError


class ImageDataModule(L.LightningDataModule):
    """Subclasses implement ``load_splits()`` and set ``self.classes``; the rest is shared."""

    def __init__(
        self,
        root: str,
        image_size: int,
        num_classes: int,
        mean: list[float],
        std: list[float],
        batch_size: int = 64,
        num_workers: int = 0,
        val_fraction: float = 0.1,
        split_seed: int = 0,
    ) -> None:
        super().__init__()
        self.root = Path(root)
        self.image_size = image_size
        self.num_classes = num_classes
        self.mean, self.std = list(mean), list(std)
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.val_fraction = val_fraction
        self.split_seed = split_seed
        self.classes: list[str] = []
        self.train_set: Dataset | None = None
        self.val_set: Dataset | None = None
        self.test_set: Dataset | None = None

    def load_splits(self) -> tuple[Dataset, Dataset, Dataset]:
        raise NotImplementedError

    def setup(self, stage: str | None = None) -> None:
        if self.train_set is None:
            self.train_set, self.val_set, self.test_set = self.load_splits()
            self._check()

    def _check(self) -> None:
        if len(self.classes) != self.num_classes:
            raise UserError(
                f"data.num_classes={self.num_classes} but the data has {len(self.classes)} classes; "
                f"set data.num_classes={len(self.classes)}"
            )
        if self.batch_size > len(self.train_set):
            raise UserError(
                f"data.batch_size={self.batch_size} is larger than the training set "
                f"({len(self.train_set)} images); lower it"
            )

    def split_train_val(self, augmented: Dataset, plain: Dataset) -> tuple[Subset, Subset]:
        """Hold out ``val_fraction`` of the training set; validation images are not augmented."""
        order = torch.randperm(len(plain), generator=torch.Generator().manual_seed(self.split_seed))
        n_val = int(len(plain) * self.val_fraction)
        return Subset(augmented, order[n_val:].tolist()), Subset(plain, order[:n_val].tolist())

    def _loader(self, dataset: Dataset, train: bool = False) -> DataLoader:
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            shuffle=train,
            drop_last=train and len(dataset) > self.batch_size,  # no 1-image batch for BatchNorm
            num_workers=self.num_workers,
            persistent_workers=self.num_workers > 0,
            pin_memory=torch.cuda.is_available(),
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader(self.train_set, train=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader(self.val_set)

    def test_dataloader(self) -> DataLoader:
        return self._loader(self.test_set)

    def preprocessing(self) -> dict:
        """What a server must do to an RGB image before the model sees it."""
        return {
            "input_size": [3, self.image_size, self.image_size],
            "scale": 1 / 255,
            "mean": self.mean,
            "std": self.std,
            "classes": self.classes,
        }
