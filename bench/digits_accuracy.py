"""Accuracy on real data: the bundled digits trained to convergence, per framework's preset.

    python bench/digits_accuracy.py [--epochs 15]

Each preset trains `data=digits` with its own default model and early stopping; the table gives
the best validation accuracy, the test accuracy and the wall time.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import report

PRESETS = ["resnet-cpu"]  # one per framework with a classification backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()
    rows = []
    for preset in PRESETS:
        dest = Path(tempfile.mkdtemp()) / "proj"
        scaffold_cli = "from scaffolder.cli import app; app()"
        subprocess.run(
            [sys.executable, "-c", scaffold_cli, "new", str(dest), "--preset", preset, "--vcs-ref", "HEAD"],
            check=True,
            capture_output=True,
        )
        env = {**os.environ, "PYTHONPATH": str(dest / "src")}
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "scripts/train.py",
                "data=digits",
                f"trainer.max_epochs={args.epochs}",
                "hydra.run.dir=outputs/converge",
                "trainer.enable_progress_bar=false",
            ],
            cwd=dest,
            env=env,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - start
        metrics = json.loads((dest / "outputs" / "converge" / "metrics.json").read_text())
        rows.append(
            [
                preset,
                metrics["epochs"],
                f"{metrics['best/val/acc']:.4f}",
                f"{metrics['test/acc']:.4f}",
                f"{seconds:.0f}",
            ]
        )
    report("digits_accuracy", ["preset", "epochs", "best val/acc", "test/acc", "wall s"], rows)


if __name__ == "__main__":
    main()
