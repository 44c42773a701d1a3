"""Uploaded image bytes -> a decoded RGB image (Pillow only); each engine's predictor makes the model's input.

Hostile uploads are expected: costly structures are refused first (``prescan``), only a few common formats are
opened, the pixel count is read from the header and checked before anything is decoded, animations are refused,
and any failure of Pillow on the bytes is the client's error.
"""

import io
from collections.abc import Callable
from typing import Any

from PIL import Image

from .prescan import CostlyImage, prescan

FORMATS = ("JPEG", "PNG", "WEBP", "BMP", "GIF", "TIFF")  # what cameras and browsers send; nothing exotic


class ImageError(ValueError):
    """The upload is not a decodable image (HTTP 422)."""

    status = 422


class UnsupportedImage(ImageError):
    """The upload is not in one of FORMATS (HTTP 415)."""

    status = 415


class ImageTooLarge(ImageError):
    """The image has more pixels than the server's budget (HTTP 413)."""

    status = 413


def decode(data: bytes, max_pixels: int) -> Image.Image:
    """The upload as an RGB image, or an ``ImageError`` that says why not. At most ``max_pixels`` are decoded."""
    try:
        prescan(data)  # structures that cost CPU beyond their size: refused before Pillow sees them
    except CostlyImage as error:
        raise ImageTooLarge(str(error)) from error
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)  # lazy: reads the header only
    except Image.DecompressionBombError as error:
        raise ImageTooLarge(f"decompression bomb refused ({error})") from error
    except Exception as error:  # any failure on untrusted bytes is the upload's fault
        raise UnsupportedImage(f"not an image in a supported format ({', '.join(FORMATS)})") from error
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLarge(f"{width}x{height} pixels is more than the limit of {max_pixels} pixels")
    if width * height == 0:
        raise ImageError(f"not a decodable image (size {width}x{height})")
    if getattr(image, "is_animated", False):  # read from the header (GIF: whether a second frame follows)
        raise ImageTooLarge(f"animated {image.format}: send one frame")
    try:
        image.load()
        return image.convert("RGB")
    except Exception as error:  # truncated, corrupt or odd files: Pillow raises many kinds
        raise ImageError(f"not a decodable {image.format} image ({error.__class__.__name__})") from error


def decode_and_prepare(prepare: Callable[[Image.Image], Any], data: bytes, max_pixels: int) -> Any:
    """In a decoding worker (serving/decoding.py): one upload's model input; the decoded image is dropped there."""
    return prepare(decode(data, max_pixels))
