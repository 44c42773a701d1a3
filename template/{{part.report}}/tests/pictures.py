"""What the report tests check in a picture: it exists, is a real image, and is not blank."""

from pathlib import Path

import numpy as np
from PIL import Image


def assert_drawn(path: Path, min_inked: float = 0.02) -> None:
    """Some share of the pixels is not background, and they vary (a blank or one-colour image fails)."""
    assert path.is_file(), f"{path.name} was not written"
    gray = np.asarray(Image.open(path).convert("L"), dtype=np.float32)
    inked = float((gray < 245).mean())
    assert inked > min_inked, f"{path.name}: only {inked:.1%} of the pixels drawn"
    assert gray.std() > 20, f"{path.name}: nearly one colour (std {gray.std():.1f})"


def inline_images(report: Path) -> int:
    """Images embedded in the page; the page may load nothing from elsewhere."""
    page = report.read_text()
    assert "src=\"http" not in page and "href=\"http" not in page and "<script" not in page
    return page.count('<img src="data:image/')
