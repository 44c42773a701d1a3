"""Image transforms (torchvision v2): a fixed resize and centre crop, then the training-only ``augment`` ops.

The augment ops come from ``configs/augment/`` (none, basic, strong), so changing them is a config edit.
"""

import torch
from torchvision.transforms import v2

CROP_FROM = 64  # pixels: from this size up, resize 14 % larger and crop the centre (ImageNet's recipe)


def image_transforms(image_size: int, mean, std, augment: list | tuple = ()) -> v2.Compose:
    """PIL image -> normalised float tensor (3, image_size, image_size); ``augment`` only for training."""
    resize = image_size if image_size < CROP_FROM else int(image_size * 1.14)
    return v2.Compose(
        [
            v2.ToImage(),
            v2.RGB(),
            v2.Resize(resize, antialias=True),
            v2.CenterCrop(image_size),
            *augment,
            v2.ToDtype(torch.float32, scale=True),
            v2.Normalize(mean, std),
        ]
    )
