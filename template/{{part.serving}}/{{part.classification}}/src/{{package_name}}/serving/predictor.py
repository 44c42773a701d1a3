"""Classification predictor: images in, class names and probabilities out (ONNX Runtime)."""

from numbers import Real

import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

from ..errors import UserError
from .resize import to_input
from .runtime import AGAIN, ExportedModel, numbers


class Prediction(BaseModel):
    """One image's answer."""

    class_: str = Field(alias="class", description="the most probable class")
    index: int = Field(description="its index in the class list")
    probabilities: dict[str, float] = Field(description="class name -> probability; they sum to 1")


class Predictor(ExportedModel):
    KEYS = {
        "mean": lambda v: numbers(v, 3),
        "std": lambda v: numbers(v, 3) and all(isinstance(s, Real) and s > 0 for s in v),
    }

    def check_output(self, outputs: list[np.ndarray]) -> None:
        if outputs[0].shape != (1, len(self.classes)):
            raise UserError(f"{self.name} answers shape {list(outputs[0].shape)} for one image, but preprocess.json "
                            f"lists {len(self.classes)} classes; {AGAIN}")

    def prepare(self, image: Image.Image) -> np.ndarray:
        """One decoded image -> the model's input; the (large) image itself can then be dropped."""
        return to_input(image, self.spec)

    def __call__(self, inputs: list[np.ndarray]) -> list[dict]:
        batches = [[item] for item in inputs] if self.fixed_batch else [inputs]
        logits = np.concatenate([self.session.run(None, {"images": np.stack(batch)})[0] for batch in batches])
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        return [self._describe(row) for row in probs]

    def _describe(self, probs: np.ndarray) -> dict:
        best = int(probs.argmax())
        return {
            "class": self.classes[best],
            "index": best,
            "probabilities": {name: round(float(p), 6) for name, p in zip(self.classes, probs, strict=True)},
        }
