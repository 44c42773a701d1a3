"""What every YOLO export answers: boxes with class and confidence, from a model with NMS inside (ONNX Runtime).

The detection and instance segmentation predictors (``predictor.py``) build on ``BoxPredictor``: the
checks of the export, the letterbox, and mapping boxes from the model's input back to the uploaded image.
"""

import ast
from numbers import Real

import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from ..errors import UserError
from .letterbox import letterbox
from .runtime import AGAIN, ExportedModel


class Box(BaseModel):
    class_: str = Field(alias="class")
    index: int
    confidence: float
    box: list[float] = Field(description="x1 y1 x2 y2 in the uploaded image's pixels")


class BoxPredictor(ExportedModel):
    """Rows ``x1 y1 x2 y2 confidence class`` (and a -seg model's mask coefficients) above ``conf`` become boxes."""

    KEYS = {
        "letterbox_pad": lambda v: isinstance(v, int) and 0 <= v <= 255,
        "conf": lambda v: isinstance(v, Real) and 0 <= v <= 1,
    }

    def check_output(self, outputs: list[np.ndarray]) -> None:
        self.check_rows(outputs)
        names = self.session.get_modelmeta().custom_metadata_map.get("names", "{}")  # Ultralytics' class names
        try:
            count = len(ast.literal_eval(names))
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            count = 0  # not an Ultralytics export: nothing to compare
        if count and count != len(self.classes):
            raise UserError(f"{self.name} knows {count} classes, preprocess.json lists {len(self.classes)}; {AGAIN}")

    def check_rows(self, outputs: list[np.ndarray]) -> None:
        rows = outputs[0]
        if rows.ndim != 3 or rows.shape[0] != 1 or rows.shape[2] != 6:
            raise UserError(f"{self.name} answers shape {list(rows.shape)}, not (1, boxes, 6) with NMS inside; {AGAIN}")

    def prepare(self, image: Image.Image) -> tuple:
        """One decoded image -> the model's input and what maps boxes back; the image itself can then be dropped."""
        return *letterbox(image, self.spec), image.size

    def __call__(self, inputs: list[tuple]) -> list[dict]:
        return [self.detect(*item) for item in inputs]  # the export has a fixed batch size of one

    def detect(self, pixels: np.ndarray, factor: float, pad: tuple[int, int], size: tuple[int, int]) -> dict:
        (left, top), (width, height) = pad, size
        scaled = pixels[None].astype(np.float32) * np.float32(self.spec["scale"])
        outputs = self.session.run(None, {"images": scaled})
        rows = outputs[0][0]  # x1 y1 x2 y2 confidence class (then, for -seg, the mask coefficients)
        rows = rows[rows[:, 4] >= self.spec["conf"]]
        corners = (rows[:, :4] - [left, top, left, top]) / factor  # input pixels -> image pixels
        corners = corners.clip(0, [width, height, width, height])
        boxes = [
            {"class": self.classes[int(cls)], "index": int(cls), "confidence": round(float(conf), 4),
             "box": [round(float(value), 1) for value in box]}
            for box, conf, cls in zip(corners, rows[:, 4], rows[:, 5], strict=True)
        ]
        self.describe(boxes, rows, outputs, pixels.shape[1:], (left, top), factor, size)
        return {"boxes": boxes, "image_size": [width, height]}

    def describe(self, boxes: list[dict], rows, outputs, input_size, pad, factor, size) -> None:
        """Add per-box fields beyond the box itself (instance segmentation: the outline)."""
