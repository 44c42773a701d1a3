"""Built-in segmentation data: circles, squares and triangles on noisy gradients, with their masks (no download).

Generated in memory from a fixed seed (identical on every machine, a second or two): each image holds one to
``max_objects`` shapes; its mask gives every pixel its class, 0 for the background, later shapes on top.
"""

import numpy as np
from PIL import Image, ImageDraw

from .masks import MaskDataModule

CLASSES = ("background", "circle", "square", "triangle")


def draw(rng: np.random.Generator, size: int, max_objects: int) -> tuple[np.ndarray, np.ndarray]:
    """One (uint8 HWC image, uint8 HW mask) pair."""
    low, high = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    ramp = np.linspace(0, 1, size)[:, None, None]
    background = np.clip(low + (high - low) * ramp + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(background.transpose(1, 0, 2) if rng.random() < 0.5 else background)
    mask = Image.new("L", (size, size), 0)
    paint, label = ImageDraw.Draw(image), ImageDraw.Draw(mask)
    for _ in range(rng.integers(1, max_objects + 1)):
        cls = int(rng.integers(1, len(CLASSES)))
        side = rng.uniform(0.2, 0.45) * size
        x0, y0 = rng.uniform(0, size - side, 2)
        box = (x0, y0, x0 + side, y0 + side)
        colour = tuple(int(c) for c in (255 - (low + high) / 2 + rng.integers(-40, 41, 3)).clip(0, 255))
        for canvas, fill in ((paint, colour), (label, cls)):
            if CLASSES[cls] == "circle":
                canvas.ellipse(box, fill=fill)
            elif CLASSES[cls] == "square":
                canvas.rectangle(box, fill=fill)
            else:
                canvas.polygon([((box[0] + box[2]) / 2, box[1]), (box[0], box[3]), (box[2], box[3])], fill=fill)
    return np.asarray(image), np.asarray(mask)


def generate(count: int, size: int, max_objects: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pairs = [draw(rng, size, max_objects) for _ in range(count)]
    return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


class ShapesDataModule(MaskDataModule):
    def __init__(self, num_images: int = 800, max_objects: int = 3, seed: int = 0, test_fraction: float = 0.15,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_images, self.max_objects, self.seed, self.test_fraction = num_images, max_objects, seed, test_fraction

    def load_splits(self):
        self.classes = list(CLASSES)
        images, masks = generate(self.num_images, self.image_size, self.max_objects, self.seed)
        train, val, test = self.split_indices(self.num_images, self.test_fraction)

        def split(indices: list[int], augment: bool):
            return self.pairs(lambda i: (images[indices[i]], masks[indices[i]]), len(indices), augment)

        return split(train, True), split(val, False), split(test, False)
