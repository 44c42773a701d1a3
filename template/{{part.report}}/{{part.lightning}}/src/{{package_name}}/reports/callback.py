"""``RunReport``: records every epoch's metrics and learning rate, and writes the run report once: after the test
(its scores included, the samples drawn by the tested model) or, without one, when the fit ends; a run stopped or
failed after an epoch gets one too, its status saying why (the first fact under Environment). With
``logger=mlflow`` the report is also an artifact of the MLflow run. ``callbacks.run_report=null`` turns it off."""

import time
from pathlib import Path

import lightning as L
import torch
from lightning.pytorch.loggers import MLFlowLogger

from ..runs.console import get_logger
from ..runs.run_dir import why_stopped
from .run import draw_curves, environment, save_figure, write_run_report
from .samples import draw_samples, to_pictures

log = get_logger(__name__)
SPLITS = ("train/", "val/")


class RunReport(L.Callback):
    """The epochs are kept in checkpoints (``state_dict``), so a resumed run's report shows the whole run."""

    def __init__(self, samples: int = 16, after_test: bool = True) -> None:
        self.samples, self.after_test = samples, after_test
        self.epochs, self.rate, self.started = [], 0.0, time.monotonic()

    def state_dict(self) -> dict:
        return {"epochs": self.epochs}

    def load_state_dict(self, state_dict: dict) -> None:
        self.epochs = list(state_dict.get("epochs", []))

    def on_train_epoch_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        self.rate = trainer.optimizers[0].param_groups[0]["lr"]  # the epoch's; its end sees the next one's

    def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
        row = {"epoch": trainer.current_epoch, "lr": self.rate}
        for key, value in trainer.callback_metrics.items():
            if key.startswith(SPLITS) and not key.endswith("_step"):
                row[key.removesuffix("_epoch")] = float(value)
        self.epochs = [old for old in self.epochs if old["epoch"] < row["epoch"]] + [row]

    def teardown(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str) -> None:
        if not trainer.is_global_zero or stage not in ("fit", "test") or not self.epochs:
            return
        if stage == "fit" and self.after_test and not trainer.fast_dev_run and not trainer.interrupted:
            return  # the test follows (train.py runs it unless test=false or a fast_dev_run)
        self._write(trainer, pl_module, stage, "stopped early" if trainer.interrupted else "finished")

    def on_exception(self, trainer: L.Trainer, pl_module: L.LightningModule, exception: BaseException) -> None:
        """A run stopped (Ctrl-C, SIGTERM) or failed after an epoch keeps a report of its epochs, saying why it ended
        (as its ``status.json`` will): the curves and metrics only, no more passes over the data."""
        if trainer.is_global_zero and self.epochs:
            status, reason = why_stopped(exception)
            try:
                self._write(trainer, pl_module, None, f"{status} ({reason}) after epoch {self.epochs[-1]['epoch']}")
            except Exception as error:  # a full disk, say: the run's own error is the one to see
                log.warning("No report for this stopped run: %s", error)

    def _write(self, trainer: L.Trainer, pl_module: L.LightningModule, stage: str | None, status: str) -> None:
        run_dir = Path(trainer.default_root_dir)
        checkpoint = trainer.checkpoint_callback
        monitor, mode = (checkpoint.monitor, checkpoint.mode) if checkpoint else (None, "max")
        pictures = [save_figure(draw_curves(self.epochs, monitor, mode), run_dir / "curves.png")]
        if trainer.datamodule is not None and stage is not None:
            pictures.append(save_figure(self._samples(trainer.datamodule, pl_module), run_dir / "samples.png"))
        metrics = {key: value for key, value in self.epochs[-1].items() if key not in ("epoch", "lr")}  # the last epoch
        metrics |= {key: float(value) for key, value in trainer.callback_metrics.items() if "/" in key}  # + test/
        if stage == "test" and getattr(pl_module, "confusion", None) is not None and trainer.datamodule is not None:
            metrics |= self._confusion(pl_module.confusion.numpy(), run_dir, pictures, trainer.datamodule)
        if checkpoint and checkpoint.best_model_score is not None:
            metrics[f"best/{monitor}"] = float(checkpoint.best_model_score)
        device = pl_module.device
        device = torch.cuda.get_device_name(device) if device.type == "cuda" else str(device)
        facts = {"status": status, **environment(self.started, device)}
        report = write_run_report(run_dir, metrics, pictures, facts)
        for logger in trainer.loggers:  # logger=mlflow: the report beside the run's metrics ("report/")
            if isinstance(logger, MLFlowLogger):
                for path in (report, *pictures):
                    logger.experiment.log_artifact(logger.run_id, str(path), artifact_path="report")

    @staticmethod
    def _confusion(matrix, run_dir: Path, pictures: list, datamodule) -> dict[str, float]:
        """Classification: the test's confusion matrix and each class's recall and precision, up to 30 classes."""
        from .classification import DRAWN_CLASSES, draw_confusion, per_class

        classes = datamodule.preprocessing()["classes"]
        if len(classes) > DRAWN_CLASSES:
            return {}
        pictures.append(save_figure(draw_confusion(matrix, classes), run_dir / "confusion_matrix.png"))
        return per_class(matrix, classes, "test")

    @torch.no_grad()
    def _samples(self, datamodule, pl_module: L.LightningModule):
        batch = datamodule.on_before_batch_transfer(next(iter(datamodule.val_dataloader())), 0)  # data.decode=gpu
        images, targets = batch[:2]
        images, targets = images[: self.samples], targets[: self.samples]
        was_training = pl_module.training
        pl_module.eval()
        probabilities = pl_module(images.to(pl_module.device)).float().softmax(1).cpu().numpy()
        pl_module.train(was_training)
        facts = datamodule.preprocessing()
        pictures = to_pictures(images.float().numpy(), facts["mean"], facts["std"], facts["scale"])
        return draw_samples(pictures, probabilities, targets.numpy(), facts["classes"])
