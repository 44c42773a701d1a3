"""CIFAR-10: 60k 32x32 colour images in 10 classes, downloaded once (resumable, md5-checked, two mirrors)."""

from paddle.vision.datasets import Cifar10
from paddle.vision.datasets.cifar import CIFAR10_MD5, CIFAR10_URL

from .base import ImageDataModule
from .resources import Downloaded, Resource
from .transforms import image_transforms

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
ARCHIVE = "cifar-10-python.tar.gz"  # Paddle reads the archive directly, no extraction
MIRRORS = (CIFAR10_URL, "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz")  # Baidu, Toronto (same md5)


class CIFAR10DataModule(Downloaded, ImageDataModule):
    resources = [Resource(ARCHIVE, MIRRORS, CIFAR10_MD5)]

    def load_splits(self):
        def dataset(mode: str, augment: bool) -> Cifar10:
            transform = image_transforms(self.image_size, self.mean, self.std, self.augment if augment else ())
            return Cifar10(str(self.root / ARCHIVE), mode=mode, transform=transform, download=False, backend="pil")

        self.classes = list(CLASSES)
        train, val = self.split_train_val(dataset("train", augment=True), dataset("train", augment=False))
        return train, val, dataset("test", augment=False)
