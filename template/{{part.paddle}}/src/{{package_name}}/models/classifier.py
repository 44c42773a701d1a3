"""``paddle.Model`` for image classification: network, optimiser, LR schedule, loss and accuracy."""

from collections.abc import Callable

import paddle
from paddle import nn

from ..errors import UserError


class ImageClassifier(paddle.Model):
    """Trains any network that maps a batch of images to class logits, with Paddle's high-level API.

    ``optimizer`` and ``scheduler`` are partials from the config (``_partial_: true``): the scheduler
    receives the optimiser's ``learning_rate`` as its peak, the optimiser the scheduler and parameters.
    """

    def __init__(
        self,
        net: nn.Layer,
        optimizer: Callable[..., paddle.optimizer.Optimizer],
        num_classes: int,
        scheduler: Callable[..., paddle.optimizer.lr.LRScheduler] | None = None,
        compile: bool = False,
    ) -> None:
        if compile:
            raise UserError("model.compile=true is torch.compile (PyTorch projects); Paddle has no such switch "
                            "here: use model.compile=false")
        super().__init__(net)
        self.net = net
        self.num_classes = num_classes
        self.optimizer_factory = optimizer
        self.scheduler_factory = scheduler

    def prepare_training(self, amp_configs: dict | None = None, clip_norm: float | None = None) -> "ImageClassifier":
        """``clip_norm``: trainer.gradient_clip_val, the largest global gradient norm (None: no clipping)."""
        learning_rate = self.optimizer_factory.keywords["learning_rate"]
        if self.scheduler_factory is not None:
            learning_rate = self.scheduler_factory(learning_rate=learning_rate)
        clip = paddle.nn.ClipGradByGlobalNorm(clip_norm) if clip_norm else None
        parameters = self.net.parameters()
        optimizer = self.optimizer_factory(learning_rate=learning_rate, parameters=parameters, grad_clip=clip)
        # "acc" is the plain share of correct images, as in the Lightning project.
        self.prepare(optimizer, nn.CrossEntropyLoss(), paddle.metric.Accuracy(name="acc"), amp_configs=amp_configs)
        return self

    def scheduler(self) -> paddle.optimizer.lr.LRScheduler | None:
        learning_rate = self._optimizer._learning_rate
        return learning_rate if isinstance(learning_rate, paddle.optimizer.lr.LRScheduler) else None

    def follow_schedule(self, epochs_done: int) -> tuple[float, float] | None:
        """After a resume: put the LR schedule where the *configured* one is after ``epochs_done`` epochs.

        A checkpoint keeps only the schedule's position and last rate, not its settings; resumed with a longer
        run (``trainer.max_epochs``, so the cosine's ``T_max``), the saved rate (0 at the old end) would carry on.
        -> (saved rate, configured rate), or None when there is no epoch schedule to follow.
        """
        scheduler = self.scheduler()
        if scheduler is None or isinstance(scheduler, paddle.optimizer.lr.ReduceOnPlateau):
            return None  # a plateau schedule follows the metrics, not the epoch count
        fresh = self.scheduler_factory(learning_rate=self.optimizer_factory.keywords["learning_rate"])
        for _ in range(epochs_done):
            fresh.step()
        saved = scheduler.last_lr
        scheduler.set_state_dict(fresh.state_dict())
        return saved, fresh.last_lr
