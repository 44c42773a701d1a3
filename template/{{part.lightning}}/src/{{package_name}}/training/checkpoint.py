"""Checkpoints: written whole or not at all, and a trained model (with its datamodule) rebuilt from one."""

import zipfile
from pathlib import Path

import hydra
import torch
from lightning.fabric.plugins.io.torch_io import TorchCheckpointIO
from omegaconf import DictConfig, OmegaConf

from ..errors import UserError
from ..runs.atomic import replacing
from ..runs.checks import same_weights
from ..runs.run_dir import load_run_config, run_dir_of


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint writer, whole or absent on any file system: the file is written beside its name,
    flushed and renamed (``runs.atomic``); Lightning's own goes through ``$TMPDIR`` and a copy."""

    def save_checkpoint(self, checkpoint: dict, path, storage_options=None) -> None:
        if storage_options is not None:
            raise TypeError("storage_options are not supported by AtomicCheckpointIO")
        with replacing(Path(path)) as partial:
            torch.save(checkpoint, partial)


def check_readable(path: str) -> None:
    """A checkpoint to resume from, evaluate or export must be a whole one (torch's format is a zip archive: every
    member's CRC is read, which catches a file cut short by a full disk or a copy killed half-way)."""
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        broken = str(error) or type(error).__name__
    if broken:
        raise UserError(f"ckpt_path={path} is not a whole checkpoint ({broken}); use another one (e.g. the "
                        "run's checkpoints/best.ckpt) or start a new run")


def check_fits(model: torch.nn.Module, path: str) -> dict:
    """-> the checkpoint's state_dict, refused in one line when its weights are not the model's."""
    check_readable(path)
    state = torch.load(path, map_location="cpu", weights_only=True)["state_dict"]
    same_weights(path, {k: tuple(v.shape) for k, v in model.state_dict().items()},
                 {k: tuple(v.shape) for k, v in state.items()})
    return state


def load_trained(ckpt_path: str, data_overrides: DictConfig | None = None):
    """-> (model in eval mode, datamodule, run_dir). ``data_overrides`` change e.g. ``data.root``."""
    run_dir = run_dir_of(ckpt_path)  # the file exists and its run's config is there
    run_cfg = load_run_config(run_dir)
    data_cfg = OmegaConf.merge(run_cfg.data, data_overrides or {})
    # pretrained weights are in the run's checkpoint too: no file needed, nothing downloaded
    for source in ("checkpoint", "weights", "pretrained", "weights_backbone", "backbone_checkpoint"):
        if OmegaConf.select(run_cfg, f"model.net.{source}"):
            run_cfg.model.net[source] = None
    model = hydra.utils.instantiate(run_cfg.model)
    model.load_state_dict(check_fits(model, ckpt_path))
    return model.eval(), hydra.utils.instantiate(data_cfg), Path(run_dir)
