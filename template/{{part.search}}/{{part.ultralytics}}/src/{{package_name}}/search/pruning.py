"""Pruning for hyper-parameter search: report each validation to the Optuna trial, stop a bad trial early."""

from ..training.arguments import box_metrics
from .study import current_trial


class OptunaPruning:
    """After every epoch that validated (``trainer.val=true``): ``trial.report(monitor, epoch)`` (names as in
    metrics.json: ``mAP50-95``, ``mAP50``, ...); raises ``optuna.TrialPruned`` when told to.

    ``configs/hparams_search/optuna.yaml`` adds it (``callbacks.optuna_pruning``); ``train`` registers it on the
    YOLO model. Outside a sweep job (``trial_number`` null) it registers nothing.
    """

    def __init__(self, monitor: str, trial_number: int | None = None) -> None:
        self.monitor, self.trial_number, self.trial = monitor, trial_number, None

    def register(self, model) -> None:
        if self.trial_number is not None:
            self.trial = current_trial(self.trial_number)
            model.add_callback("on_fit_epoch_end", self.on_fit_epoch_end)

    def on_fit_epoch_end(self, trainer) -> None:
        import optuna

        if "metrics/mAP50(B)" not in (trainer.metrics or {}):  # no validation this epoch
            return
        value = box_metrics(trainer.metrics).get(self.monitor)
        if value is None:
            return
        self.trial.report(value, step=trainer.epoch)
        if self.trial.should_prune():
            raise optuna.TrialPruned(
                f"trial {self.trial_number} pruned at epoch {trainer.epoch}: {self.monitor}={value:.4f}"
            )
