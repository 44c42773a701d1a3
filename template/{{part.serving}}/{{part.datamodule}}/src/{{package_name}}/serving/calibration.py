"""Images that calibrate static int8 quantization: the run's training images, as the server preprocesses them."""

from pathlib import Path

import hydra
import numpy as np

from ..runs.run_dir import load_run_config

CALIBRATION_IMAGES = 64


def calibration_images(run_dir: Path, export_dir: Path, count: int = CALIBRATION_IMAGES) -> list[np.ndarray]:
    """``count`` images of the run's training split, seeded, without augmentation (as the server sees images)."""
    datamodule = hydra.utils.instantiate(load_run_config(run_dir).data, augment=[])
    datamodule.setup("fit")
    train = datamodule.train_set
    order = np.random.default_rng(0).permutation(len(train))[:count]
    return [np.asarray(train[int(index)][0], dtype=np.float32) for index in order]


def static_options(prepared_model: Path) -> dict:
    """Extra ``quantize_static`` arguments: none, every supported operator becomes int8."""
    return {}
