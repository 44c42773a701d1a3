"""``train(cfg)``: build the dataset and the YOLO model from the config; train with Ultralytics in the run dir.

Ultralytics writes its logs and plots into the Hydra run directory; afterwards the weights move to
``checkpoints/`` (best.pt, last.pt) and the final validation of best.pt goes to ``metrics.json``.
``ckpt_path=last`` (or a last.pt path) resumes a killed run in its own directory (Ultralytics' ``resume``).
"""

import shutil
from pathlib import Path

import hydra
from omegaconf import DictConfig

from .models.yolo import check_weights
from .models.yolo_env import use_tracking
from .runs import mlflow_run
from .runs.atomic import remove_partials
from .runs.console import get_logger, print_config
from .runs.instantiate import instantiate_all
from .runs.run_dir import METRICS_FILE, keeps_run_evidence, save_config, say_where, write_json, write_status
from .training.arguments import box_metrics, device, train_args
from .training.callbacks import NonFiniteLoss, ultralytics_log_in_run_file
from .training.resume import find_last, resumable
from .training.rules import check_train_config

log = get_logger(__name__)


def _remember_mlflow_run(run_dir: Path) -> None:
    """The run Ultralytics' MLflow integration started and logs into."""
    import mlflow

    if (run := mlflow.active_run()) is not None:
        mlflow_run.remember(run_dir, mlflow.get_tracking_uri(), run.info.run_id)


def _fit(model, data, cfg: DictConfig, run_dir: Path, resume: bool) -> None:
    guard = NonFiniteLoss()
    guard.register(model)
    model.add_callback("on_train_epoch_start", lambda t: write_status(run_dir, "running", epoch=t.epoch))
    if cfg.tracking == "mlflow":  # after Ultralytics' integration has started its run: the export joins it later
        model.add_callback("on_train_start", lambda t: _remember_mlflow_run(run_dir))
    args = train_args(cfg, data, run_dir)
    if resume:  # Ultralytics takes the run's own arguments from the checkpoint; these may change
        args = {key: args[key] for key in ("device", "workers")} | {"resume": True, "save_dir": str(run_dir)}
    try:
        with ultralytics_log_in_run_file():
            model.train(data=str(data.data_yaml), **args)
    except RuntimeError as error:  # Ultralytics' NaN recovery gave up (or had no last.pt to go back to)
        if "NaN" not in str(error):
            raise
        raise guard.error(f"({error})") from error


def _epochs(run_dir: Path) -> int:
    """Epochs in results.csv: all of a resumed run's too (Ultralytics appends to it)."""
    return len((run_dir / "results.csv").read_text().strip().splitlines()) - 1


@keeps_run_evidence
def train(cfg: DictConfig) -> dict[str, float]:
    check_train_config(cfg)  # before anything is built or written
    run_dir = Path(cfg.paths.run_dir)
    check_weights(cfg.model.get("weights"))  # before anything is written
    device(cfg.trainer.accelerator, cfg.trainer.devices)  # refuses what Ultralytics cannot do
    resume_from = find_last(cfg.get("ckpt_path"), run_dir, Path(cfg.paths.output_dir))
    model = resumable(resume_from, cfg.trainer.max_epochs) if resume_from else hydra.utils.instantiate(cfg.model)
    print_config(cfg, log)  # once the run is known to start: a refused resume leaves its run's log as it was
    if resume_from:  # a resumed run goes on in its own directory, and says so there (status.json)
        cfg.paths.run_dir = str(run_dir := resume_from.parent.parent)
    save_config(cfg, run_dir)
    remove_partials(run_dir / "weights")  # a killed run's unfinished checkpoint file

    data = hydra.utils.instantiate(cfg.data)
    data.prepare_data()
    data.check_files()  # unreadable images, bad labels: one line before the first step
    callbacks = instantiate_all(cfg.get("callbacks"))  # the report, a search trial's pruning (hparams_search)
    for callback in callbacks:
        callback.register(model)
    with use_tracking(cfg.tracking, cfg.paths.output_dir, cfg.get("mlflow_parent_run")):
        _fit(model, data, cfg, run_dir, resume=resume_from is not None)
    for callback in callbacks:  # under DDP the workers trained and ran their own callbacks, not these
        if hasattr(callback, "after_train"):
            callback.after_train(model.trainer)

    checkpoints = run_dir / "checkpoints"
    shutil.rmtree(checkpoints, ignore_errors=True)
    (run_dir / "weights").replace(checkpoints)
    # Ultralytics' final validation of best.pt; under DDP (trained in worker processes) best.pt's last one
    results = getattr(model.metrics, "results_dict", model.metrics)
    metrics = box_metrics(results) | {"epochs": _epochs(run_dir)}
    write_json(run_dir / METRICS_FILE, metrics)
    say_where(run_dir)
    return metrics
