"""Uploaded image bytes -> the model's input array, as preprocess.json says (Pillow and numpy only)."""

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs (pixels)


class ImageError(ValueError):
    """The upload is not a decodable image."""


def decode(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ImageError(f"not a decodable image ({error.__class__.__name__})") from error
    return image.convert("RGB")


def to_input(image: Image.Image, spec: dict) -> np.ndarray:
    """RGB image of any size -> float32 (3, H, W): resized, scaled and normalised like training."""
    _, height, width = spec["input_size"]
    pixels = np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)
    pixels = (pixels * spec["scale"] - np.asarray(spec["mean"], np.float32)) / np.asarray(spec["std"], np.float32)
    return pixels.transpose(2, 0, 1)
