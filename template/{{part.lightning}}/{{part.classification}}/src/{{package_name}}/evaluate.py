"""``evaluate(cfg)``: score a checkpoint on a split: accuracy, macro F1, report, confusion matrix."""

import lightning as L
import torch
from omegaconf import DictConfig

from .reports.classification import write_report
from .runs.run_dir import results_dir
from .training.checkpoint import load_trained
from .training.rules import check_eval_config


def evaluate(cfg: DictConfig) -> dict[str, float]:
    check_eval_config(cfg)
    model, datamodule, run_dir = load_trained(cfg.ckpt_path, cfg.get("data"))
    datamodule.setup("test")
    loader = datamodule.test_dataloader() if cfg.split == "test" else datamodule.val_dataloader()
    trainer = L.Trainer(accelerator=cfg.accelerator, devices=1, logger=False, enable_progress_bar=False)
    batches = trainer.predict(model, dataloaders=loader)
    predicted = torch.cat([batch["probs"] for batch in batches]).argmax(dim=1).numpy()
    targets = torch.cat([batch["targets"] for batch in batches]).numpy()
    return write_report(targets, predicted, datamodule.classes, cfg.split, results_dir(cfg.output_dir, run_dir, "eval"))
