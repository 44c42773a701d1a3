"""Detection predictor: images in, boxes out, from a YOLO export with NMS inside (ONNX Runtime)."""

from pydantic import BaseModel, Field

from .boxes import Box, BoxPredictor


class Prediction(BaseModel):
    """One image's answer."""

    boxes: list[Box]
    image_size: list[int] = Field(description="width, height of the uploaded image")


class Predictor(BoxPredictor):
    """``BoxPredictor`` as it is: boxes with class and confidence."""
