"""Shared bench helpers: render a preset project, compose its config, time steps, print and save tables."""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))

from scaffolder import create_project  # noqa: E402


def render(preset: str, **answers) -> Path:
    """A fresh project from the working tree's template (not a release tag)."""
    dest = Path(tempfile.mkdtemp(prefix=f"bench-{preset}-")) / "proj"
    create_project(dest, preset=preset, data=answers, vcs_ref="HEAD", git=False)
    return dest


def scaffold_cli(dest: Path, preset: str) -> float:
    """`scaffold new DEST --preset NAME` as a user runs it; returns its wall time."""
    start = time.perf_counter()
    command = [sys.executable, "-c", "from scaffolder.cli import app; app()", "new", str(dest), "--preset", preset]
    subprocess.run([*command, "--vcs-ref", "HEAD"], check=True, capture_output=True)
    return time.perf_counter() - start


def train_cli(project: Path, run_name: str, *overrides: str) -> tuple[float, dict]:
    """`python scripts/train.py ... hydra.run.dir=outputs/<run_name>` -> (wall time, metrics.json)."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}  # as after `pip install -e .`
    command = [
        sys.executable,
        "scripts/train.py",
        *overrides,
        f"hydra.run.dir=outputs/{run_name}",
        "trainer.enable_progress_bar=false",
    ]
    start = time.perf_counter()
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return seconds, json.loads((project / "outputs" / run_name / "metrics.json").read_text())


def import_project(project: Path, *overrides: str, config_name: str = "config"):
    """Put the project's package on the path and compose its config as scripts/train.py would."""
    from hydra import compose, initialize_config_dir

    sys.path.insert(0, str(project / "src"))
    with initialize_config_dir(str(project / "configs"), version_base="1.3"):
        return compose(config_name, overrides=list(overrides))


def resnet18_digits(project: Path, batch: int, *overrides: str):
    """The config both classification throughput pairs train: resnet18 on digits, no test pass."""
    return import_project(
        project,
        "model=resnet18",
        "data=digits",
        f"data.batch_size={batch}",
        "test=false",
        f"paths.run_dir={project}/outputs/bench",
        f"paths.output_dir={project}/outputs",
        *overrides,
    )


class StepClock:
    """Wall time between consecutive step starts: includes data loading, logging and callbacks."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.first_of_epoch: set[int] = set()

    def epoch_start(self) -> None:
        self.first_of_epoch.add(len(self.starts))

    def step_start(self) -> None:
        self.starts.append(time.perf_counter())

    def steady_intervals(self, warmup: int) -> list[float]:
        """Step durations, leaving out warm-up steps and any interval that crosses an epoch boundary."""
        return [
            later - earlier
            for index, (earlier, later) in enumerate(zip(self.starts, self.starts[1:], strict=False))
            if index >= warmup and index + 1 not in self.first_of_epoch
        ]


class GpuSampler:
    """Samples GPU utilisation (%) with nvidia-smi every ``interval`` seconds while a block runs (CUDA only)."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval, self.samples, self._stop = interval, [], None

    def __enter__(self) -> "GpuSampler":
        import threading

        if torch.cuda.is_available():
            self._stop = threading.Event()
            threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self) -> None:
        query = ["nvidia-smi", "--query-gpu=utilization.gpu", "--format=csv,noheader,nounits", "--id=0"]
        while not self._stop.wait(self.interval):
            out = subprocess.run(query, capture_output=True, text=True).stdout.strip()
            if out.isdigit():
                self.samples.append(int(out))

    def __exit__(self, *exc) -> None:
        if self._stop:
            self._stop.set()

    @property
    def mean(self) -> str:
        return f"{statistics.mean(self.samples):.0f}" if self.samples else "-"


def images_per_second(intervals: list[float], batch_size: int) -> float:
    return batch_size / statistics.median(intervals)


def machine() -> str:
    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else f"CPU, {torch.get_num_threads()} threads"
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {device}, torch {torch.__version__}, Python {platform.python_version()}"


def report(name: str, header: list[str], rows: list[list], extra: dict | None = None) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    print(f"\n{name} ({machine()})")
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"machine": machine(), "header": header, "rows": rows, **(extra or {})}
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")


def wait_for_health(port: int, seconds: float = 60) -> None:
    """Until a server on loopback answers /ready with 200, or 404 for an older one (or ``seconds`` pass)."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code in (200, 404):  # 404: no /ready
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
