"""What a run tells the person at the terminal: Python logging, and the config's choices at start.

Hydra's job logging sends every ``logging`` record of a ``scripts/*.py`` run to the console and to
``<run_dir>/<script>.log`` (``train.log``); outside Hydra (tests, notebooks) records go wherever the
caller configured logging. Rank zero only under DDP: the other ranks would repeat every line.
"""

import logging
import os

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

# Printed first, in this order; any other top-level group follows.
ORDER = ("data", "model", "callbacks", "logger", "trainer", "paths")


def is_rank_zero() -> bool:
    """True on the main process: torchrun/Lightning set ``RANK``/``LOCAL_RANK``, SLURM's srun ``SLURM_PROCID``,
    Paddle's launcher ``PADDLE_TRAINER_ID``."""
    keys = ("RANK", "LOCAL_RANK", "SLURM_PROCID", "PADDLE_TRAINER_ID")
    return all(os.environ.get(key, "0") == "0" for key in keys)


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)


def format_config(cfg: DictConfig) -> str:
    """The run's config as YAML, groups in reading order, without Hydra's own node."""
    keys = [k for k in ORDER if k in cfg] + [k for k in cfg if k not in ORDER and k != "hydra"]
    return "\n".join(OmegaConf.to_yaml({key: cfg[key]}, resolve=False).rstrip() for key in keys)


def choices() -> str | None:
    """A Hydra run's config in one line: each group's option, then the command line's overrides; None outside one."""
    if not HydraConfig.initialized():
        return None
    hydra = HydraConfig.get()
    picked = [f"{group}={option}" for group, option in hydra.runtime.choices.items()
              if option and not group.startswith("hydra")]
    return " ".join(dict.fromkeys([*picked, *hydra.overrides.task]))


def print_config(cfg: DictConfig, logger: logging.Logger) -> None:
    """The console gets the choices, the run directory the whole config (``config.yaml``); outside a Hydra run (a
    test, a notebook) the whole config is printed."""
    if not is_rank_zero():
        return
    if (line := choices()) is None:
        logger.info("Config:\n%s", format_config(cfg))
    else:
        logger.info("Config: %s (all of it: %s)", line, f"{OmegaConf.select(cfg, 'paths.run_dir')}/config.yaml")
