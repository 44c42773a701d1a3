"""Pair (d): the generated YOLO project vs Ultralytics called directly with the same arguments."""

import math
from importlib import import_module

import hydra
from common import StepClock, images_per_second, import_project
from ultralytics.utils.callbacks import base

BATCH, WARMUP = 16, 3
WORKLOAD = "yolov8n 96px b16"
PRESET = "yolo-cpu"
TRAIN_IMAGES = 128  # data=shapes default


class Clock:
    """Registered in Ultralytics' default callbacks, so it sees both the project's run and the direct one."""

    current = StepClock()

    @classmethod
    def epoch(cls, trainer) -> None:
        cls.current.epoch_start()

    @classmethod
    def step(cls, trainer) -> None:
        cls.current.step_start()


base.default_callbacks["on_train_epoch_start"].append(Clock.epoch)
base.default_callbacks["on_train_batch_start"].append(Clock.step)


def _config(project, steps: int, run: str):
    epochs = math.ceil((steps + WARMUP) / (TRAIN_IMAGES // BATCH))
    return import_project(
        project,
        "model=yolov8n",
        "data=shapes",
        f"data.batch_size={BATCH}",
        "trainer=cpu",
        f"trainer.max_epochs={epochs}",
        f"paths.run_dir={project}/outputs/{run}",
        f"paths.output_dir={project}/outputs",
        "tracking=none",
    )


def ours(project, steps: int) -> float:
    """The project's own train(cfg), as `python scripts/train.py model=yolov8n data=shapes` runs it."""
    cfg = _config(project, steps, "ours")
    Clock.current = StepClock()
    import_module(f"{cfg.model._target_.split('.')[0]}.train").train(cfg)
    return images_per_second(Clock.current.steady_intervals(WARMUP), BATCH)


def baseline(project, steps: int) -> float:
    """`YOLO("yolov8n.yaml").train(...)` with exactly the arguments the project maps from its config."""
    from ultralytics import YOLO

    cfg = _config(project, steps, "direct")
    package = cfg.model._target_.split(".")[0]
    data = hydra.utils.instantiate(cfg.data)
    data.prepare_data()
    args = import_module(f"{package}.training.arguments").train_args(cfg, data, project / "outputs" / "direct")
    Clock.current = StepClock()
    YOLO(cfg.model.architecture).train(data=str(data.data_yaml), **args)
    return images_per_second(Clock.current.steady_intervals(WARMUP), BATCH)
