"""What a run tells the person at the terminal: Python logging, and the composed config at start.

Hydra's job logging sends every ``logging`` record of a ``scripts/*.py`` run to the console and to
``<run_dir>/<script>.log`` (``train.log``); outside Hydra (tests, notebooks) records go wherever the
caller configured logging. Rank zero only under DDP: the other ranks would repeat every line.
"""

import logging
import os

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


def print_config(cfg: DictConfig, logger: logging.Logger) -> None:
    if is_rank_zero():
        logger.info("Config:\n%s", format_config(cfg))
