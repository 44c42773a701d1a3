"""Time to first checkpoint: empty directory -> trained checkpoint, dependencies already installed.

    python bench/first_checkpoint.py [--preset resnet-cpu] [--epochs 1]

Runs what a newcomer types: `scaffold new DEST --preset resnet-cpu`, then
`python scripts/train.py data=digits trainer.max_epochs=1`, and reports each step's wall time and
the validation accuracy of that first checkpoint.
"""

import argparse
import tempfile
from pathlib import Path

from common import report, scaffold_cli, train_cli


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="resnet-cpu")
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    dest = Path(tempfile.mkdtemp()) / "proj"
    render_s = scaffold_cli(dest, args.preset)
    train_s, metrics = train_cli(dest, "first", "data=digits", f"trainer.max_epochs={args.epochs}")
    assert (dest / "outputs" / "first" / "checkpoints" / "best.ckpt").is_file()
    rows = [
        [args.preset, f"{render_s:.1f}", f"{train_s:.1f}", f"{render_s + train_s:.1f}", f"{metrics['val/acc']:.3f}"]
    ]
    report("first_checkpoint", ["preset", "scaffold s", "train s", "total s", "val/acc"], rows)


if __name__ == "__main__":
    main()
