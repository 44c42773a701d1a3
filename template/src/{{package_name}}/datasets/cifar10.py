"""CIFAR-10: 60k 32x32 colour images in 10 classes, downloaded once (resumable, md5-checked)."""

from torchvision.datasets import CIFAR10

from .base import ImageDataModule
from .download import download_and_extract
from .transforms import image_transforms


class CIFAR10DataModule(ImageDataModule):
    def prepare_data(self) -> None:
        if not (self.root / CIFAR10.base_folder).is_dir():
            download_and_extract(CIFAR10.url, self.root, CIFAR10.tgz_md5, CIFAR10.filename)

    def load_splits(self):
        def dataset(train: bool, augment: bool) -> CIFAR10:
            transform = image_transforms(self.image_size, self.mean, self.std, train=augment)
            return CIFAR10(self.root, train=train, transform=transform)

        test = dataset(train=False, augment=False)
        self.classes = list(test.classes)
        train, val = self.split_train_val(dataset(True, augment=True), dataset(True, augment=False))
        return train, val, test
