"""Base data module for Paddle: the shared core plus in-memory datasets, the train/val split and paddle.io loaders."""

import numpy as np
import paddle
from paddle.io import DataLoader, Dataset, DistributedBatchSampler, Subset

from .core import DataModuleCore


class ArrayDataset(Dataset):
    """In-memory images (N, 3, H, W) float32 and labels (N,) int64."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images, self.labels = images, labels

    def __getitem__(self, index: int):
        return self.images[index], self.labels[index]

    def __len__(self) -> int:
        return len(self.labels)


class ImageDataModule(DataModuleCore):
    """Same constructor and methods as the Lightning datamodule; subclasses implement ``load_splits()``."""

    def prepare_data(self) -> None:
        """Download what is missing (datasets that live on the internet override this)."""

    def split_train_val(self, augmented: Dataset, plain: Dataset) -> tuple[Subset, Subset]:
        """Hold out ``val_fraction`` of the training set; validation images are not augmented."""
        order = np.random.default_rng(self.split_seed).permutation(len(plain))
        n_val = int(len(plain) * self.val_fraction)
        return Subset(augmented, order[n_val:].tolist()), Subset(plain, order[:n_val].tolist())

    def loader(self, dataset: Dataset, train: bool = False, limit: int | float | None = None) -> DataLoader:
        """``limit``: a count (int) or a fraction (float) of batches, as Lightning's ``limit_*_batches``."""
        if limit is not None:
            batches = limit if isinstance(limit, int) else max(1, int(limit * len(dataset) / self.batch_size))
            dataset = Subset(dataset, list(range(min(len(dataset), batches * self.batch_size))))
        drop_last = train and len(dataset) > self.batch_size  # no 1-image batch for BatchNorm
        if paddle.distributed.get_world_size() > 1:  # under paddle.distributed.launch: each rank its share
            sampler = DistributedBatchSampler(dataset, self.batch_size, shuffle=train, drop_last=drop_last)
            return DataLoader(dataset, batch_sampler=sampler, num_workers=self.num_workers)
        return DataLoader(
            dataset,
            batch_size=self.batch_size,
            shuffle=train,
            drop_last=drop_last,
            num_workers=self.num_workers,
            persistent_workers=self.num_workers > 0,
        )

    def train_dataloader(self, limit=None) -> DataLoader:
        return self.loader(self.train_set, train=True, limit=limit)

    def val_dataloader(self, limit=None) -> DataLoader:
        return self.loader(self.val_set, limit=limit)

    def test_dataloader(self, limit=None) -> DataLoader:
        return self.loader(self.test_set, limit=limit)
