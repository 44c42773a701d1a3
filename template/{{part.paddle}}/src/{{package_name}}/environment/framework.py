"""The environment check: Python, Paddle, CUDA and driver, GPUs, CPU threads, disk."""

import paddle

from ..training.device import cpu_threads
from .host import host_facts, print_and_check


def _gpu_available() -> bool:
    return paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0


def report() -> dict[str, str]:
    facts = host_facts() | {
        "paddle": paddle.__version__,
        "cuda build": str(paddle.is_compiled_with_cuda()),
        "cuda version": paddle.version.cuda() if paddle.is_compiled_with_cuda() else "none (CPU build)",
        "cuda available": str(_gpu_available()),
        "device": paddle.device.get_device(),
        "cpu threads": str(cpu_threads()),
    }
    for index in range(paddle.device.cuda.device_count() if _gpu_available() else 0):
        facts[f"gpu {index}"] = paddle.device.cuda.get_device_name(index)
    return facts


def check(hardware: str) -> int:
    """Print the report; exit code 1 with a fix-it hint when a GPU is wanted and missing."""
    return print_and_check(report(), hardware, _gpu_available())
