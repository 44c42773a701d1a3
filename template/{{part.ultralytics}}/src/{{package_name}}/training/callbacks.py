"""Ultralytics callbacks and hooks of the project: one-line NaN errors, Ultralytics' log in ``train.log``.

Ultralytics checks the loss once per epoch: after a NaN/inf epoch it reloads ``last.pt`` and retries
(three times at most, then ``RuntimeError``), except in a run's first epoch, where it warns and goes
on training a broken model. ``NonFiniteLoss`` notes the first bad step and turns both ends into one
``UserError`` that names it.
"""

import logging
import math
import re
from contextlib import contextmanager

from ..errors import UserError
from ..models.yolo_env import LOGGER

CAUSES = ("usual causes: a learning rate too high (trainer.lr0), broken labels or NaN in the images, "
          "or float16 overflow (trainer.precision=32-true)")


class NonFiniteLoss:
    """Add with ``register(model)``; ``first_bad``: the first step (1-based, over the run) with a non-finite loss."""

    def __init__(self) -> None:
        self.first_bad: int | None = None
        self.batch = 0

    def register(self, model) -> None:
        for event in ("on_train_epoch_start", "on_train_batch_end", "on_fit_epoch_end"):
            model.add_callback(event, getattr(self, event))

    def on_train_epoch_start(self, trainer) -> None:
        self.batch, self.first_bad = 0, None  # an epoch Ultralytics redoes after its NaN recovery starts clean

    def on_train_batch_end(self, trainer) -> None:
        self.batch += 1
        loss = float(trainer.loss.detach().sum()) if trainer.loss is not None else 0.0
        if self.first_bad is None and not math.isfinite(loss):
            self.first_bad = trainer.epoch * len(trainer.train_loader) + self.batch

    def on_fit_epoch_end(self, trainer) -> None:
        if self.first_bad is not None:  # Ultralytics kept the epoch (it cannot recover in a run's first epoch)
            raise self.error(f"in epoch {trainer.epoch + 1}")

    def error(self, detail: str) -> UserError:
        step = f"at step {self.first_bad}" if self.first_bad else "(Ultralytics' check at the end of an epoch)"
        return UserError(f"training loss is NaN/inf {step} {detail}; {CAUSES}")


ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _PlainText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = ANSI.sub("", str(record.msg))  # Ultralytics' colours stay on the terminal, not in the file
        return True


@contextmanager
def ultralytics_log_in_run_file():
    """Ultralytics' logger does not propagate: hand it the file handlers of the root logger (Hydra's train.log)."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]
    plain = _PlainText()
    for handler in handlers:
        handler.addFilter(plain)
        LOGGER.addHandler(handler)
    try:
        yield
    finally:
        for handler in handlers:
            LOGGER.removeHandler(handler)
            handler.removeFilter(plain)
