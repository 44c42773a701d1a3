"""``data.decode=gpu``: JPEGs decoded and augmented on the training device, so the GPU does not wait for
loader workers (PIL decodes a few hundred images a second per core; nvJPEG tens of thousands).

Workers only read each file's bytes and draw its crop and flip with the CPU path's own transforms, from the same
random stream, so both paths crop and flip alike for the same seed. Before the batch moves to the device
(Lightning's ``on_before_batch_transfer``) it is decoded there in one call (``torchvision.io.decode_jpeg``,
nvJPEG on CUDA), each image cut and resized once, and the batch flipped and normalised at once. Files that are
not JPEG are decoded in the worker. ``auto`` is ``gpu`` when training on CUDA, else ``cpu`` (PIL in the workers).
"""

import torch
from PIL import Image
from torch.utils.data import Dataset, default_collate
from torchvision import tv_tensors
from torchvision.io import ImageReadMode, decode_image, decode_jpeg
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

from ..errors import UserError
from .imagefolder import ImageFolderDataModule
from .transforms import CROP_FROM

SUPPORTED = (v2.RandomResizedCrop, v2.RandomHorizontalFlip)


class Geometry:
    """Where the CPU path's resize, centre crop and ``augment`` take each image from: a box in the file's pixels."""

    def __init__(self, image_size: int, augment: list) -> None:
        if unsupported := [type(op).__name__ for op in augment if not isinstance(op, SUPPORTED)]:
            raise UserError(f"data.decode=gpu runs RandomResizedCrop and RandomHorizontalFlip on the device, not "
                            f"{', '.join(unsupported)}; use augment=basic or none, or data.decode=cpu")
        self.size, self.augment = image_size, augment
        self.resize = image_size if image_size < CROP_FROM else int(image_size * 1.14)

    def draw(self, height: int, width: int) -> tuple[list[float], bool]:
        """([top, left, height, width] in the file's pixels, flip), drawing as ``image_transforms`` would."""
        short = min(height, width)
        new_h, new_w = (self.resize, int(self.resize * width / short)) if height == short else \
            (int(self.resize * height / short), self.resize)
        top, left = int(round((new_h - self.size) / 2)), int(round((new_w - self.size) / 2))
        box, flip = [top, left, self.size, self.size], False
        for op in self.augment:
            if isinstance(op, v2.RandomResizedCrop):
                crop = op.make_params([tv_tensors.Image(torch.empty(1, self.size, self.size, dtype=torch.uint8))])
                box = [top + crop["top"], left + crop["left"], crop["height"], crop["width"]]
            else:
                flip = bool(torch.rand(1) < op.p)
        sy, sx = new_h / height, new_w / width
        return [box[0] / sy, box[1] / sx, box[2] / sy, box[3] / sx], flip


class EncodedImages(Dataset):
    """(file bytes, or the decoded image (an array) for a file that is not JPEG; crop box; flip; target)."""

    def __init__(self, samples: list[tuple[str, int]], geometry: Geometry) -> None:
        self.samples, self.geometry = samples, geometry

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int):
        path, target = self.samples[index]
        with open(path, "rb") as file:
            data = file.read()  # bytes, not a tensor: pickled to the main process, no shared-memory handle each
        with Image.open(path) as image:
            width, height = image.size  # from the header: nothing decoded
        if not data.startswith(b"\xff\xd8"):  # not JPEG (PNG, BMP...): decoded here
            data = decode_image(torch.frombuffer(bytearray(data), dtype=torch.uint8), mode=ImageReadMode.RGB).numpy()
        box, flip = self.geometry.draw(height, width)
        return data, torch.tensor(box), flip, target


def collate(items: list) -> tuple:
    """Images of different sizes stay a list; boxes, flips and targets are stacked."""
    data, boxes, flips, targets = zip(*items, strict=True)
    return list(data), torch.stack(boxes), torch.tensor(flips), default_collate(targets)


def to_batch(data: list, boxes: torch.Tensor, flips: torch.Tensor, size: int, mean, std, device) -> torch.Tensor:
    """The normalised float batch (N, 3, size, size) on ``device``: decode, cut and resize, flip, normalise."""
    encoded = [i for i, item in enumerate(data) if isinstance(item, bytes)]
    images = [None if isinstance(item, bytes) else torch.from_numpy(item) for item in data]
    if encoded:
        files = [torch.frombuffer(bytearray(data[i]), dtype=torch.uint8) for i in encoded]
        decoded = decode_jpeg(files, mode=ImageReadMode.RGB, device=device)
        for i, image in zip(encoded, decoded, strict=True):
            images[i] = image
    crops = [F.resized_crop(image.to(device), round(top), round(left), max(1, round(h)), max(1, round(w)),
                            [size, size], antialias=True)
             for image, (top, left, h, w) in zip(images, boxes.tolist(), strict=True)]
    batch = torch.stack(crops)
    batch = torch.where(flips.to(device)[:, None, None, None], batch.flip(-1), batch)
    return F.normalize(F.to_dtype(batch, torch.float32, scale=True), mean, std)


class DeviceImageFolder(ImageFolderDataModule):
    """An image folder whose JPEGs are decoded and augmented on the training device when ``decode`` says so."""

    def __init__(self, decode: str = "auto", **kwargs) -> None:
        super().__init__(**kwargs)
        self.decode, self.on_device = decode, False

    def setup(self, stage: str | None = None) -> None:
        super().setup(stage)
        device = self.trainer.strategy.root_device if self.trainer else torch.device("cpu")
        self.on_device = self.decode == "gpu" or (self.decode == "auto" and device.type == "cuda")
        if self.on_device:
            self.train_set, self.val_set, self.test_set = (
                EncodedImages(dataset.samples, Geometry(self.image_size, ops))
                for dataset, ops in ((self.train_set, self.augment), (self.val_set, []), (self.test_set, [])))

    def _loader(self, dataset: Dataset, train: bool = False, collate_fn=None):
        return super()._loader(dataset, train, collate if self.on_device else collate_fn)

    def on_before_batch_transfer(self, batch, dataloader_idx: int):
        if not self.on_device:
            return batch
        data, boxes, flips, targets = batch
        device = self.trainer.strategy.root_device if self.trainer else torch.device("cpu")
        return to_batch(data, boxes, flips, self.image_size, self.mean, self.std, device), targets
