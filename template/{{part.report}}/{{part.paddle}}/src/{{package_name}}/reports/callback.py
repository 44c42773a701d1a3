"""``RunReport``: writes the run report when the fit ends, from the epochs the fit recorded (``FitState``) and the
learning rate of each, with the fitted network's confusion matrix on the validation split and each class's recall and
precision (up to 30 classes: one more pass over the validation data). ``callbacks.run_report=null`` turns it off."""

import contextlib
import time
from pathlib import Path

import numpy as np
import paddle
from paddle.callbacks import Callback

from ..runs.console import is_rank_zero
from .run import draw_curves, environment, save_figure, write_run_report
from .samples import draw_samples, to_pictures


class RunReport(Callback):
    """Placed before Paddle's LRScheduler callback (``train`` appends that last): an epoch's end sees its rate."""

    def __init__(self, run_dir: str, monitor: str = "val/acc", samples: int = 16, state=None, datamodule=None) -> None:
        super().__init__()
        self.run_dir, self.monitor, self.samples = Path(run_dir), monitor, samples
        self.state, self.datamodule, self.rates, self.started = state, datamodule, {}, time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        self.rates[self.state.first_epoch + epoch] = float(self.model._optimizer.get_lr())

    def on_train_end(self, logs=None):
        if not is_rank_zero() or not self.state or not self.state.epochs:
            return
        epochs = [row | ({"lr": self.rates[row["epoch"]]} if row["epoch"] in self.rates else {})
                  for row in self.state.epochs]
        pictures = [save_figure(draw_curves(epochs, self.monitor), self.run_dir / "curves.png")]
        if self.datamodule is not None:
            pictures.append(save_figure(self._samples(), self.run_dir / "samples.png"))
        device = paddle.device.get_device()
        metrics = {key: value for key, value in self.state.last.items() if key != "epoch"}
        if self.datamodule is not None:
            metrics |= self._confusion(pictures)
        write_run_report(self.run_dir, metrics, pictures, environment(self.started, device))

    @contextlib.contextmanager
    def _evaluating(self):
        """The network in eval mode without gradients, as it was afterwards."""
        network = self.model.network
        was_training = network.training
        network.eval()
        try:
            with paddle.no_grad():
                yield network
        finally:
            network.train(was_training)

    def _confusion(self, pictures: list) -> dict[str, float]:
        from .classification import DRAWN_CLASSES, draw_confusion, per_class

        classes = self.datamodule.preprocessing()["classes"]
        if len(classes) > DRAWN_CLASSES:
            return {}
        matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
        with self._evaluating() as network:
            # The whole split on rank zero (under paddle.distributed.launch the project's loaders shard it).
            for batch in paddle.io.DataLoader(self.datamodule.val_set, batch_size=self.datamodule.batch_size):
                images, targets = batch[:2]
                predicted = network(images).argmax(axis=1).numpy()
                np.add.at(matrix, (targets.numpy().reshape(-1), predicted.reshape(-1)), 1)
        pictures.append(save_figure(draw_confusion(matrix, classes), self.run_dir / "confusion_matrix.png"))
        return per_class(matrix, classes, "val")

    def _samples(self):
        images, targets = next(iter(self.datamodule.val_dataloader()))[:2]
        images, targets = images[: self.samples], targets[: self.samples]
        with self._evaluating() as network:
            probabilities = paddle.nn.functional.softmax(network(images).astype("float32"), axis=1).numpy()
        facts = self.datamodule.preprocessing()
        pictures = to_pictures(images.numpy().astype(np.float32), facts["mean"], facts["std"], facts["scale"])
        return draw_samples(pictures, probabilities, targets.numpy().reshape(-1), facts["classes"])
