"""Pascal VOC 2012 segmentation: 2913 images with masks, 21 classes (background first), 2 GB download once.

Splits: VOC's ``train`` list for training (``val_fraction`` of it held out for validation), VOC's ``val`` list
as the test split, the one papers report. Read by torchvision's ``VOCSegmentation``.
"""

from torchvision.datasets import VOCSegmentation
from torchvision.datasets.voc import DATASET_YEAR_DICT

from .masks import MaskDataModule
from .resources import Downloaded, Resource

VOC = DATASET_YEAR_DICT["2012"]
MIRRORS = (VOC["url"], f"https://pjreddie.com/media/files/{VOC['filename']}")  # Oxford, the YOLO author's copy
CLASSES = ("background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
           "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor")


class VOC2012DataModule(Downloaded, MaskDataModule):
    resources = [Resource(VOC["filename"], MIRRORS, VOC["md5"], unpack=True, extracted=VOC["base_dir"])]

    def load_splits(self):
        self.classes = list(CLASSES)

        def voc(image_set: str) -> VOCSegmentation:
            return VOCSegmentation(str(self.root), year="2012", image_set=image_set)

        train, test = voc("train"), voc("val")
        order = self.split_indices(len(train), 0.0)
        fit, held_out = order[0], order[1]
        return (self.pairs(lambda i: train[fit[i]], len(fit), True),
                self.pairs(lambda i: train[held_out[i]], len(held_out), False),
                self.pairs(lambda i: test[i], len(test), False))
