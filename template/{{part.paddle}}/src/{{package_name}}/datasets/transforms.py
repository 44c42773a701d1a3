"""Image transforms (paddle.vision): a fixed resize and centre crop, then the training-only ``augment`` ops.

The augment ops come from ``configs/augment/`` (none, basic, strong), so changing them is a config edit.
"""

from paddle.vision import transforms as T

CROP_FROM = 64  # pixels: from this size up, resize 14 % larger and crop the centre (ImageNet's recipe)


def _rgb(image):
    return image.convert("RGB")  # grey (MNIST) and RGBA images -> 3 channels


def image_transforms(image_size: int, mean, std, augment: list | tuple = ()) -> T.Compose:
    """PIL image -> normalised float32 array (3, image_size, image_size); ``augment`` only for training."""
    resize = image_size if image_size < CROP_FROM else int(image_size * 1.14)
    geometry = [T.Resize(resize), T.CenterCrop(image_size)]
    return T.Compose([_rgb, *geometry, *augment, T.ToTensor(), T.Normalize(mean, std)])  # ToTensor: CHW in [0, 1]
