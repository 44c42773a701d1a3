"""Time to first checkpoint: empty directory -> trained checkpoint, dependencies already installed.

    python bench/first_checkpoint.py [--preset resnet-cpu] [--epochs 1]

Runs what a newcomer types: `scaffold new DEST --preset resnet-cpu`, then
`python scripts/train.py data=digits trainer.max_epochs=1`, and reports each step's wall time and
the validation accuracy of that first checkpoint.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="resnet-cpu")
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    dest = Path(tempfile.mkdtemp()) / "proj"
    start = time.perf_counter()
    scaffold_cli = "from scaffolder.cli import app; app()"
    subprocess.run(
        [sys.executable, "-c", scaffold_cli, "new", str(dest), "--preset", args.preset, "--vcs-ref", "HEAD"],
        check=True,
        capture_output=True,
    )
    rendered = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(dest / "src")}  # as after `pip install -e .`
    command = [
        sys.executable,
        "scripts/train.py",
        "data=digits",
        f"trainer.max_epochs={args.epochs}",
        "hydra.run.dir=outputs/first",
        "trainer.enable_progress_bar=false",
    ]
    subprocess.run(command, cwd=dest, env=env, check=True, capture_output=True)
    trained = time.perf_counter()
    run_dir = dest / "outputs" / "first"
    assert (run_dir / "checkpoints" / "best.ckpt").is_file()
    metrics = json.loads((run_dir / "metrics.json").read_text())
    rows = [
        [
            args.preset,
            f"{rendered - start:.1f}",
            f"{trained - rendered:.1f}",
            f"{trained - start:.1f}",
            f"{metrics['val/acc']:.3f}",
        ]
    ]
    report("first_checkpoint", ["preset", "scaffold s", "train s", "total s", "val/acc"], rows)


if __name__ == "__main__":
    main()
