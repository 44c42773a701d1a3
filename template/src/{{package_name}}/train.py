"""``train(cfg)``: build data, model, callbacks, loggers and trainer from the config; fit; test.

Everything is built from ``_target_`` entries, so adding a model or dataset is a config file
(plus a module when torchvision has no ready-made class). Returns the final metrics.
"""

from pathlib import Path

import hydra
import lightning as L
from omegaconf import DictConfig

from .utils.run_dir import METRICS_FILE, PREPROCESS_FILE, resolve_resume, save_config, write_json


def _instantiate_all(group: DictConfig | None) -> list:
    """A config group of named objects (callbacks, loggers) -> list of built objects."""
    return [hydra.utils.instantiate(conf) for conf in (group or {}).values() if conf and "_target_" in conf]


def train(cfg: DictConfig) -> dict[str, float]:
    L.seed_everything(cfg.seed, workers=True)
    run_dir = Path(cfg.paths.run_dir)
    resume_from = resolve_resume(cfg.get("ckpt_path"), run_dir, Path(cfg.paths.output_dir))
    save_config(cfg, run_dir)

    datamodule = hydra.utils.instantiate(cfg.data)
    model = hydra.utils.instantiate(cfg.model)
    trainer: L.Trainer = hydra.utils.instantiate(
        cfg.trainer,
        callbacks=_instantiate_all(cfg.get("callbacks")),
        logger=_instantiate_all(cfg.get("logger")) or False,
        default_root_dir=run_dir,
    )

    trainer.fit(model, datamodule=datamodule, ckpt_path=resume_from)
    write_json(run_dir / PREPROCESS_FILE, datamodule.preprocessing())
    metrics = {name: float(value) for name, value in trainer.callback_metrics.items()}

    checkpoint = trainer.checkpoint_callback
    if cfg.get("test") and not trainer.fast_dev_run:
        best = checkpoint.best_model_path if checkpoint and checkpoint.best_model_path else None
        metrics |= trainer.test(model, datamodule=datamodule, ckpt_path=best, verbose=False)[0]
    if checkpoint and checkpoint.best_model_score is not None:
        metrics[f"best/{checkpoint.monitor}"] = float(checkpoint.best_model_score)
    metrics["epochs"] = trainer.current_epoch
    write_json(run_dir / METRICS_FILE, metrics)
    print(f"Run directory: {run_dir}")
    return metrics
