"""The environment check: Python, framework, CUDA and driver, GPUs, disk."""

import torch

from .host import GIB, host_facts, print_and_check


def report() -> dict[str, str]:
    facts = host_facts() | {
        "torch": torch.__version__,
        "cuda build": torch.version.cuda or "none (CPU build)",
        "cuda available": str(torch.cuda.is_available()),
        "cpu threads": str(torch.get_num_threads()),
    }
    for index in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(index)
        facts[f"gpu {index}"] = f"{props.name}, {props.total_memory / GIB:.1f} GiB"
    return facts


def check(hardware: str) -> int:
    """Print the report; exit code 1 with a fix-it hint when a GPU is wanted and missing."""
    return print_and_check(report(), hardware, torch.cuda.is_available())
