"""A decoded image -> a YOLO input, letterboxed as Ultralytics does; the factor and padding map boxes back."""

import numpy as np
from PIL import Image


def letterbox(image: Image.Image, spec: dict) -> tuple[np.ndarray, float, tuple[int, int]]:
    """RGB image of any size -> uint8 (3, S, S) as Ultralytics feeds YOLO: resized keeping its aspect
    ratio, centred on grey padding (times spec["scale"] before inference: a batch keeps 1 byte per value).
    Also returns the resize factor and the (left, top) padding, which map boxes back to the image."""
    _, height, width = spec["input_size"]
    factor = min(width / image.width, height / image.height)
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))  # 1x10000 stays visible
    left, top = (width - size[0]) // 2, (height - size[1]) // 2
    canvas = Image.new("RGB", (width, height), (spec["letterbox_pad"],) * 3)
    canvas.paste(image.resize(size, Image.Resampling.BILINEAR), (left, top))
    return np.asarray(canvas).transpose(2, 0, 1), factor, (left, top)
