"""Turn the shared trainer keys (accelerator, devices, precision) into Paddle settings, or refuse them.

Several devices or machines: Paddle's own launcher starts one process per device and sets
``PADDLE_TRAINERS_NUM`` / ``PADDLE_TRAINER_ID`` / ``PADDLE_LOCAL_SIZE``; ``configure`` then joins the
process group (NCCL on GPUs, gloo on CPUs) and ``paddle.Model`` wraps the network in ``DataParallel``.
"""

import logging
import os

import paddle
from paddle.base import core

from ..errors import UserError
from ..runs.console import get_logger

log = get_logger(__name__)
LAUNCH = "python -m paddle.distributed.launch --devices 0,1 scripts/train.py ... (CPU: --nproc_per_node 2)"

# Lightning precision names -> Paddle AMP settings (None: full float32).
PRECISIONS = {
    "32-true": None,
    "32": None,
    "16-mixed": {"level": "O1", "dtype": "float16"},
    "bf16-mixed": {"level": "O1", "dtype": "bfloat16"},
}


def cpu_threads() -> int:
    """Cores this process may use (its CPU affinity), not the machine's total."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def use_cpu_threads(count: int | None = None) -> int:
    """Paddle's CPU kernels run on one thread unless told; give them the available cores."""
    count = count or cpu_threads()
    core.set_num_threads(count)
    return count


def world_size() -> int:
    """Processes in the job (1 unless started by ``paddle.distributed.launch``)."""
    return int(os.environ.get("PADDLE_TRAINERS_NUM", "1"))


def local_size() -> int:
    """Processes of the job on this machine."""
    return int(os.environ.get("PADDLE_LOCAL_SIZE", str(world_size())))


def _check_devices(devices) -> None:
    """One process per device: the launcher starts them, ``trainer.devices`` only has to agree with it."""
    count = 1 if devices == "auto" else int(devices) if str(devices).isdigit() else devices
    if world_size() == 1 and count != 1:
        raise UserError(f"trainer.devices={devices} needs Paddle's launcher, one process per device: {LAUNCH}")
    if world_size() > 1 and count not in (1, local_size()):
        raise UserError(
            f"trainer.devices={devices} but paddle.distributed.launch started {local_size()} processes on this "
            "machine; set trainer.devices=auto (the launcher decides)"
        )


def _gpu_count() -> int:
    return paddle.device.cuda.device_count() if paddle.is_compiled_with_cuda() else 0


def configure(trainer) -> dict | None:
    """Set the device and threads from ``trainer``; return the AMP config for ``Model.prepare``."""
    accelerator = trainer.accelerator
    if accelerator not in ("auto", "cpu", "gpu"):
        raise UserError(f"trainer.accelerator={accelerator} is not supported by Paddle; use cpu, gpu or auto")
    if accelerator == "gpu" and _gpu_count() == 0:
        raise UserError(
            "trainer.accelerator=gpu but Paddle sees no CUDA GPU; install requirements-gpu.txt or use trainer=cpu"
        )
    on_gpu = accelerator == "gpu" or (accelerator == "auto" and _gpu_count() > 0)
    _check_devices(trainer.devices)
    precision = str(trainer.precision)
    if precision not in PRECISIONS:
        raise UserError(f"trainer.precision={precision} is unknown; use one of: {', '.join(PRECISIONS)}")
    if PRECISIONS[precision] and not on_gpu:
        raise UserError(f"trainer.precision={precision} needs a GPU in Paddle; use trainer.precision=32-true on CPU")
    paddle.set_device(f"gpu:{paddle.distributed.ParallelEnv().dev_id}" if on_gpu else "cpu")
    threads = use_cpu_threads(trainer.get("num_threads") or max(1, cpu_threads() // local_size()))
    if trainer.get("deterministic"):
        paddle.set_flags({"FLAGS_cudnn_deterministic": True})
    if world_size() > 1:
        paddle.distributed.init_parallel_env()
        if paddle.distributed.get_rank() > 0:
            logging.getLogger().setLevel(logging.WARNING)  # rank zero tells the story; the others only warn
    log.info(
        "Paddle device: %s, CPU threads: %d, precision: %s, process %d of %d",
        paddle.device.get_device(), threads, precision, paddle.distributed.get_rank() + 1, world_size(),
    )
    return PRECISIONS[precision]
