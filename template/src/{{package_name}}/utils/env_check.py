"""The environment check: Python, framework, CUDA and driver, GPUs, disk."""

import platform
import shutil
import subprocess
import sys

import torch

GIB = 1024**3


def _driver_version() -> str:
    if not shutil.which("nvidia-smi"):
        return "not found (no nvidia-smi)"
    query = ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"]
    result = subprocess.run(query, capture_output=True, text=True, check=False)
    return result.stdout.strip().splitlines()[0] if result.returncode == 0 and result.stdout.strip() else "unknown"


def report() -> dict[str, str]:
    facts = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda build": torch.version.cuda or "none (CPU build)",
        "cuda available": str(torch.cuda.is_available()),
        "nvidia driver": _driver_version(),
        "cpu threads": str(torch.get_num_threads()),
        "disk free": f"{shutil.disk_usage('.').free / GIB:.1f} GiB",
    }
    for index in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(index)
        facts[f"gpu {index}"] = f"{props.name}, {props.total_memory / GIB:.1f} GiB"
    return facts


def check(hardware: str) -> int:
    """Print the report; exit code 1 with a fix-it hint when a GPU is wanted and missing."""
    for key, value in report().items():
        print(f"{key:>15}: {value}")
    if hardware == "gpu" and not torch.cuda.is_available():
        print(
            "error: hardware=gpu but CUDA is not available; install the GPU builds "
            "(pip install -r requirements-gpu.txt), check nvidia-smi, or train with trainer=cpu",
            file=sys.stderr,
        )
        return 1
    return 0
