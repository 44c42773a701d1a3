"""Pretrained weights from a local file, for machines without network: into every layer whose shapes fit."""

from pathlib import Path

import torch
from torch import nn

from ..errors import UserError


def read_weights(path: Path, option: str = "model.net.checkpoint") -> dict[str, torch.Tensor]:
    """A weights file's tensors: a ``.safetensors``, a ``.pth`` state dict, or a run's ``.ckpt`` (its network's);
    ``option`` names the setting in the one-line errors."""
    if not path.is_file():
        raise UserError(f"{option}={path} does not exist; pass a .pth, .safetensors or .ckpt file")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(path)
        state = torch.load(path, map_location="cpu", weights_only=True)
        return {k.removeprefix("net."): v for k, v in state.get("state_dict", state).items()}  # a run's .ckpt
    except Exception as error:  # torn, pickled code, not weights at all
        raise UserError(f"{option}={path} is not a weights file ({type(error).__name__}); pass a .pth, a "
                        ".safetensors or a run's .ckpt") from error


def load_fitting(net: nn.Module, path: Path, free: tuple[str, ...], state: dict | None = None,
                 option: str = "model.net.checkpoint", kind: str = "") -> None:
    """Every weight of the file (or of ``state``, read from it) into ``net``; those of the ``free`` layers only
    where their shapes fit (another number of classes, another stem), any other difference is one line."""
    state = read_weights(path, option) if state is None else state
    ours = net.state_dict()
    for key in sorted(ours.keys() | state.keys()):
        fits = key in state and key in ours and state[key].shape == ours[key].shape
        if not fits and not key.startswith(tuple(f"{layer}." for layer in free)):
            there = tuple(state[key].shape) if key in state else "missing"
            here = tuple(ours[key].shape) if key in ours else "missing"
            raise UserError(f"{option}={path} is not a {kind or type(net).__name__} of this config: weight {key} is "
                            f"{there} there, {here} here")
    net.load_state_dict({k: v for k, v in state.items() if k in ours and v.shape == ours[k].shape}, strict=False)
