"""What every task's LightningModule shares: the optimiser and LR schedule from the config, torch.compile."""

import inspect
import warnings
from collections.abc import Callable

import lightning as L
import torch
from torch import nn

# Scheduler state that follows from where training is, not from the config.
PROGRESS_KEYS = {"last_epoch", "_step_count", "_last_lr", "_get_lr_called_within_step", "_is_initial", "base_lrs"}


class ConfiguredModule(L.LightningModule):
    """``net`` trained with ``optimizer`` and ``scheduler``, partials from the config (``_partial_: true``): they
    receive the parameters and the optimiser here, so the config stays declarative. ``compile``: torch.compile
    the network when training starts (in place: checkpoint names stay those of the plain network)."""

    def __init__(
        self,
        net: nn.Module,
        optimizer: Callable[..., torch.optim.Optimizer],
        scheduler: Callable[..., torch.optim.lr_scheduler.LRScheduler] | None = None,
        compile: bool = False,
    ) -> None:
        super().__init__()
        self.net = net
        self.compile_net = compile  # for training only, not for eval or export
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images)

    def setup(self, stage: str) -> None:
        if self.compile_net and stage == "fit":
            self.net.compile()

    def configure_optimizers(self):
        optimizer = self.optimizer_factory(params=self.parameter_groups())
        if self.scheduler_factory is None:
            return optimizer
        if not self.per_step:
            scheduler = self.scheduler_factory(optimizer=optimizer)
            return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}
        steps = int(self.trainer.estimated_stepping_batches)  # max_steps, or max_epochs x batches / accumulation
        scheduler = self.scheduler_factory(optimizer=optimizer, total_steps=steps)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    def parameter_groups(self) -> list:
        """What the optimiser trains: every parameter at its learning rate (a task may give parts their own)."""
        return list(self.parameters())

    @property
    def per_step(self) -> bool:
        """A schedule that takes ``total_steps`` (``schedules.py``) is stepped after every optimiser step."""
        factory = self.scheduler_factory
        return factory is not None and "total_steps" in inspect.signature(factory).parameters

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        """Resuming with a schedule the config has changed (``trainer.max_epochs=20`` after a 10-epoch run: the
        cosine's ``T_max``) follows the new schedule from the epoch reached, instead of the saved one (whose
        learning rate has already reached its end, 0 for a cosine; a per-step cosine would rise again)."""
        fitting = self._trainer is not None and self._trainer.state.fn == "fit"
        if "current_model_state" in checkpoint and not fitting:
            # callbacks=ema: test (and validate) the averaged weights, not the live ones EMAWeightAveraging would load
            checkpoint["current_model_state"] = checkpoint["state_dict"]
        saved = checkpoint.get("lr_schedulers") or []
        if not fitting or self.scheduler_factory is None or len(saved) != 1 or not checkpoint.get("optimizer_states"):
            return
        done = checkpoint["global_step"] if self.per_step else checkpoint["epoch"] + 1  # what the schedule counts
        scheduler, learning_rates = self._schedule_at(done)
        state = scheduler.state_dict()
        changed = {key: (saved[0].get(key), value) for key, value in state.items()
                   if key not in PROGRESS_KEYS and saved[0].get(key) != value}
        if not changed:
            return
        checkpoint["lr_schedulers"] = [state]
        for group, lr in zip(checkpoint["optimizer_states"][0]["param_groups"], learning_rates, strict=False):
            group["lr"] = lr
        settings = ", ".join(f"{key} {old} -> {new}" for key, (old, new) in changed.items())
        if self.per_step:  # its parts' states are long; what changed is the run's length
            settings = f"{int(self.trainer.estimated_stepping_batches)} steps in all"
        rate = f"{'step' if self.per_step else 'epoch'} {done} at lr {learning_rates[0]:.3g}"
        self.print(f"Resuming with a changed LR schedule ({settings}): {rate}", flush=True)

    def _schedule_at(self, done: int):
        """The configured scheduler (on a stand-in optimiser) after ``done`` epochs (steps for a per-step one), and
        its learning rates."""
        optimizer = self.optimizer_factory(params=self.parameter_groups())  # nothing is stepped: only the rates
        length = {"total_steps": int(self.trainer.estimated_stepping_batches)} if self.per_step else {}
        scheduler = self.scheduler_factory(optimizer=optimizer, **length)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "scheduler.step() before optimizer.step()": nothing is trained here
            for _ in range(done):
                scheduler.step()
        return scheduler, [group["lr"] for group in optimizer.param_groups]
