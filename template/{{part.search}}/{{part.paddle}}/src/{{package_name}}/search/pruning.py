"""Pruning for hyper-parameter search: report each validation to the Optuna trial, stop a bad trial early."""

from paddle.callbacks import Callback

from ..training.state import FitState
from .study import current_trial


class OptunaPruning(Callback):
    """After every validation in ``fit``: ``trial.report(monitor, epoch)``; raises ``optuna.TrialPruned`` when told.

    ``configs/hparams_search/optuna.yaml`` adds it (``callbacks.optuna_pruning``); outside a sweep job
    (``trial_number`` null) it does nothing. Reads the epoch's row from ``state`` (names as in Lightning:
    ``val/acc``), which ``train`` passes in and its ``History`` callback fills before this one runs.
    """

    def __init__(self, monitor: str, trial_number: int | None = None, state: FitState | None = None) -> None:
        super().__init__()
        self.monitor, self.trial_number, self.state, self.trial, self.reported = monitor, trial_number, state, None, -1

    def on_train_begin(self, logs=None):
        if self.trial_number is not None:
            self.trial = current_trial(self.trial_number)

    def on_eval_end(self, logs=None):
        row = self.state.last if self.state else {}
        if self.trial is None or self.monitor not in row or row["epoch"] <= self.reported:  # the test run: no epoch
            return
        import optuna

        epoch, value = int(row["epoch"]), float(row[self.monitor])
        self.reported = epoch
        self.trial.report(value, step=epoch)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"trial {self.trial_number} pruned at epoch {epoch}: {self.monitor}={value:.4f}")
