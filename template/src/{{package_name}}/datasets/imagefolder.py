"""Your own images as ``root/train/<class>/*.jpg`` (``val/`` and ``test/`` optional); ImageNet too."""

from torchvision.datasets import ImageFolder

from ..errors import UserError
from .base import ImageDataModule
from .transforms import image_transforms


class ImageFolderDataModule(ImageDataModule):
    def load_splits(self):
        train_dir = self.root / "train"
        if not train_dir.is_dir():
            raise UserError(
                f"data.root={self.root} has no train/ folder; lay images out as "
                f"{self.root}/train/<class>/*.jpg (val/ and test/ optional) or set data.root"
            )

        def folder(split: str, augment: bool) -> ImageFolder:
            transform = image_transforms(self.image_size, self.mean, self.std, train=augment)
            return ImageFolder(self.root / split, transform=transform)

        train = folder("train", augment=True)
        self.classes = list(train.classes)
        if (self.root / "val").is_dir():
            val = folder("val", augment=False)
        else:
            train, val = self.split_train_val(train, folder("train", augment=False))
        test = folder("test", augment=False) if (self.root / "test").is_dir() else val
        return train, val, test
