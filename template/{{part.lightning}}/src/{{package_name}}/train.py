"""``train(cfg)``: build data, model, callbacks, loggers and trainer from the config; fit; test.

Everything is built from ``_target_`` entries, so adding a model or dataset is a config file
(plus a module when torchvision has no ready-made class). Returns the final metrics.
The same function runs in every DDP process (Lightning's launcher, torchrun or SLURM start them);
only rank zero writes the run files.
"""

from pathlib import Path

import hydra
import lightning as L
from omegaconf import DictConfig

from .runs.atomic import remove_partials
from .runs.console import get_logger, is_rank_zero, print_config
from .runs.continuing import set_aside_csv
from .runs.instantiate import instantiate_all
from .runs.run_dir import (
    METRICS_FILE,
    PREPROCESS_FILE,
    keeps_run_evidence,
    resolve_resume,
    save_config,
    say_where,
    write_json,
)
from .training.callbacks import ImagesPerRank, RunStatus
from .training.checkpoint import AtomicCheckpointIO, check_fits
from .training.distributed import leave_process_group, trainer_options
from .training.hparams import log_final_metrics, log_hyperparameters
from .training.rules import check_train_config

log = get_logger(__name__)


@keeps_run_evidence
def train(cfg: DictConfig) -> dict[str, float]:
    check_train_config(cfg)  # before anything is built or written
    run_dir = Path(cfg.paths.run_dir)
    resume_from = resolve_resume(cfg.get("ckpt_path"), run_dir, Path(cfg.paths.output_dir))  # said first
    L.seed_everything(cfg.seed, workers=True)
    model = hydra.utils.instantiate(cfg.model)
    if resume_from:
        check_fits(model, resume_from)  # a whole checkpoint of this model config, before anything is written
    print_config(cfg, log)
    if is_rank_zero():
        save_config(cfg, run_dir)
        remove_partials(run_dir / "checkpoints")  # a killed run's unfinished checkpoint file
        set_aside_csv(run_dir, resume_from)

    datamodule = hydra.utils.instantiate(cfg.data)
    trainer: L.Trainer = hydra.utils.instantiate(
        cfg.trainer,
        **trainer_options(cfg.trainer),
        callbacks=[*instantiate_all(cfg.get("callbacks")), ImagesPerRank(), RunStatus(run_dir)],
        logger=instantiate_all(cfg.get("logger")) or False,
        plugins=[AtomicCheckpointIO()],
        default_root_dir=run_dir,
    )
    log_hyperparameters(trainer, model, cfg)

    trainer.fit(model, datamodule=datamodule, ckpt_path=resume_from)
    metrics = {name: float(value) for name, value in trainer.callback_metrics.items()}
    epochs = trainer.current_epoch  # read before testing: trainer.test() resets the loop's epoch

    checkpoint = trainer.checkpoint_callback
    if cfg.get("test") and not trainer.fast_dev_run:
        best = checkpoint.best_model_path if checkpoint and checkpoint.best_model_path else None
        metrics |= trainer.test(model, datamodule=datamodule, ckpt_path=best, verbose=False)[0]
    if checkpoint and checkpoint.best_model_score is not None:
        metrics[f"best/{checkpoint.monitor}"] = float(checkpoint.best_model_score)
    metrics |= {"epochs": epochs, "world_size": trainer.world_size}
    log_final_metrics(trainer, metrics)
    if trainer.is_global_zero:
        datamodule.setup("fit")  # a no-op when this process trained; spawned workers trained elsewhere
        write_json(run_dir / PREPROCESS_FILE, datamodule.preprocessing())
        write_json(run_dir / METRICS_FILE, metrics)
        say_where(run_dir)
    leave_process_group(trainer)
    return metrics
