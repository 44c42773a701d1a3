"""CIFAR-10: 60k 32x32 colour images in 10 classes, downloaded once (resumable, md5-checked, two mirrors)."""

from torchvision.datasets import CIFAR10

from .base import ImageDataModule
from .resources import Downloaded, Resource
from .transforms import image_transforms

MIRRORS = (CIFAR10.url, "https://dataset.bj.bcebos.com/cifar/cifar-10-python.tar.gz")  # Toronto, Baidu (same md5)


class CIFAR10DataModule(Downloaded, ImageDataModule):
    resources = [Resource(CIFAR10.filename, MIRRORS, CIFAR10.tgz_md5, unpack=True, extracted=CIFAR10.base_folder)]

    def load_splits(self):
        def dataset(train: bool, augment: bool) -> CIFAR10:
            transform = image_transforms(self.image_size, self.mean, self.std, self.augment if augment else ())
            return CIFAR10(self.root, train=train, transform=transform)

        test = dataset(train=False, augment=False)
        self.classes = list(test.classes)
        train, val = self.split_train_val(dataset(True, augment=True), dataset(True, augment=False))
        return train, val, test
