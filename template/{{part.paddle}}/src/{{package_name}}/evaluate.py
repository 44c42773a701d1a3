"""``evaluate(cfg)``: score a checkpoint on a split: accuracy, macro F1, report, confusion matrix."""

import numpy as np
from omegaconf import DictConfig, OmegaConf

from .reports.classification import write_report
from .runs.run_dir import results_dir
from .training.checkpoint import load_trained
from .training.device import configure
from .training.rules import check_eval_config


def evaluate(cfg: DictConfig) -> dict[str, float]:
    check_eval_config(cfg)
    configure(OmegaConf.create({"accelerator": cfg.accelerator, "devices": 1, "precision": "32-true"}))
    model, datamodule, run_dir = load_trained(cfg.ckpt_path, cfg.get("data"))
    datamodule.setup("test")
    loader = datamodule.test_dataloader() if cfg.split == "test" else datamodule.val_dataloader()
    model.prepare()  # inference only: no optimiser, loss or metric
    logits = np.concatenate(model.predict(loader, stack_outputs=True, verbose=0)[0])
    targets = np.concatenate([np.asarray(labels).reshape(-1) for _, labels in loader])
    predicted = logits.reshape(len(targets), -1).argmax(axis=1)
    return write_report(targets, predicted, datamodule.classes, cfg.split, results_dir(cfg.output_dir, run_dir, "eval"))
