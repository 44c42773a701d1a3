"""Rebuild a trained model (and its datamodule) from a checkpoint and its run's config."""

from pathlib import Path

import hydra
import torch
from omegaconf import DictConfig, OmegaConf

from .run_dir import load_run_config, run_dir_of


def load_trained(ckpt_path: str, data_overrides: DictConfig | None = None):
    """-> (model in eval mode, datamodule, run_dir). ``data_overrides`` change e.g. ``data.root``."""
    run_dir = run_dir_of(ckpt_path)
    run_cfg = load_run_config(run_dir)
    data_cfg = OmegaConf.merge(run_cfg.data, data_overrides or {})
    model = hydra.utils.instantiate(run_cfg.model)
    state = torch.load(ckpt_path, map_location="cpu", weights_only=True)["state_dict"]
    model.load_state_dict(state)
    return model.eval(), hydra.utils.instantiate(data_cfg), Path(run_dir)
