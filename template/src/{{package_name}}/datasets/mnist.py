"""MNIST: 70k 28x28 handwritten digits, downloaded once (resumable, md5-checked, mirrors tried in turn)."""

from torchvision.datasets import MNIST

from ..errors import UserError
from .base import ImageDataModule
from .download import download_and_extract
from .transforms import image_transforms


class MNISTDataModule(ImageDataModule):
    def prepare_data(self) -> None:
        raw = self.root / "MNIST" / "raw"
        for filename, md5 in MNIST.resources:
            if (raw / filename.removesuffix(".gz")).exists():
                continue
            errors = []
            for mirror in MNIST.mirrors:
                try:
                    download_and_extract(mirror + filename, raw, md5)
                    break
                except UserError as error:
                    errors.append(str(error))
            else:
                raise UserError(f"no MNIST mirror answered for {filename}: {errors[-1]}")

    def load_splits(self):
        def dataset(train: bool, augment: bool) -> MNIST:
            transform = image_transforms(self.image_size, self.mean, self.std, train=augment, hflip=False)
            return MNIST(self.root, train=train, transform=transform)

        test = dataset(train=False, augment=False)
        self.classes = [name.split(" - ")[0] for name in test.classes]
        train, val = self.split_train_val(dataset(True, augment=True), dataset(True, augment=False))
        return train, val, test
