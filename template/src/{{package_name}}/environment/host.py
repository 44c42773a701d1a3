"""Facts about the machine that do not depend on the framework: NVIDIA driver, disk, the report printer."""

import platform
import shutil
import subprocess
import sys

GIB = 1024**3


def driver_version() -> str:
    if not shutil.which("nvidia-smi"):
        return "not found (no nvidia-smi)"
    query = ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"]
    result = subprocess.run(query, capture_output=True, text=True, check=False)
    return result.stdout.strip().splitlines()[0] if result.returncode == 0 and result.stdout.strip() else "unknown"


def host_facts() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "nvidia driver": driver_version(),
        "disk free": f"{shutil.disk_usage('.').free / GIB:.1f} GiB",
    }


def print_and_check(facts: dict[str, str], hardware: str, gpu_available: bool) -> int:
    """Print the report; exit code 1 with a fix-it hint when a GPU is wanted and missing."""
    for key, value in facts.items():
        print(f"{key:>15}: {value}")
    if hardware == "gpu" and not gpu_available:
        print(
            "error: hardware=gpu but CUDA is not available; install the GPU builds "
            "(pip install -r requirements-gpu.txt), check nvidia-smi, or train with trainer=cpu",
            file=sys.stderr,
        )
        return 1
    return 0
