"""Pair (c): the generated Paddle project vs a plain Paddle loop (same network, data, optimiser, threads)."""

import math
from importlib import import_module

import paddle
from common import StepClock, images_per_second, resnet18_digits

BATCH, WARMUP = 64, 3
WORKLOAD = "resnet18 32px b64"
PRESET = "paddle-cpu"


class ClockCallback(paddle.callbacks.Callback):
    """Added through the config (+callbacks.clock._target_=...), so train(cfg) runs unchanged."""

    clock = StepClock()

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.clock.epoch_start()

    def on_train_batch_begin(self, step, logs=None) -> None:
        self.clock.step_start()


def ours(project, steps: int) -> float:
    """The project's own train(cfg), as `python scripts/train.py model=resnet18 data=digits` runs it."""
    epochs = math.ceil((steps + WARMUP) / (1257 // BATCH))  # digits: 1257 training images
    cfg = resnet18_digits(
        project, BATCH, f"trainer.max_epochs={epochs}", "+callbacks.clock._target_=throughput_paddle.ClockCallback"
    )
    ClockCallback.clock = StepClock()
    import_module(f"{cfg.model._target_.split('.')[0]}.train").train(cfg)
    return images_per_second(ClockCallback.clock.steady_intervals(WARMUP), BATCH)


def baseline(project, steps: int) -> float:
    """A plain dygraph loop with the project's network builder, data loader and thread setting."""
    import hydra

    cfg = resnet18_digits(project, BATCH)
    package = cfg.model._target_.split(".")[0]
    import_module(f"{package}.training.device").configure(cfg.trainer)  # same device and CPU threads
    datamodule = hydra.utils.instantiate(cfg.data)
    datamodule.setup("fit")
    net = hydra.utils.instantiate(cfg.model.net)
    optimizer = paddle.optimizer.AdamW(learning_rate=1e-3, weight_decay=1e-4, parameters=net.parameters())
    net.train()
    clock, done = StepClock(), 0
    while done < steps + WARMUP:
        clock.epoch_start()
        for images, labels in datamodule.train_dataloader():
            clock.step_start()
            paddle.nn.functional.cross_entropy(net(images), labels).backward()
            optimizer.step()
            optimizer.clear_grad()
            done += 1
            if done == steps + WARMUP:
                clock.step_start()
                break
    return images_per_second(clock.steady_intervals(WARMUP), BATCH)
