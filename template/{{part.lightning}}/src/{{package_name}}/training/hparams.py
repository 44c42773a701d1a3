"""Send the run's hyper-parameters to every logger (TensorBoard's HPARAMS tab, CSV's hparams.yaml, W&B, MLflow), and
its final metrics to TensorBoard's HPARAMS tab, where runs are compared side by side."""

from pathlib import Path

import lightning as L
from lightning.pytorch.loggers import MLFlowLogger, TensorBoardLogger
from omegaconf import DictConfig, OmegaConf

from ..runs import mlflow_run

GROUPS = ("model", "data", "trainer", "callbacks")  # the config groups that decide the result
KEYS = ("task_name", "tags", "seed", "ckpt_path")


def log_hyperparameters(trainer: L.Trainer, model: L.LightningModule, cfg: DictConfig) -> None:
    if not trainer.loggers:
        return
    hparams = {key: OmegaConf.to_container(cfg[key], resolve=True) for key in GROUPS if cfg.get(key) is not None}
    hparams |= {key: OmegaConf.to_container(cfg[key]) if OmegaConf.is_config(cfg[key]) else cfg[key]
                for key in KEYS if key in cfg}
    hparams["model/params/total"] = sum(p.numel() for p in model.parameters())
    hparams["model/params/trainable"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    for logger in trainer.loggers:
        logger.log_hyperparams(hparams)
        if isinstance(logger, MLFlowLogger):  # the run's labels as MLflow tags too, to filter runs by
            for tag in cfg.get("tags") or []:
                logger.experiment.set_tag(logger.run_id, str(tag), "true")
            if cfg.get("mlflow_parent_run"):  # a search trial: a child run of the search's run (search/tracking.py)
                logger.experiment.set_tag(logger.run_id, "mlflow.parentRunId", cfg.mlflow_parent_run)
            if trainer.is_global_zero:  # for the export made from this run's checkpoints later
                mlflow_run.remember(Path(trainer.default_root_dir), logger.experiment.tracking_uri, logger.run_id)


def log_final_metrics(trainer: L.Trainer, metrics: dict[str, float]) -> None:
    """One HPARAMS row per run: its hyper-parameters beside its final scores (``val/``, ``test/``, ``best/``...)."""
    scores = {name: value for name, value in metrics.items() if "/" in name}
    for logger in trainer.loggers:
        if isinstance(logger, TensorBoardLogger) and scores:
            logger.log_hyperparams(logger.hparams, metrics=scores, step=trainer.global_step)
            logger.finalize("success")  # flushed now: fit and test had closed the writer, this reopened it
