"""Checkpoints: written whole or not at all, and a trained model (with its datamodule) rebuilt from one."""

import os
import zipfile
from pathlib import Path

import hydra
import torch
from lightning.fabric.plugins.io.torch_io import TorchCheckpointIO
from lightning_utilities.core.apply_func import apply_to_collection
from omegaconf import DictConfig, OmegaConf

from ..errors import UserError
from ..runs.atomic import fsync_directory, partial_path, replacing
from ..runs.run_dir import load_run_config, run_dir_of


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint writer, whole or absent on any file system: the file is written beside its name,
    flushed and renamed (``runs.atomic``); Lightning's own goes through ``$TMPDIR`` and a copy.

    A checkpoint of the state it has just written (``best.ckpt`` then ``last.ckpt`` after an epoch that improved)
    is not written again: its name becomes a second name (a hard link) of that file. One write of the model instead
    of two, where the file system has hard links; elsewhere both are written."""

    def __init__(self) -> None:
        super().__init__()
        self._written: tuple[Path, object, list[torch.Tensor]] | None = None  # path, contents, their tensors

    def save_checkpoint(self, checkpoint: dict, path, storage_options=None) -> None:
        if storage_options is not None:
            raise TypeError("storage_options are not supported by AtomicCheckpointIO")
        path, tensors = Path(path), []
        contents = apply_to_collection(checkpoint, torch.Tensor, _fingerprint, tensors)
        if not (self._written and _equal(contents, self._written[1]) and link_durably(self._written[0], path)):
            with replacing(path) as partial:
                torch.save(checkpoint, partial)
        self._written = (path, contents, tensors)  # the tensors held: no later tensor can take their memory


def _fingerprint(tensor: torch.Tensor, held: list) -> tuple:
    """Which memory a tensor is and how often it was changed in place (``_version``): equal fingerprints of tensors
    still held mean unchanged values. (A change through ``.data`` is not counted; nothing in Lightning's saves does
    one between two checkpoints of one step.)"""
    held.append(tensor)
    if tensor.layout != torch.strided:
        return (object(),)  # equal to nothing: written
    return (tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape), tensor.stride(),
            tensor.dtype, tensor.device, tensor._version)


def _equal(contents: object, written: object) -> bool:
    try:
        return bool(contents == written)
    except (TypeError, ValueError, RuntimeError):  # values whose == is not a plain answer (arrays): not the same
        return False


def link_durably(source: Path, path: Path) -> bool:
    """``path`` becomes a second name of the whole file ``source``: linked beside it and renamed into place, as
    ``runs.atomic`` writes files. False where that cannot be done (no hard links, another file system, ``source``
    gone); nothing is left behind then."""
    partial = partial_path(path)
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:
        return False
    try:
        os.replace(partial, path)
        fsync_directory(path.parent)
    finally:
        partial.unlink(missing_ok=True)
    return True


def check_readable(path: str) -> None:
    """A checkpoint to resume from must be a whole one (torch's format is a zip archive: every member's CRC is read,
    which catches a file cut short by a full disk or a copy killed half-way), or training would stop in a traceback."""
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        broken = str(error) or type(error).__name__
    if broken:
        raise UserError(f"ckpt_path={path} is not a whole checkpoint ({broken}); resume from another one (e.g. the "
                        "run's checkpoints/best.ckpt) or start a new run")


def load_trained(ckpt_path: str, data_overrides: DictConfig | None = None):
    """-> (model in eval mode, datamodule, run_dir). ``data_overrides`` change e.g. ``data.root``."""
    run_dir = run_dir_of(ckpt_path)
    run_cfg = load_run_config(run_dir)
    data_cfg = OmegaConf.merge(run_cfg.data, data_overrides or {})
    model = hydra.utils.instantiate(run_cfg.model)
    state = torch.load(ckpt_path, map_location="cpu", weights_only=True)["state_dict"]
    model.load_state_dict(state)
    return model.eval(), hydra.utils.instantiate(data_cfg), Path(run_dir)
