"""One fit's progress, handed explicitly to the callbacks that need it, and the callback that records it.

``train`` creates a ``FitState`` (where a resumed run starts, what it trains on) and passes it to every
callback that reads or extends it; ``History`` appends each epoch's metrics, named as in Lightning
(``train/loss``, ``val/acc``). Nothing is set on the model for a callback to find.
"""

from dataclasses import dataclass, field

import numpy as np
from paddle.callbacks import Callback


def scalar(value) -> float:
    """Paddle logs hold floats, 1-element lists or arrays."""
    return float(np.asarray(value).reshape(-1)[0])


@dataclass
class FitState:
    first_epoch: int = 0  # epochs finished before this fit started (a resumed run)
    global_step: int = 0  # optimiser steps so far, a resumed run's included
    best_score: float | None = None  # the checkpoint monitor's best value so far
    train_loader: object = None  # what fit trains on (PreciseBatchNorm reads a few of its batches)
    epochs: list[dict[str, float]] = field(default_factory=list)  # one row per epoch of this fit

    @property
    def last(self) -> dict[str, float]:
        return self.epochs[-1] if self.epochs else {}


class History(Callback):
    """Steps and per-epoch metrics into ``state``; placed right after ``MeanOverRanks``, before every reader."""

    KEYS = ("loss", "acc")

    def __init__(self, state: FitState) -> None:
        super().__init__()
        self.state = state

    def on_train_batch_end(self, step, logs=None):
        self.state.global_step += 1

    def on_epoch_end(self, epoch, logs=None):
        row = {f"train/{key}": scalar(value) for key, value in (logs or {}).items() if key in self.KEYS}
        self.state.epochs.append({"epoch": self.state.first_epoch + epoch, **row})

    def on_eval_end(self, logs=None):
        if self.state.epochs:  # evaluations outside fit() (the test run) are not epochs
            logged = {key: value for key, value in (logs or {}).items() if key in self.KEYS}
            self.state.epochs[-1] |= {f"val/{key}": scalar(value) for key, value in logged.items()}
