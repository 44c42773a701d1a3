"""Checkpoints as single ``.ckpt`` files (weights, optimiser, epoch): written during fit, resumed, rebuilt."""

import math
from pathlib import Path

import hydra
import paddle
from omegaconf import DictConfig, OmegaConf
from paddle.callbacks import ModelCheckpoint

from ..errors import UserError
from ..runs.atomic import replacing
from ..runs.checks import same_weights
from ..runs.console import is_rank_zero
from ..runs.run_dir import load_run_config, run_dir_of
from .state import FitState


def save_checkpoint(model: paddle.Model, path: Path, epoch: int, global_step: int, **extra) -> None:
    """``epoch``: the epoch just finished (0-based), as in Lightning checkpoints; ``extra``: e.g. best_score."""
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"state_dict": model.network.state_dict(), "epoch": epoch, "global_step": global_step, **extra}
    if model._optimizer is not None:
        state["optimizer"] = model._optimizer.state_dict()  # holds the LR scheduler's state too
        state["param_names"] = {key: param.name for key, param in model.network.named_parameters()}
    with replacing(path) as partial:  # whole or absent, on any file system (runs.atomic)
        paddle.save(state, str(partial))


def load_checkpoint(path: str | Path) -> dict:
    """The checkpoint's dict; a torn or foreign file (a full disk, a copy killed half-way) is one line."""
    try:
        state = paddle.load(str(path))
    except Exception as error:  # paddle raises many kinds on a broken pickle
        raise UserError(f"ckpt_path={path} is not a whole checkpoint ({type(error).__name__}); use another one "
                        "(e.g. the run's checkpoints/best.ckpt) or start a new run") from None
    if not isinstance(state, dict) or "state_dict" not in state:
        raise UserError(f"ckpt_path={path} is not a checkpoint of this project (no state_dict); pass a .ckpt it wrote")
    return state


def _renamed(optimizer_state: dict, saved_names: dict[str, str], network: paddle.nn.Layer) -> dict:
    """Optimiser states are keyed by generated parameter names (``conv2d_3.w_0_moment1_0``), which differ
    between model instances: map them through the structured names to this network's parameters."""
    mapping = {saved_names[key]: param.name for key, param in network.named_parameters() if key in saved_names}
    prefixes = sorted(mapping, key=len, reverse=True)
    renamed = {}
    for key, value in optimizer_state.items():
        if key == "master_weights":
            value = {mapping.get(name, name): weight for name, weight in value.items()}
        old = next((prefix for prefix in prefixes if key.startswith(prefix + "_")), None)
        renamed[mapping[old] + key[len(old) :] if old else key] = value
    return renamed


def _set_weights(network: paddle.nn.Layer, path, state: dict) -> None:
    """Paddle only warns on a missing or misshapen weight: another model config's checkpoint is one line."""
    same_weights(path, {k: tuple(v.shape) for k, v in network.state_dict().items()},
                 {k: tuple(v.shape) for k, v in state["state_dict"].items()})
    network.set_state_dict(state["state_dict"])


def resume(model: paddle.Model, path: str) -> dict:
    """Restore weights and optimiser (with its LR schedule) into a prepared model; -> the checkpoint."""
    state = load_checkpoint(path)
    _set_weights(model.network, path, state)
    model._optimizer.set_state_dict(_renamed(state["optimizer"], state["param_names"], model.network))
    return state


def load_trained(ckpt_path: str, data_overrides: DictConfig | None = None):
    """-> (classifier with its network in eval mode, datamodule, run_dir). ``data_overrides`` change e.g. root."""
    run_dir = run_dir_of(ckpt_path)
    run_cfg = load_run_config(run_dir)
    data_cfg = OmegaConf.merge(run_cfg.data, data_overrides or {})
    model = hydra.utils.instantiate(run_cfg.model)
    _set_weights(model.network, ckpt_path, load_checkpoint(ckpt_path))
    model.network.eval()
    return model, hydra.utils.instantiate(data_cfg), Path(run_dir)


class RunCheckpoint(ModelCheckpoint):
    """``last.ckpt`` after every epoch and ``best.ckpt`` when ``monitor`` improves (both resumable).

    Reads the epoch's metrics and step from ``state`` (filled by ``History``) and keeps the best score there,
    so a resumed run goes on from its checkpoint's best.
    """

    def __init__(self, dirpath: str, monitor: str = "val/acc", mode: str = "max", state: FitState | None = None):
        super().__init__(save_freq=1, save_dir=dirpath)
        self.dirpath, self.monitor, self.mode = Path(dirpath), monitor, mode
        self.state = state or FitState()
        self.best_model_path: str | None = None

    @property
    def best_score(self) -> float | None:
        return self.state.best_score

    def _better(self, value: float) -> bool:
        best = self.state.best_score
        if best is None or math.isnan(best):
            return True
        return value > best if self.mode == "max" else value < best

    def on_train_begin(self, logs=None):
        if self.state.best_score is not None and (self.dirpath / "best.ckpt").is_file():  # a resumed run's best
            self.best_model_path = str(self.dirpath / "best.ckpt")

    def on_epoch_end(self, epoch, logs=None):
        pass  # validation follows: save once the epoch's val metrics exist

    def on_eval_end(self, logs=None):
        if not self.state.epochs:
            return
        row, step = self.state.last, self.state.global_step
        improved = self.monitor in row and self._better(row[self.monitor])
        if improved:  # every rank keeps the same best score (the metrics are reduced); rank zero writes
            self.state.best_score = row[self.monitor]
            self.best_model_path = str(self.dirpath / "best.ckpt")
        if not is_rank_zero():
            return
        best = self.state.best_score
        if improved:
            save_checkpoint(self.model, Path(self.best_model_path), row["epoch"], step, best_score=best)
        save_checkpoint(self.model, self.dirpath / "last.ckpt", row["epoch"], step, best_score=best)

    def on_train_end(self, logs=None):
        pass  # no "final" files: last.ckpt is the final state
