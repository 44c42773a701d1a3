"""Paddle loggers that read the fit's recorded epochs (``FitState``): a CSV file and TensorBoard event files."""

import csv
from pathlib import Path

from paddle.callbacks import Callback

from ..runs.console import is_rank_zero
from .state import FitState


class CSVLogger(Callback):
    """One row per epoch in ``<save_dir>/metrics.csv``, written when the fit ends."""

    def __init__(self, save_dir: str, state: FitState | None = None) -> None:
        super().__init__()
        self.path, self.state = Path(save_dir) / "metrics.csv", state

    def on_train_end(self, logs=None):
        if not is_rank_zero() or not self.state:
            return
        keys = sorted({key for row in self.state.epochs for key in row})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=keys)
            writer.writeheader()
            writer.writerows(self.state.epochs)


class TensorBoardLogger(Callback):
    """Epoch scalars as TensorBoard event files (``tensorboard --logdir``), with tensorboard's own writer."""

    def __init__(self, save_dir: str, state: FitState | None = None) -> None:
        super().__init__()
        self.save_dir, self.state, self.written = save_dir, state, 0

    def on_eval_end(self, logs=None):
        from tensorboard.summary import Writer  # needs only the tensorboard package (no torch, no TF)

        if not is_rank_zero() or not self.state:
            return
        writer = Writer(self.save_dir)
        for row in self.state.epochs[self.written :]:
            for key, value in row.items():
                if key != "epoch":
                    writer.add_scalar(key, value, step=int(row["epoch"]))
            self.written += 1
        writer.close()
