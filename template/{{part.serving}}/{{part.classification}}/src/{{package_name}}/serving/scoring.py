"""How good an ONNX model is on the run's validation split: accuracy (scripts/quantize.py compares the files)."""

from pathlib import Path

import hydra
import numpy as np

from ..runs.run_dir import load_run_config
from .runtime import open_session

METRIC = "accuracy"
SCORE_LOSS = 0.01  # the most an int8 model may lose and still be worth serving


def val_score(model: Path, run_dir: Path) -> float:
    """Accuracy of an ONNX model on the validation split of the run that trained it."""
    datamodule = hydra.utils.instantiate(load_run_config(run_dir).data)
    datamodule.setup("fit")
    session = open_session(model)
    correct = total = 0
    for images, labels in datamodule.val_dataloader():
        logits = session.run(None, {"images": np.asarray(images, dtype=np.float32)})[0]
        correct += int((logits.argmax(axis=1) == np.asarray(labels).reshape(-1)).sum())
        total += len(labels)
    return correct / total
