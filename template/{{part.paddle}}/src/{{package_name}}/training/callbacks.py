"""Paddle callbacks of the project: all-rank metrics, the NaN stop, BatchNorm statistics refreshed before validation.

Under ``paddle.distributed.launch`` every rank runs every callback (``MeanOverRanks`` reduces the metrics
first); only rank zero writes files.
"""

import math
from itertools import islice

import paddle
from paddle import nn
from paddle.callbacks import Callback

from ..errors import UserError
from ..runs.console import is_rank_zero
from ..runs.run_dir import write_status
from .state import FitState, scalar


class MeanOverRanks(Callback):
    """Replace each rank's own epoch logs (train loss/acc of its shard, val loss) by the mean over all ranks.

    Must come first among the callbacks: the others receive the same ``logs`` dict afterwards.
    """

    KEYS = ("loss", "acc")

    def _reduce(self, logs) -> None:
        if not logs or paddle.distributed.get_world_size() < 2:
            return
        keys = [key for key in self.KEYS if key in logs]
        values = paddle.to_tensor([scalar(logs[key]) for key in keys], dtype="float64")
        paddle.distributed.all_reduce(values)  # sum over ranks
        for key, value in zip(keys, values.numpy() / paddle.distributed.get_world_size(), strict=True):
            logs[key] = float(value)

    def on_epoch_end(self, epoch, logs=None):
        self._reduce(logs)

    def on_eval_end(self, logs=None):
        self._reduce(logs)


class StopOnNonFinite(Callback):
    """A NaN or infinite training loss ends the run at once, with the step and the usual causes."""

    def __init__(self, state: FitState) -> None:
        super().__init__()
        self.state = state

    def on_train_batch_end(self, step, logs=None):
        loss = scalar((logs or {}).get("loss", 0.0))
        if not math.isfinite(loss):
            raise UserError(
                f"training loss is {loss} at step {self.state.global_step} (batch {step} of this epoch); usual "
                "causes: a learning rate too high (model.optimizer.learning_rate), NaN or unscaled values in the "
                "data, or float16 overflow (trainer.precision=32-true); checkpoints/last.ckpt, if any, is the last "
                "good epoch"
            )


class PreciseBatchNorm(Callback):
    """Before each validation in ``fit``, recompute BatchNorm's running statistics for the current weights.

    The Paddle twin of the Lightning project's callback (see there for why): ``num_batches`` batches of
    ``state.train_loader`` run forward without gradients. Paddle has no ``update_bn``, so the statistics are
    reset and batch ``i`` is given momentum ``i / (i + 1)``, which makes them the plain average over the batches.
    """

    def __init__(self, num_batches: int = 10, state: FitState | None = None) -> None:
        super().__init__()
        self.num_batches, self.state = num_batches, state

    def on_eval_begin(self, logs=None):
        loader = self.state.train_loader if self.state else None
        network = self.model.network
        layers = [layer for layer in network.sublayers() if isinstance(layer, nn.layer.norm._BatchNormBase)]
        if loader is None or not layers or self.num_batches < 1:
            return
        momenta = [layer._momentum for layer in layers]
        for layer in layers:
            layer._mean.set_value(paddle.zeros_like(layer._mean))
            layer._variance.set_value(paddle.ones_like(layer._variance))
        level = self.model._adapter._amp_level  # the forward runs as fit's does: O0 float32, O1/O2 mixed
        network.train()
        with paddle.no_grad(), paddle.amp.auto_cast(enable=level != "O0", level=level):
            for index, (images, *_) in enumerate(islice(loader, self.num_batches)):
                for layer in layers:
                    layer._momentum = index / (index + 1)
                network(images)
        for layer, momentum in zip(layers, momenta, strict=True):
            layer._momentum = momentum
        network.eval()


class RunStatus(Callback):
    """``status.json`` says ``running`` and the epoch under way (``runs.run_dir.keeps_run_evidence``)."""

    def __init__(self, run_dir, state: FitState) -> None:
        super().__init__()
        self.run_dir, self.state = run_dir, state

    def on_epoch_begin(self, epoch, logs=None):
        if is_rank_zero():
            write_status(self.run_dir, "running", epoch=self.state.first_epoch + epoch)
