"""MNIST: 70k 28x28 handwritten digits, downloaded once (resumable, md5-checked, three mirrors), shown as 32x32 RGB."""

from paddle.vision.datasets import MNIST

from .base import ImageDataModule
from .resources import Downloaded, Resource
from .transforms import image_transforms

FILES = {  # split -> (images, labels) file names; Paddle reads the .gz files directly
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
MD5 = {getattr(MNIST, f"{name}_URL").rsplit("/", 1)[-1]: getattr(MNIST, f"{name}_MD5")
       for name in ("TRAIN_IMAGE", "TRAIN_LABEL", "TEST_IMAGE", "TEST_LABEL")}
MIRRORS = (MNIST.URL_PREFIX, "https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")


class MNISTDataModule(Downloaded, ImageDataModule):
    resources = [Resource(name, tuple(base + name for base in MIRRORS), MD5[name]) for name in MD5]

    def load_splits(self):
        def dataset(mode: str, augment: bool) -> MNIST:
            transform = image_transforms(self.image_size, self.mean, self.std, self.augment if augment else ())
            images, labels = (str(self.root / name) for name in FILES[mode])
            return MNIST(images, labels, mode=mode, transform=transform, download=False, backend="pil")

        self.classes = [str(digit) for digit in range(10)]
        train, val = self.split_train_val(dataset("train", augment=True), dataset("train", augment=False))
        return train, val, dataset("test", augment=False)
