"""A 4-trial search with ``hydra.sweeper.n_jobs=1`` against ``n_jobs=2`` (Hydra's joblib launcher), on CPU.

Each pair runs the same command twice, interleaved (1, 2, 1, 2, ...), on a fresh journal file each time:
``scripts/train.py -m hparams_search=optuna`` of a ``resnet-cpu`` project, 4 trials of the small CNN on the
bundled digits (2 epochs of 20 batches, one CPU thread per trial so two trials can share two cores). Prints
the wall times, their medians and the ratio; writes bench/results/search_parallel.json.

    .venv/bin/python bench/search_parallel.py [--pairs 3]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import render, report

TRIALS = ["experiment=digits_quick", "trainer=cpu", "trainer.max_epochs=2", "trainer.limit_train_batches=20",
          "test=false", "trainer.enable_progress_bar=false", "hydra.sweeper.n_trials=4"]


def search(project: Path, n_jobs: int) -> float:
    scratch = Path(tempfile.mkdtemp(prefix="search-"))
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "scripts/train.py", "-m", "hparams_search=optuna", *TRIALS,
               f"hydra.sweeper.n_jobs={n_jobs}", f"hydra.sweeper.storage={scratch / 'study.journal'}",
               f"hydra.sweep.dir={scratch / 'sweep'}"]
    start = time.perf_counter()
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3)
    options = parser.parse_args()
    project = render("resnet-cpu", serving=False, memory=False, data_tools=False, ci=False)
    times = {1: [], 2: []}
    for _ in range(options.pairs):
        for n_jobs in (1, 2):
            times[n_jobs].append(search(project, n_jobs))
    serial, parallel = statistics.median(times[1]), statistics.median(times[2])
    rows = [[f"n_jobs={n}", " / ".join(f"{t:.1f}" for t in times[n]), f"{statistics.median(times[n]):.1f}"]
            for n in (1, 2)]
    rows.append(["ratio (n_jobs=2 / n_jobs=1)", "", f"{parallel / serial:.3f}"])
    report("search_parallel", ["4-trial search", "wall times (s)", "median (s)"], rows)


if __name__ == "__main__":
    main()
