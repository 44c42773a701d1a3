"""Base datamodule for Lightning: the shared core plus the train/val split and torch loaders."""

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset, Subset

from .core import DataModuleCore


class ImageDataModule(DataModuleCore, L.LightningDataModule):
    """A LightningDataModule; subclasses implement ``load_splits()`` and set ``self.classes``."""

    def split_train_val(self, augmented: Dataset, plain: Dataset) -> tuple[Subset, Subset]:
        """Hold out ``val_fraction`` of the training set; validation images are not augmented."""
        order = torch.randperm(len(plain), generator=torch.Generator().manual_seed(self.split_seed))
        n_val = int(len(plain) * self.val_fraction)
        return Subset(augmented, order[n_val:].tolist()), Subset(plain, order[:n_val].tolist())

    def _loader(self, dataset: Dataset, train: bool = False, collate_fn=None) -> DataLoader:
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            shuffle=train,
            drop_last=train and len(dataset) > self.batch_size,  # no 1-image batch for BatchNorm
            num_workers=self.num_workers,
            persistent_workers=self.num_workers > 0,
            pin_memory=torch.cuda.is_available(),
            collate_fn=collate_fn,
        )

    def train_dataloader(self) -> DataLoader:
        return self._loader(self.train_set, train=True)

    def val_dataloader(self) -> DataLoader:
        return self._loader(self.val_set)

    def test_dataloader(self) -> DataLoader:
        return self._loader(self.test_set)
