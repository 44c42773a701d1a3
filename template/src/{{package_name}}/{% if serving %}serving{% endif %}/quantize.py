"""int8 dynamic quantization of the exported ONNX model, and its accuracy change on the val split."""

from pathlib import Path

import hydra
import numpy as np
import onnxruntime as ort
from omegaconf import OmegaConf
from onnxruntime.quantization import QuantType, quantize_dynamic

# uint8 weights: ORT's int8-weight convolutions (ConvInteger) run several times slower on x86 CPUs.
WEIGHT_TYPE = QuantType.QUInt8


def quantize(export_dir: Path) -> Path:
    target = export_dir / "model.int8.onnx"
    quantize_dynamic(export_dir / "model.onnx", target, weight_type=WEIGHT_TYPE)
    return target


def val_accuracy(model: Path, run_dir: Path) -> float:
    """Accuracy of an ONNX model on the validation split of the run that trained it."""
    datamodule = hydra.utils.instantiate(OmegaConf.load(run_dir / "config.yaml").data)
    datamodule.setup("fit")
    session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    correct = total = 0
    for images, labels in datamodule.val_dataloader():
        logits = session.run(None, {"images": np.asarray(images, dtype=np.float32)})[0]
        correct += int((logits.argmax(axis=1) == np.asarray(labels)).sum())
        total += len(labels)
    return correct / total
