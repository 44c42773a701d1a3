"""``RunReport``: the run report when Ultralytics' training ends, made of Ultralytics' own plots (results, PR curves,
confusion matrix, validation batches with the predictions drawn) where it drew them (``trainer.plots=true``), and
the curves of ``results.csv`` otherwise. ``callbacks.run_report=null`` turns it off.

Under DDP (``trainer=gpu trainer.devices=2``) Ultralytics trains in its own worker processes, which never see this
callback: ``train.py`` calls ``after_train`` once ``model.train`` returns, and the report is written from the files
the workers left (results.csv, the plots), its metrics from the last row."""

import csv
import time
from pathlib import Path

from .run import draw_curves, environment, save_figure, write_run_report

PLOTS = ("results.png", "BoxPR_curve.png", "MaskPR_curve.png", "confusion_matrix_normalized.png",
         "val_batch0_pred.jpg", "val_batch1_pred.jpg")


def read_epochs(results_csv: Path) -> list[dict[str, float]]:
    """results.csv rows, named as the other engines name them: ``train/box_loss``, ``val/mAP50-95(B)``, ``lr``.
    An epoch without validation (Ultralytics writes zeros then) has no ``val/`` values."""
    with results_csv.open() as rows:
        table = list(csv.DictReader(rows))
    renamed = {"lr/pg0": "lr"}
    epochs = []
    for row in table:
        named = {renamed.get(key, key.replace("metrics/", "val/")): float(value) for key, value in row.items()
                 if key == "lr/pg0" or key.startswith(("train/", "val/", "metrics/"))}
        if not any(value for key, value in named.items() if key.startswith("val/")):  # no validation that epoch
            named = {key: value for key, value in named.items() if not key.startswith("val/")}  # (val=False): 0s
        epochs.append({"epoch": int(float(row["epoch"])), **named})
    return epochs


class RunReport:
    """Registered on the YOLO model (``register``) like the project's other Ultralytics callbacks."""

    def __init__(self) -> None:
        self.started, self.written = time.monotonic(), False

    def register(self, model) -> None:
        model.add_callback("on_train_end", self.on_train_end)

    def on_train_end(self, trainer) -> None:
        run_dir = Path(trainer.save_dir)
        pictures = [run_dir / name for name in PLOTS if (run_dir / name).is_file()]
        if not (run_dir / "results.png").is_file() and (run_dir / "results.csv").is_file():
            epochs = read_epochs(run_dir / "results.csv")
            monitor = max((key for key in epochs[-1] if "mAP50-95" in key), default=None) if epochs else None
            pictures.insert(0, save_figure(draw_curves(epochs, monitor), run_dir / "curves.png"))
        metrics = {key: float(value) for key, value in (trainer.metrics or {}).items()}
        if not metrics and (run_dir / "results.csv").is_file():  # DDP: the workers' last epoch
            metrics = {key: value for key, value in read_epochs(run_dir / "results.csv")[-1].items() if key != "epoch"}
        write_run_report(run_dir, metrics, pictures, environment(self.started, str(trainer.device)))
        self.written = True

    def after_train(self, trainer) -> None:
        """In the process that called ``model.train``: the report, unless this process trained and wrote it."""
        if not self.written and (Path(trainer.save_dir) / "results.csv").is_file():
            self.on_train_end(trainer)
