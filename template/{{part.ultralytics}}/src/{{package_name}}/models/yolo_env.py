"""Ultralytics, offline and quiet: import ``YOLO`` from here, never from ``ultralytics`` directly.

Ultralytics reads its environment once, at import time. Before that import this module points its
config directory inside the project (``outputs/.ultralytics``, not the home directory), turns off
its online checks and automatic pip installs; after it, it turns off analytics and integrations,
keeps its default folders inside the project, places a local font where Ultralytics looks for
``Arial.ttf`` (so that plotting never downloads one), runs its GPU AMP self-test only when the
weights it needs are already local, and writes checkpoints atomically (a run killed while saving
keeps its previous ``last.pt``). Multi-GPU (DDP) workers are Ultralytics' own processes: they get the
environment variables, not these patches.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib

CONFIG_DIR = Path(os.environ.get("YOLO_CONFIG_DIR") or Path("outputs") / ".ultralytics").resolve()
os.environ["YOLO_CONFIG_DIR"] = str(CONFIG_DIR)
os.environ.setdefault("YOLO_OFFLINE", "1")  # no DNS probe, no hub, no analytics
os.environ.setdefault("YOLO_AUTOINSTALL", "0")  # a missing package is an error, never a runtime pip install

from ultralytics import YOLO, settings  # noqa: E402
from ultralytics.engine import trainer as ultralytics_trainer  # noqa: E402
from ultralytics.utils import LOGGER, USER_CONFIG_DIR  # noqa: E402  (USER_CONFIG_DIR: CONFIG_DIR/Ultralytics)

from ..runs.atomic import partial_path, replace_durably  # noqa: E402

FONTS = ("Arial.ttf", "Arial.Unicode.ttf")  # the Latin and the non-Latin label font Ultralytics asks for
INTEGRATIONS = ("clearml", "comet", "dvc", "mlflow", "raytune", "tensorboard", "wandb")

for font in FONTS:
    if not (USER_CONFIG_DIR / font).is_file():
        shutil.copy(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf", USER_CONFIG_DIR / font)
settings.update(
    {"sync": False, "datasets_dir": str(Path("data").resolve()), "weights_dir": str(CONFIG_DIR / "weights"),
     "runs_dir": str(Path("outputs").resolve() / "runs")} | dict.fromkeys(INTEGRATIONS, False)
)


def _check_amp_offline(model) -> bool:
    """Ultralytics' AMP self-test on GPU downloads yolo26n.pt: run it only when that file is already local."""
    if (Path(settings["weights_dir"]) / "yolo26n.pt").is_file():
        return _check_amp(model)
    LOGGER.info("AMP: self-test skipped (it needs yolo26n.pt, which is never downloaded here); AMP stays on")
    return True


_check_amp, ultralytics_trainer.check_amp = ultralytics_trainer.check_amp, _check_amp_offline


def _save_model_atomically(trainer) -> bool:
    """Ultralytics writes last.pt / best.pt in place; here it writes ``.<name>.<pid>.partial`` files beside them,
    flushed and renamed when complete (``runs.atomic``)."""
    final = {"last": trainer.last, "best": trainer.best}
    for name, path in final.items():
        setattr(trainer, name, partial_path(path))
    try:
        saved = _save_model(trainer)
        for name, path in final.items():
            if getattr(trainer, name).is_file():
                replace_durably(getattr(trainer, name), path)
        return saved
    finally:
        for name, path in final.items():
            getattr(trainer, name).unlink(missing_ok=True)
            setattr(trainer, name, path)


_save_model, ultralytics_trainer.BaseTrainer.save_model = (
    ultralytics_trainer.BaseTrainer.save_model, _save_model_atomically
)


@contextmanager
def use_tracking(name: str, output_dir: str, parent_run: str | None = None) -> Iterator[None]:
    """Training with one Ultralytics logger integration (``tensorboard``, ``wandb``, ``mlflow``); csv is always on.

    MLflow goes to ``$MLFLOW_TRACKING_URI`` (a team's server), else to one local SQLite store for all runs,
    ``<output_dir>/mlflow.db`` (MLflow 3 refuses its old ``file:`` store), in the experiment
    ``$MLFLOW_EXPERIMENT_NAME``, else one named after this package. A search trial (``parent_run``: the
    search's run, search/tracking.py) runs in a child run started here; Ultralytics logs into the active run.
    """
    settings.update({integration: integration == name for integration in INTEGRATIONS})
    if name == "mlflow":
        os.environ.setdefault("MLFLOW_TRACKING_URI", f"sqlite:///{output_dir}/mlflow.db")
        os.environ.setdefault("MLFLOW_EXPERIMENT_NAME", __package__.split(".")[0])
    if name != "mlflow" or not parent_run:
        yield
        return
    import mlflow

    mlflow.set_experiment(os.environ["MLFLOW_EXPERIMENT_NAME"])
    with mlflow.start_run(parent_run_id=parent_run):  # ended FINISHED, or FAILED on an exception
        yield


__all__ = ["YOLO", "CONFIG_DIR", "LOGGER", "use_tracking"]
