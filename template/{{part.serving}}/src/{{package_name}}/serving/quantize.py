"""int8 quantization of the exported ONNX model, and its latency; ``scoring.py`` measures what it changes.

Two modes, ONNX Runtime's own:
- ``static`` (default): QDQ format, per-channel int8 weights, activation ranges calibrated on training images
  (preprocessed as the server does, ``calibration.py``). Convolutions then run as int8 kernels (QLinearConv):
  about twice as fast as float32 for ResNets on x86 CPUs; scripts/quantize.py measures it for your model.
- ``dynamic``: int8 weights only, activations quantized per request (ConvInteger). No calibration, smaller file,
  but on x86 CPUs without VNNI it is slower than float32; kept for comparison.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnxruntime.quantization import (
    CalibrationDataReader,
    QuantFormat,
    QuantType,
    quant_pre_process,
    quantize_dynamic,
    quantize_static,
)

from .calibration import calibration_images, static_options
from .runtime import open_session

FILES = {"static": "model.int8.onnx", "dynamic": "model.int8-dynamic.onnx"}


class Images(CalibrationDataReader):
    """Feeds ONNX Runtime's calibrator one preprocessed image at a time."""

    def __init__(self, images: list[np.ndarray]) -> None:
        self.batches = iter([{"images": image[None]} for image in images])

    def get_next(self) -> dict | None:
        return next(self.batches, None)


def quantize(export_dir: Path, mode: str = "static", run_dir: Path | None = None) -> Path:
    """``FILES[mode]`` beside ``model.onnx``, with its metadata (Ultralytics reads names, size, NMS there).

    ONNX Runtime's pre-processing first: shape inference, constant weights made initializers (Paddle2ONNX
    writes them as Constant nodes, which quantization would skip), BatchNorm folded into the convolutions.
    ``run_dir`` (static only) is the training run whose data calibrates; default: the export dir's parent.
    """
    source, target = export_dir / "model.onnx", export_dir / FILES[mode]
    with tempfile.TemporaryDirectory() as scratch:
        prepared = Path(scratch) / "prepared.onnx"
        quant_pre_process(source, prepared, skip_symbolic_shape=True)  # ONNX shape inference is enough for CNNs
        if mode == "dynamic":  # uint8 weights: ORT's int8-weight ConvInteger is several times slower on x86
            quantize_dynamic(prepared, target, weight_type=QuantType.QUInt8)
        else:
            images = calibration_images(run_dir or export_dir.parent, export_dir)
            quantize_static(
                prepared, target, Images(images), quant_format=QuantFormat.QDQ, per_channel=True,
                # 7-bit weights: x86 CPUs without VNNI multiply uint8 x int8 pairs into int16 and would saturate
                reduce_range=True, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                **static_options(prepared),
            )
    quantized = onnx.load(target)
    onnx.helper.set_model_props(quantized, {prop.key: prop.value for prop in onnx.load(source).metadata_props})
    onnx.save(quantized, target)
    return target


def latency_ms(model: Path, input_shape: list[int], runs: int = 50) -> float:
    """Median wall time of one single-image inference, in the server's session settings (after 5 warm-up runs)."""
    session = open_session(model)
    image = np.random.default_rng(0).random((1, *input_shape), dtype=np.float32)
    times = []
    for index in range(5 + runs):
        start = time.perf_counter()
        session.run(None, {"images": image})
        if index >= 5:
            times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))
