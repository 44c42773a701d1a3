"""Accuracy on real data: the bundled digits trained to convergence, one preset per framework.

    python bench/digits_accuracy.py [--epochs 30] [--model simple_cnn]

Each preset trains `data=digits` (early stopping on val/acc, patience 10 epochs); the table gives
the best validation accuracy, the test accuracy and the wall time. `--model preset` keeps each
preset's own model (resnet18: about half a minute per epoch on 2 CPU cores).
"""

import argparse
import tempfile
from pathlib import Path

from common import report, scaffold_cli, train_cli

PRESETS = ["resnet-cpu", "paddle-cpu"]  # one per framework with a classification backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--model", default="simple_cnn", help="a model config, or `preset` for the preset's own")
    args = parser.parse_args()
    rows = []
    for preset in PRESETS:
        dest = Path(tempfile.mkdtemp()) / "proj"
        scaffold_cli(dest, preset)
        seconds, metrics = train_cli(dest, "converge", "data=digits", f"trainer.max_epochs={args.epochs}")
        rows.append(
            [
                preset,
                metrics["epochs"],
                f"{metrics['best/val/acc']:.4f}",
                f"{metrics['test/acc']:.4f}",
                f"{seconds:.0f}",
            ]
        )
    report("digits_accuracy", ["preset", "model", "epochs", "best val/acc", "test/acc", "wall s"], rows)


if __name__ == "__main__":
    main()
