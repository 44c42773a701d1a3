"""Slurm's warning before a job's time limit (``#SBATCH --signal=SIGUSR1@90``), held from the script's first line.

Slurm may send it up to a minute earlier than asked, so a short job can get it while Python still imports torch.
SIGUSR1's default action would end the process, and the job with it, instead of saving and requeueing. Imported
first by ``scripts/train.py`` under Slurm, this module notes the signal instead; ``training.requeue.RequeueOnSignal``
takes the signal over and acts on a held one at the first batch boundary.
"""

import os
import signal

_held: set[int] = set()


def _note(signum, frame) -> None:
    _held.add(signum)


def held(signum: int) -> bool:
    return signum in _held


if "SLURM_JOB_ID" in os.environ and signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL:
    signal.signal(signal.SIGUSR1, _note)
