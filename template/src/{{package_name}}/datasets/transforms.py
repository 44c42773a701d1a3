"""Image transforms: pad-and-crop for small images, resized crops for large ones."""

import torch
from torchvision.transforms import v2

from ..models.torchvision_net import SMALL_IMAGE


def image_transforms(image_size: int, mean, std, train: bool, hflip: bool = True) -> v2.Compose:
    """PIL image -> normalised float tensor of shape (3, image_size, image_size)."""
    if image_size < SMALL_IMAGE:
        geometry = [v2.Resize(image_size)]
        if train:
            geometry.append(v2.RandomCrop(image_size, padding=image_size // 8))
    elif train:
        geometry = [v2.RandomResizedCrop(image_size, antialias=True)]
    else:
        geometry = [v2.Resize(int(image_size * 1.14), antialias=True), v2.CenterCrop(image_size)]
    if train and hflip:
        geometry.append(v2.RandomHorizontalFlip())
    return v2.Compose(
        [
            v2.ToImage(),
            v2.RGB(),
            *geometry,
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean, std),
        ]
    )
