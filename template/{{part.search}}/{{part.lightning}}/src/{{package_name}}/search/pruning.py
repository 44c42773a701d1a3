"""Pruning for hyper-parameter search: report each validation to the Optuna trial, stop a bad trial early."""

import lightning as L

from .study import current_trial


class OptunaPruning(L.Callback):
    """After every validation: ``trial.report(monitor, epoch)``; raises ``optuna.TrialPruned`` when told to.

    ``configs/hparams_search/optuna.yaml`` adds it (``callbacks.optuna_pruning``); outside a sweep job
    (``trial_number`` null) it does nothing. Under DDP rank zero reports and every process stops together.
    """

    def __init__(self, monitor: str, trial_number: int | None = None) -> None:
        self.monitor, self.trial_number, self.trial = monitor, trial_number, None

    def setup(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if stage == "fit" and self.trial_number is not None and trainer.is_global_zero:
            self.trial = current_trial(self.trial_number)

    def on_validation_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        value = trainer.callback_metrics.get(self.monitor)
        if self.trial_number is None or trainer.sanity_checking or value is None:
            return
        import optuna

        epoch, prune = trainer.current_epoch, False
        if trainer.is_global_zero:
            self.trial.report(float(value), step=epoch)
            prune = self.trial.should_prune()
        if trainer.strategy.broadcast(prune, src=0):  # every DDP process stops together
            raise optuna.TrialPruned(f"trial {self.trial_number} pruned at epoch {epoch}: {self.monitor}={value:.4f}")
