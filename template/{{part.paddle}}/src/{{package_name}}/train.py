"""``train(cfg)``: build data, model, callbacks and loggers from the config; fit; test (Paddle high-level API).

The same config keys and run directory as the Lightning project: ``paddle.Model.fit`` does the loop,
``paddle.callbacks`` save checkpoints, stop early and step the LR schedule. The fit's progress (where a
resumed run starts, the epochs it records) is one ``FitState``, handed to the callbacks that need it.
Returns the final metrics. Under ``paddle.distributed.launch`` every rank trains on its share of the
batches, the metrics are averaged over the ranks and rank zero alone writes the run files.
"""

import random
from pathlib import Path

import hydra
import numpy as np
import paddle
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
from .training.callbacks import MeanOverRanks, RunStatus, StopOnNonFinite
from .training.checkpoint import RunCheckpoint, resume
from .training.device import configure, world_size
from .training.rules import check_train_config
from .training.state import FitState, History, scalar

log = get_logger(__name__)


def _seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)


def _share_run_dir(cfg: DictConfig) -> Path:
    """Rank zero's run directory on every rank (each launched process composed its own timestamp)."""
    if world_size() > 1:
        shared = [str(cfg.paths.run_dir)]
        paddle.distributed.broadcast_object_list(shared, src=0)
        cfg.paths.run_dir = shared[0]  # also where the checkpoint callback looks for best.ckpt
    return Path(cfg.paths.run_dir)


def _resume(model, path: str, state: FitState) -> None:
    """Weights, optimiser and progress from ``path``; the LR schedule follows the config from the epoch reached."""
    saved = resume(model, path)
    state.first_epoch, state.global_step = saved["epoch"] + 1, saved["global_step"]
    state.best_score = saved.get("best_score")
    if (rates := model.follow_schedule(state.first_epoch)) and abs(rates[0] - rates[1]) > 1e-12 * max(rates):
        log.info("Resuming with the configured LR schedule: epoch %d at lr %.3g (the checkpoint's: %.3g)",
                 state.first_epoch, rates[1], rates[0])


@keeps_run_evidence
def train(cfg: DictConfig) -> dict[str, float]:
    check_train_config(cfg)  # before anything is built or written
    trainer = cfg.trainer
    amp_configs = configure(trainer)  # device, CPU threads, precision, process group; refuses what Paddle cannot do
    _seed(cfg.seed)
    run_dir = _share_run_dir(cfg)
    resume_from = resolve_resume(cfg.get("ckpt_path"), run_dir, Path(cfg.paths.output_dir))  # said first
    print_config(cfg, log)
    if is_rank_zero():
        save_config(cfg, run_dir)
        remove_partials(run_dir / "checkpoints")  # a killed run's unfinished checkpoint file
        set_aside_csv(run_dir, resume_from)  # the CSV logger writes the fit's epochs: the earlier ones stay too

    datamodule = hydra.utils.instantiate(cfg.data)
    datamodule.prepare_data()
    datamodule.setup("fit")
    debug = bool(trainer.get("fast_dev_run"))  # one batch of train, val and test, one epoch
    limits = {split: 1 if debug else trainer.get(f"limit_{split}_batches") for split in ("train", "val", "test")}
    model = hydra.utils.instantiate(cfg.model).prepare_training(amp_configs, trainer.get("gradient_clip_val"))
    if trainer.get("enable_model_summary"):
        model.summary((1, 3, datamodule.image_size, datamodule.image_size))

    state = FitState(train_loader=datamodule.train_dataloader(limits["train"]))
    if resume_from:
        _resume(model, resume_from, state)
    # MeanOverRanks first, History next: every later callback sees the all-rank means, recorded in `state`
    callbacks = [MeanOverRanks(), History(state), StopOnNonFinite(state), RunStatus(run_dir, state)]
    callbacks += instantiate_all(cfg.get("callbacks"), state=state, datamodule=datamodule)
    callbacks += instantiate_all(cfg.get("logger"), state=state)
    callbacks.append(paddle.callbacks.LRScheduler(by_step=False, by_epoch=True))  # T_max counts epochs
    checkpoint = next((c for c in callbacks if isinstance(c, RunCheckpoint)), None)
    if checkpoint is None:  # paddle adds a ModelCheckpoint writing every epoch unless one is present
        callbacks.append(paddle.callbacks.ModelCheckpoint(save_dir=None))
    epochs = 1 if debug else trainer.max_epochs - state.first_epoch
    model.fit(
        state.train_loader,
        datamodule.val_dataloader(limits["val"]),
        epochs=max(epochs, 0),
        eval_freq=trainer.check_val_every_n_epoch,
        log_freq=trainer.log_every_n_steps,
        verbose=2 if trainer.enable_progress_bar else 0,
        callbacks=callbacks,
        accumulate_grad_batches=trainer.get("accumulate_grad_batches", 1),
    )
    if world_size() > 1:
        paddle.distributed.barrier()  # rank zero's last checkpoint is written before anyone reads best.ckpt
    metrics = {key: value for key, value in state.last.items() if key != "epoch"}
    if cfg.get("test") and not debug:
        if checkpoint and checkpoint.best_model_path:
            model.network.set_state_dict(paddle.load(checkpoint.best_model_path)["state_dict"])
        logs = model.evaluate(datamodule.test_dataloader(limits["test"]), verbose=0)
        MeanOverRanks().on_eval_end(logs)
        metrics |= {f"test/{key}": scalar(value) for key, value in logs.items()}
    if checkpoint and checkpoint.best_score is not None:
        metrics[f"best/{checkpoint.monitor}"] = checkpoint.best_score
    metrics["epochs"] = state.last.get("epoch", state.first_epoch - 1) + 1
    if is_rank_zero():
        write_json(run_dir / PREPROCESS_FILE, datamodule.preprocessing())
        write_json(run_dir / METRICS_FILE, metrics)
    say_where(run_dir)
    return metrics
