"""How good an ONNX model is on the run's validation split: mean IoU (scripts/quantize.py compares the files)."""

from pathlib import Path

import hydra
import numpy as np
import torch
from torchmetrics.classification import MulticlassJaccardIndex

from ..datasets.masks import IGNORE_INDEX
from ..runs.run_dir import load_run_config
from .runtime import open_session

METRIC = "mean IoU"
SCORE_LOSS = 0.01  # the most an int8 model may lose and still be worth serving


def val_score(model: Path, run_dir: Path) -> float:
    """Mean IoU of an ONNX model on the validation split of the run that trained it (torchmetrics, as in training)."""
    datamodule = hydra.utils.instantiate(load_run_config(run_dir).data)
    datamodule.setup("fit")
    session = open_session(model)
    miou = MulticlassJaccardIndex(len(datamodule.classes), average="macro", ignore_index=IGNORE_INDEX)
    for images, masks in datamodule.val_dataloader():
        logits = session.run(None, {"images": np.asarray(images, dtype=np.float32)})[0]
        miou.update(torch.from_numpy(logits).max(dim=1).indices, masks)  # argmax(dim=1) is ~28x slower on CPU
    return float(miou.compute())
