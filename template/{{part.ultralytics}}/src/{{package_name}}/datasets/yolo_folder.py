"""Your own YOLO-format data: ``root/images/{train,val}/*.jpg`` and ``root/labels/{train,val}/*.txt``."""

from pathlib import Path

from ..errors import UserError
from .yolo_data import YoloData


class YoloFolderData(YoloData):
    def __init__(self, root: str, names: list[str], train: str, val: str, **loader) -> None:
        super().__init__(root, names, **loader)
        self.train, self.val = train, val

    def prepare_data(self) -> None:
        if not self.names:
            raise UserError("data.names is empty; list the class names in label-index order, e.g. data.names=[cat,dog]")
        labels = Path(self.root) / self.train.replace("images", "labels", 1)
        if (self.root / self.train).is_dir() and not labels.is_dir():
            raise UserError(f"data.root={self.root}: no {labels} beside {self.root / self.train}; add the label files")
        self.write_yaml(self.root, self.train, self.val)
