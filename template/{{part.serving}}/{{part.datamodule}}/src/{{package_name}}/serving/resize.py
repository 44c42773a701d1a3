"""A decoded image -> the input of a classification or segmentation model, as in training."""

import numpy as np
from PIL import Image


def to_input(image: Image.Image, spec: dict) -> np.ndarray:
    """RGB image of any size -> float32 (3, H, W): resized, scaled and normalised like training."""
    _, height, width = spec["input_size"]
    pixels = np.asarray(image.resize((width, height), Image.Resampling.BILINEAR), dtype=np.float32)
    pixels = (pixels * spec["scale"] - np.asarray(spec["mean"], np.float32)) / np.asarray(spec["std"], np.float32)
    return pixels.transpose(2, 0, 1)
