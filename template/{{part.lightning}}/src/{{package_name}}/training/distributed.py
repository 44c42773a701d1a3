"""Trainer settings that depend on the machine the run lands on, decided once, in one place; leaving DDP."""

import os

import torch
from omegaconf import DictConfig

from ..errors import UserError
from ..runs.console import get_logger

log = get_logger(__name__)


def runs_on_cuda(trainer_cfg: DictConfig) -> bool:
    accelerator = str(trainer_cfg.get("accelerator", "auto"))
    return accelerator in ("gpu", "cuda") or (accelerator == "auto" and torch.cuda.is_available())


def trainer_options(trainer_cfg: DictConfig) -> dict:
    """Overrides for ``Trainer(...)``: SyncBatchNorm exists only for CUDA modules, so CPU runs go without it.
    A GPU asked for on a machine without one, or more CPU processes than cores, is one line, not a traceback
    or a run that never ends."""
    accelerator = str(trainer_cfg.get("accelerator", "auto"))
    if accelerator in ("gpu", "cuda") and not torch.cuda.is_available():
        raise UserError(f"trainer.accelerator={accelerator} but torch sees no CUDA GPU here; train with trainer=cpu, "
                        "or install the GPU build (pip install -r requirements-gpu.txt) and check nvidia-smi")
    devices, cores = trainer_cfg.get("devices"), os.cpu_count() or 1
    if isinstance(devices, int) and devices > cores and not runs_on_cuda(trainer_cfg):  # would never finish
        raise UserError(f"trainer.devices={devices} processes on CPU, but this machine has {cores} cores; "
                        f"use at most trainer.devices={cores}")
    if trainer_cfg.get("sync_batchnorm") and not runs_on_cuda(trainer_cfg):
        log.info("trainer.sync_batchnorm=true needs CUDA; running without it on %s", trainer_cfg.get("accelerator"))
        return {"sync_batchnorm": False}
    return {}


def leave_process_group(trainer) -> None:
    """Every process waits for the others, then leaves the process group (Lightning keeps it for another fit).

    Without this a process that reached the end first took the group's store with it, and another rank's
    communication thread aborted at exit ("terminate called without an active exception": a failed Slurm step).
    """
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        trainer.strategy.barrier("end of train")
        torch.distributed.destroy_process_group()
