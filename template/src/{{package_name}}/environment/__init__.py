"""The environment check (``scripts/check_env.py``): Python, the framework and its CUDA build, GPUs, disk. May
import ``training`` (the device settings it reports), ``runs`` and ``errors``."""
