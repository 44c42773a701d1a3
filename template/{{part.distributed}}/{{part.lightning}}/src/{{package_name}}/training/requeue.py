"""Slurm's warning before the time limit (``#SBATCH --signal=SIGUSR1@90``): save, then requeue, at a batch boundary.

Lightning's own handler saves the checkpoint inside the signal handler, which runs wherever each process happens
to be. Under DDP one rank entered the save's barrier in the middle of its forward pass while the other waited in
the backward pass's gradient all-reduce, and the job hung until its time limit (this project's Slurm test;
Lightning issue 21406). Here the handler only sets a flag. After a training batch the ranks agree whether any of
them was signalled; then all save ``hpc_ckpt_<n>.ckpt`` in the run directory (Lightning resumes from it when the
requeued job starts there) and rank zero runs ``scontrol requeue``. Installed before Lightning's, so Lightning
leaves the signal to it; outside Slurm it does nothing.
"""

import os
import re
import signal
import subprocess
from pathlib import Path

import lightning as L
from lightning.pytorch.plugins.environments import SLURMEnvironment

from ..runs.console import get_logger
from ..runs.slurm_warning import held

log = get_logger(__name__)


class RequeueOnSignal(L.Callback):
    def __init__(self, signum: int = signal.SIGUSR1, check_every_n_batches: int = 1) -> None:
        self.signum = signal.Signals(signum)
        self.every = check_every_n_batches  # on CUDA: agreeing waits for the GPU, so not after every batch
        self.signalled = False
        self.previous = None

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if stage == "fit" and SLURMEnvironment.detect() and self.previous is None:
            self.previous = signal.signal(self.signum, self._note)
            if held(self.signum):  # while the job started (runs/slurm_warning.py)
                self.signalled = True
                log.info("%s arrived while the job started: saving and requeueing after the first batch",
                         self.signum.name)

    def teardown(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if self.previous is not None:
            signal.signal(self.signum, self.previous)
            self.previous = None

    def _note(self, signum, frame) -> None:
        self.signalled = True  # nothing else here: the loop acts on it at the next batch boundary

    def on_train_batch_end(self, trainer: L.Trainer, pl_module: L.LightningModule, outputs, batch, batch_idx: int):
        if self.previous is None or (pl_module.device.type == "cuda" and batch_idx % self.every):
            return
        if not trainer.strategy.reduce_boolean_decision(self.signalled, all=False):  # every rank, same batch
            return
        self.signalled = False
        run_dir = Path(trainer.default_root_dir)
        numbers = [int(m.group(1)) for p in run_dir.glob("hpc_ckpt_*.ckpt") if (m := re.search(r"_(\d+)\.", p.name))]
        trainer.save_checkpoint(run_dir / f"hpc_ckpt_{max(numbers, default=0) + 1}.ckpt")
        if trainer.is_global_zero:
            job = os.environ["SLURM_JOB_ID"]
            if "SLURM_ARRAY_JOB_ID" in os.environ:  # a job array's task is requeued by its own id
                job = f"{os.environ['SLURM_ARRAY_JOB_ID']}_{os.environ['SLURM_ARRAY_TASK_ID']}"
            done = subprocess.run(["scontrol", "requeue", job], capture_output=True, text=True)
            if done.returncode:
                log.warning("%s: scontrol requeue %s failed (%s); training goes on", self.signum.name, job,
                            done.stderr.strip())
            else:
                log.info("%s: saved the run and requeued Slurm job %s", self.signum.name, job)
