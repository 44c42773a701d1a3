"""MNIST: 70k 28x28 handwritten digits, downloaded once (resumable, md5-checked, three mirrors), shown as 32x32 RGB."""

from torchvision.datasets import MNIST

from .base import ImageDataModule
from .resources import Downloaded, Resource
from .transforms import image_transforms

MIRRORS = (*MNIST.mirrors, "https://dataset.bj.bcebos.com/mnist/")  # the last one is Paddle's (same md5s)


class MNISTDataModule(Downloaded, ImageDataModule):
    # torchvision reads the gunzipped idx files from MNIST/raw/
    resources = [
        Resource(f"MNIST/raw/{name}", tuple(base + name for base in MIRRORS), md5, True, f"MNIST/raw/{name[:-3]}")
        for name, md5 in MNIST.resources
    ]

    def load_splits(self):
        def dataset(train: bool, augment: bool) -> MNIST:
            transform = image_transforms(self.image_size, self.mean, self.std, self.augment if augment else ())
            return MNIST(self.root, train=train, transform=transform)

        test = dataset(train=False, augment=False)
        self.classes = [name.split(" - ")[0] for name in test.classes]
        train, val = self.split_train_val(dataset(True, augment=True), dataset(True, augment=False))
        return train, val, test
