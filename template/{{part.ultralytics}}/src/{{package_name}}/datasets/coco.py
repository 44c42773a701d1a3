"""COCO in YOLO format: COCO128 (the first 128 train2017 images, 7 MB; with outlines: COCO128-seg) and full
COCO2017 (20 GB).

Downloads are resumable and md5-checked where the publisher gives a checksum; labels come from
Ultralytics' conversion of the COCO annotations, class names from Ultralytics' ``coco.yaml``.
"""

import importlib.util
from pathlib import Path

import yaml

from .resources import Downloaded, Resource
from .yolo_data import YoloData

ASSETS = "https://github.com/ultralytics/assets/releases/download/v0.0.0"
COCO = "http://images.cocodataset.org/zips"


def coco_names() -> list[str]:
    """The 80 COCO class names, read from Ultralytics' dataset file (without importing Ultralytics)."""
    package = Path(importlib.util.find_spec("ultralytics").origin).parent
    names = yaml.safe_load((package / "cfg" / "datasets" / "coco.yaml").read_text())["names"]
    return [names[index] for index in sorted(names)]


class COCO128Data(Downloaded, YoloData):
    resources = [Resource("coco128.zip", (f"{ASSETS}/coco128.zip",), unpack=True, extracted="coco128/images")]

    def __init__(self, root: str, **loader) -> None:
        super().__init__(root, coco_names(), **loader)

    def prepare_data(self) -> None:
        super().prepare_data()
        self.write_yaml(self.root / "coco128", "images/train2017", "images/train2017")  # trains and validates on it


class COCO128SegData(COCO128Data):
    """COCO128 with instance outlines (polygon labels) for ``task: instance_segmentation``."""

    resources = [Resource("coco128-seg.zip", (f"{ASSETS}/coco128-seg.zip",), unpack=True,
                          extracted="coco128-seg/images")]

    def prepare_data(self) -> None:
        Downloaded.prepare_data(self)
        self.write_yaml(self.root / "coco128-seg", "images/train2017", "images/train2017")


class COCO2017Data(Downloaded, YoloData):
    resources = [
        Resource("coco2017labels.zip", (f"{ASSETS}/coco2017labels.zip",), None, True, "coco/labels"),  # + *2017.txt
        *(Resource(f"coco/images/{split}.zip", (f"{COCO}/{split}.zip",), md5, True, f"coco/images/{split}")
          for split, md5 in [("train2017", "cced6f7f71b7629ddf16f17bbcfab6b2"),
                             ("val2017", "442b8da7639aecaf257c1dceb8ba8c80")]),
    ]

    def __init__(self, root: str, **loader) -> None:
        super().__init__(root, coco_names(), **loader)

    def prepare_data(self) -> None:
        super().prepare_data()
        self.write_yaml(self.root / "coco", "train2017.txt", "val2017.txt")
