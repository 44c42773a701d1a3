"""What every task's LightningModule shares: the optimiser and LR schedule from the config, torch.compile."""

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
        optimizer = self.optimizer_factory(params=self.parameters())
        if self.scheduler_factory is None:
            return optimizer
        scheduler = self.scheduler_factory(optimizer=optimizer)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "epoch"}}

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        """Resuming with a schedule the config has changed (``trainer.max_epochs=20`` after a 10-epoch run: the
        cosine's ``T_max``) follows the new schedule from the epoch reached, instead of the saved one (whose
        learning rate has already reached its end, 0 for a cosine)."""
        saved = checkpoint.get("lr_schedulers") or []
        if self.scheduler_factory is None or len(saved) != 1 or not checkpoint.get("optimizer_states"):
            return
        epochs_done = checkpoint["epoch"] + 1
        scheduler, learning_rates = self._schedule_at(epochs_done)
        state = scheduler.state_dict()
        changed = {key: (saved[0].get(key), value) for key, value in state.items()
                   if key not in PROGRESS_KEYS and saved[0].get(key) != value}
        if not changed:
            return
        checkpoint["lr_schedulers"] = [state]
        for group, lr in zip(checkpoint["optimizer_states"][0]["param_groups"], learning_rates, strict=False):
            group["lr"] = lr
        settings = ", ".join(f"{key} {old} -> {new}" for key, (old, new) in changed.items())
        rate = f"epoch {epochs_done} at lr {learning_rates[0]:.3g}"
        self.print(f"Resuming with a changed LR schedule ({settings}): {rate}", flush=True)

    def _schedule_at(self, epochs_done: int):
        """The configured scheduler (on a stand-in optimiser) after ``epochs_done`` epochs, and its learning rates."""
        optimizer = self.optimizer_factory(params=[nn.Parameter(torch.zeros(1))])
        scheduler = self.scheduler_factory(optimizer=optimizer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "scheduler.step() before optimizer.step()": nothing is trained here
            for _ in range(epochs_done):
                scheduler.step()
        return scheduler, [group["lr"] for group in optimizer.param_groups]
