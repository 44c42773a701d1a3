"""Pair (a)/(b): the generated Lightning project vs a plain PyTorch loop (same network, data, optimiser)."""

from importlib import import_module

import lightning as L
import torch
from common import StepClock, images_per_second, resnet18_digits

BATCH, WARMUP = 64, 3
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"  # the same script measures a GPU when present
WORKLOAD = "resnet18 32px b64"
PRESET = "resnet-cpu"


class ClockCallback(L.Callback):
    """Added through the config (+callbacks.clock._target_=...), so train(cfg) runs unchanged."""

    clock = StepClock()

    def on_train_epoch_start(self, trainer, module) -> None:
        self.clock.epoch_start()

    def on_train_batch_start(self, trainer, module, batch, batch_idx) -> None:
        self.clock.step_start()


def ours(project, steps: int) -> float:
    """The project's own train(cfg), as `python scripts/train.py model=resnet18 data=digits` runs it."""
    cfg = resnet18_digits(
        project,
        BATCH,
        f"+trainer.max_steps={steps + WARMUP}",
        "trainer.max_epochs=-1",
        "+callbacks.clock._target_=throughput_lightning.ClockCallback",
        f"trainer.accelerator={'gpu' if DEVICE == 'cuda' else 'cpu'}",
    )
    ClockCallback.clock = StepClock()
    import_module(f"{cfg.model._target_.split('.')[0]}.train").train(cfg)
    return images_per_second(ClockCallback.clock.steady_intervals(WARMUP), BATCH)


def baseline(project, steps: int) -> float:
    """A plain PyTorch loop: the same network builder, data tensors, AdamW, batch size and shuffling."""
    cfg = resnet18_digits(project, BATCH)
    import hydra

    datamodule = hydra.utils.instantiate(cfg.data)
    datamodule.setup("fit")
    loader = datamodule.train_dataloader()
    net = hydra.utils.instantiate(cfg.model.net).to(DEVICE)
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    net.train()
    clock, done = StepClock(), 0
    while done < steps + WARMUP:
        clock.epoch_start()
        for images, labels in loader:
            clock.step_start()
            images, labels = images.to(DEVICE, non_blocking=True), labels.to(DEVICE, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(net(images), labels).backward()
            optimizer.step()
            done += 1
            if done == steps + WARMUP:
                clock.step_start()  # close the last interval
                break
    return images_per_second(clock.steady_intervals(WARMUP), BATCH)
