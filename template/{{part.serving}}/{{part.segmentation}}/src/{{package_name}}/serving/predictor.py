"""Segmentation predictor: images in, a class mask at the uploaded image's size out (ONNX Runtime)."""

import base64
import io
from numbers import Real

import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from ..errors import UserError
from .resize import to_input
from .runtime import AGAIN, ExportedModel, numbers


class Prediction(BaseModel):
    """One image's answer."""

    mask: str = Field(description="base64 PNG (8-bit grey) of the uploaded image's size: each pixel's class index, "
                                  "the format data=mask_folder reads")
    image_size: list[int] = Field(description="width, height of the uploaded image (and of the mask)")
    classes: dict[str, float] = Field(description="class name -> share of the image's pixels, for the classes found")


class Predictor(ExportedModel):
    KEYS = {
        "mean": lambda v: numbers(v, 3),
        "std": lambda v: numbers(v, 3) and all(isinstance(s, Real) and s > 0 for s in v),
    }

    def check_output(self, outputs: list[np.ndarray]) -> None:
        _, height, width = self.spec["input_size"]
        if outputs[0].shape != (1, len(self.classes), height, width):
            raise UserError(f"{self.name} answers shape {list(outputs[0].shape)} for one image, but preprocess.json "
                            f"lists {len(self.classes)} classes (expected [1, {len(self.classes)}, {height}, {width}]: "
                            f"a score per class per pixel); {AGAIN}")
        if len(self.classes) > 256:
            raise UserError(f"preprocess.json lists {len(self.classes)} classes; a mask PNG holds at most 256")

    def prepare(self, image: Image.Image) -> tuple[np.ndarray, tuple[int, int]]:
        """One decoded image -> the model's input and the size to answer in; the image itself can then be dropped."""
        return to_input(image, self.spec), image.size

    def __call__(self, inputs: list[tuple]) -> list[dict]:
        pixels = [item[0] for item in inputs]
        batches = [[item] for item in pixels] if self.fixed_batch else [pixels]
        masks = np.concatenate([self.session.run(None, {"images": np.stack(batch)})[0].argmax(axis=1)
                                for batch in batches]).astype(np.uint8)
        return [self._describe(mask, size) for mask, (_, size) in zip(masks, inputs, strict=True)]

    def _describe(self, mask: np.ndarray, size: tuple[int, int]) -> dict:
        """The model-size mask resized to the upload with nearest neighbours: one byte per pixel, never a
        full-size score map (a 24-megapixel upload would need 4 bytes x classes per pixel)."""
        full = Image.fromarray(mask, mode="L").resize(size, Image.Resampling.NEAREST)
        buffer = io.BytesIO()
        full.save(buffer, format="PNG")
        counts = np.bincount(np.asarray(full).ravel(), minlength=len(self.classes))
        shares = counts / counts.sum()
        return {
            "mask": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "image_size": list(size),
            "classes": {name: round(float(share), 6) for name, share in zip(self.classes, shares, strict=False)
                        if share > 0},
        }
