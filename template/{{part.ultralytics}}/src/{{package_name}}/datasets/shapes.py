"""Built-in detection and instance segmentation data: coloured shapes on noisy backgrounds, in YOLO format.

Every image holds one to ``max_objects`` circles, squares or triangles on a colour gradient with
pixel noise; labels are ``class cx cy w h`` (boxes) or ``class x1 y1 x2 y2 ...`` (``segments=True``: the
outline as a polygon, a 32-gon for a circle), normalised to [0, 1]. No download: a fixed seed makes the set
identical on every machine; it is generated once and regenerated when the recipe changes.
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ..runs.atomic import locked
from .yolo_data import YoloData

CLASSES = ("circle", "square", "triangle")


def outline(kind: str, x0: float, y0: float, side: float) -> np.ndarray:
    """The shape's outline as (points, 2) pixel coordinates."""
    if kind == "circle":
        angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        return np.stack([x0 + side / 2 * (1 + np.cos(angles)), y0 + side / 2 * (1 + np.sin(angles))], axis=1)
    if kind == "square":
        return np.array([[x0, y0], [x0 + side, y0], [x0 + side, y0 + side], [x0, y0 + side]])
    return np.array([[x0 + side / 2, y0], [x0, y0 + side], [x0 + side, y0 + side]])


def draw_image(rng: np.random.Generator, size: int, max_objects: int, segments: bool = False
               ) -> tuple[Image.Image, list[str]]:
    low, high = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    ramp = np.linspace(0, 1, size)[:, None, None]
    background = np.clip(low + (high - low) * ramp + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(background.transpose(1, 0, 2) if rng.random() < 0.5 else background)
    draw, labels = ImageDraw.Draw(image), []
    for _ in range(rng.integers(1, max_objects + 1)):
        cls = int(rng.integers(len(CLASSES)))
        side = rng.uniform(0.2, 0.45) * size  # pixels
        x0, y0 = rng.uniform(0, size - side, 2)
        x1, y1 = x0 + side, y0 + side
        # a colour far from the background's mean, so every shape is visible
        colour = tuple(int(c) for c in (255 - (low + high) / 2 + rng.integers(-40, 41, 3)).clip(0, 255))
        if CLASSES[cls] == "circle":
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif CLASSES[cls] == "square":
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([((x0 + x1) / 2, y0), (x0, y1), (x1, y1)], fill=colour)
        if segments:
            points = (outline(CLASSES[cls], x0, y0, side) / size).clip(0, 1)
            labels.append(f"{cls} " + " ".join(f"{value:.6f}" for value in points.ravel()))
        else:
            cx, cy, width = (x0 + x1) / 2 / size, (y0 + y1) / 2 / size, side / size
            labels.append(f"{cls} {cx:.6f} {cy:.6f} {width:.6f} {width:.6f}")
    return image, labels


def generate(root: Path, sizes: dict[str, int], image_size: int, max_objects: int, seed: int,
             segments: bool = False) -> None:
    """Write ``root/images/<split>/*.png`` and ``root/labels/<split>/*.txt``, unless the same recipe is there.

    Safe when several processes ask at once (a search's parallel trials): one builds the set in a folder beside
    ``root`` and renames it into place, the others wait and find it made.
    """
    recipe = {"sizes": sizes, "image_size": image_size, "max_objects": max_objects, "seed": seed,
              **({"segments": True} if segments else {})}
    root = Path(root)
    if _made(root, recipe):
        return
    with locked(root.with_name(f".{root.name}.lock")):
        if _made(root, recipe):  # another process made it while this one waited
            return
        building, old = (root.with_name(f".{root.name}.{os.getpid()}.{kind}") for kind in ("building", "old"))
        shutil.rmtree(building, ignore_errors=True)
        rng = np.random.default_rng(seed)
        for split, count in sizes.items():
            for kind in ("images", "labels"):
                (building / kind / split).mkdir(parents=True)
            for index in range(count):
                image, labels = draw_image(rng, image_size, max_objects, segments)
                image.save(building / "images" / split / f"{index:05d}.png")
                (building / "labels" / split / f"{index:05d}.txt").write_text("\n".join(labels) + "\n")
        (building / "recipe.json").write_text(json.dumps(recipe))
        if root.exists():
            root.rename(old)
        building.rename(root)
        shutil.rmtree(old, ignore_errors=True)


def _made(root: Path, recipe: dict) -> bool:
    stamp = root / "recipe.json"
    return stamp.is_file() and json.loads(stamp.read_text()) == recipe


class ShapesData(YoloData):
    def __init__(self, root: str, num_train: int, num_val: int, max_objects: int, seed: int, segments: bool = False,
                 **loader) -> None:
        super().__init__(root, list(CLASSES), **loader)
        self.sizes = {"train": num_train, "val": num_val}
        self.max_objects, self.seed, self.segments = max_objects, seed, segments

    def prepare_data(self) -> None:
        generate(self.root, self.sizes, self.image_size, self.max_objects, self.seed, self.segments)
        self.write_yaml(self.root, "images/train", "images/val")
