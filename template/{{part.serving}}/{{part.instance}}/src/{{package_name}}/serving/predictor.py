"""Instance segmentation predictor: images in, boxes with outlines out, from a YOLO -seg export with NMS inside."""

import numpy as np
from pydantic import BaseModel, Field

from ..errors import UserError
from .boxes import Box, BoxPredictor
from .outlines import outlines
from .runtime import AGAIN


class OutlinedBox(Box):
    polygon: list[list[float]] = Field(description="the instance's outline: [x, y] points in the uploaded image's "
                                                   "pixels (empty if its mask is)")


class Prediction(BaseModel):
    """One image's answer."""

    boxes: list[OutlinedBox]
    image_size: list[int] = Field(description="width, height of the uploaded image")


class Predictor(BoxPredictor):
    """Each box also gets its instance's outline, built from the mask coefficients and prototypes."""

    def check_rows(self, outputs: list[np.ndarray]) -> None:
        rows = outputs[0]
        protos = outputs[1] if len(outputs) == 2 else np.zeros(0)
        if rows.ndim != 3 or rows.shape[0] != 1 or protos.ndim != 4 or rows.shape[2] != 6 + protos.shape[1]:
            raise UserError(f"{self.name} answers shapes {[list(o.shape) for o in outputs]}, not (1, boxes, 6 + k) "
                            f"and mask prototypes (1, k, h, w) of a -seg model with NMS inside; {AGAIN}")

    def describe(self, boxes: list[dict], rows, outputs, input_size, pad, factor, size) -> None:
        (left, top), (width, height) = pad, size
        for box, points in zip(boxes, outlines(rows, outputs[1][0], input_size), strict=True):
            points = ((points - [left, top]) / factor).clip(0, [width, height])  # input pixels -> image pixels
            box["polygon"] = [[round(float(x), 1), round(float(y), 1)] for x, y in points]
