"""Images that calibrate static int8 quantization (the run's training images, letterboxed as the server does),
and which YOLO operators become int8."""

import json
from pathlib import Path

import hydra
import numpy as np
import onnx
from PIL import Image

from ..runs.run_dir import load_run_config
from .letterbox import letterbox

CALIBRATION_IMAGES = 64
# Only the convolutions become int8, and not the box decoder's (distribution focal loss: its outputs are pixel
# coordinates). Measured on yolov10n (experiment=shapes_quick, 96 px): quantizing the other operators as well
# (SiLU's Sigmoid and Mul, Concat, Split, attention) drops val mAP50 from 0.92 to 0.28-0.29, whichever of them
# is kept float; convolutions alone keep it (0.92) but, with float SiLU between them, every convolution pays a
# Quantize/Dequantize pair: 0.95x float32 latency at 640 px, 1.08x at 96 px. See the quantize script's verdict.
OP_TYPES = ["Conv"]
KEEP_FLOAT = ("/dfl/",)


def calibration_images(run_dir: Path, export_dir: Path, count: int = CALIBRATION_IMAGES) -> list[np.ndarray]:
    """``count`` images of the run's training split, seeded, letterboxed as the server does."""
    data = hydra.utils.instantiate(load_run_config(run_dir).data)
    data.prepare_data()
    files = data.images("train")
    spec = json.loads((export_dir / "preprocess.json").read_text())
    chosen = np.random.default_rng(0).permutation(len(files))[:count]
    images = []
    for index in chosen:
        with Image.open(files[int(index)]) as image:
            pixels, _, _ = letterbox(image.convert("RGB"), spec)
        images.append(pixels.astype(np.float32) * spec["scale"])
    return images


def static_options(prepared_model: Path) -> dict:
    """Extra ``quantize_static`` arguments: convolutions only, the box decoder's kept float."""
    nodes = onnx.load(prepared_model).graph.node
    return {"op_types_to_quantize": OP_TYPES,
            "nodes_to_exclude": [node.name for node in nodes if any(part in node.name for part in KEEP_FLOAT)]}
