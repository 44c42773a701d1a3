"""Image files, any task: which names are images, and which files Pillow cannot even open (headers only: cheap
enough to run before every training run)."""

from pathlib import Path

from PIL import Image, UnidentifiedImageError

# What torchvision's ImageFolder, Paddle's DatasetFolder and Ultralytics all read as images.
IMAGE_SUFFIXES = (".bmp", ".jpeg", ".jpg", ".pgm", ".png", ".ppm", ".tif", ".tiff", ".webp")
DECODE_ERRORS = (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError)


def image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def unreadable(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files whose header Pillow cannot read (not an image, truncated header): cheap, no pixels decoded."""
    bad = []
    for path in paths:
        try:
            with Image.open(path):
                pass
        except DECODE_ERRORS as error:
            bad.append((path, str(error) or type(error).__name__))
    return bad
