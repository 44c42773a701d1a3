"""LightningModule for image classification: loss and metrics (optimiser wiring: ``wiring.ConfiguredModule``)."""

from collections.abc import Callable

import torch
from torch import nn
from torchmetrics.classification import MulticlassAccuracy, MulticlassConfusionMatrix, MulticlassF1Score

from .head import head_of
from .wiring import ConfiguredModule


class ImageClassifier(ConfiguredModule):
    """Trains any network that maps a batch of images to class logits."""

    def __init__(
        self,
        net: nn.Module,
        optimizer: Callable[..., torch.optim.Optimizer],
        num_classes: int,
        scheduler: Callable[..., torch.optim.lr_scheduler.LRScheduler] | None = None,
        compile: bool = False,
        label_smoothing: float = 0.0,
        backbone_lr_ratio: float = 1.0,
        mix: Callable | None = None,
    ) -> None:
        super().__init__(net, optimizer, scheduler, compile)
        self.mix = mix  # e.g. torchvision's MixUp/CutMix: (images, labels) -> (mixed images, shares of the classes)
        self.backbone_lr_ratio = backbone_lr_ratio  # fine-tuning: the pretrained layers learn slower than the head
        self.criterion = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
        # "acc" is the plain share of correct images (torchmetrics' default would be per-class).
        self.train_acc = MulticlassAccuracy(num_classes, average="micro")
        self.val_acc = MulticlassAccuracy(num_classes, average="micro")
        self.val_f1 = MulticlassF1Score(num_classes, average="macro")
        self.test_acc = MulticlassAccuracy(num_classes, average="micro")
        self.test_confusion = MulticlassConfusionMatrix(num_classes)  # rows: true class, columns: predicted
        self.confusion: torch.Tensor | None = None  # the last test's, for the run report

    def parameter_groups(self) -> list:
        if self.backbone_lr_ratio == 1.0:
            return super().parameter_groups()
        head = list(head_of(self.net).parameters())
        backbone = [p for p in self.parameters() if all(p is not q for q in head)]
        lr = self.optimizer_factory(params=[torch.nn.Parameter(torch.zeros(1))]).defaults["lr"]  # set or default
        return [{"params": backbone, "lr": lr * self.backbone_lr_ratio}, {"params": head}]

    def _step(self, batch, stage: str, accuracy: MulticlassAccuracy) -> torch.Tensor:
        images, targets = batch
        logits = self(images)
        loss = self.criterion(logits, targets)
        accuracy(logits, targets if targets.ndim == 1 else targets.argmax(dim=-1))  # a mixed batch: its main class
        # sync_dist: under DDP the logged loss is the mean over all processes, not rank zero's share
        self.log(f"{stage}/loss", loss, on_step=False, on_epoch=True, prog_bar=True, sync_dist=True)
        self.log(f"{stage}/acc", accuracy, on_step=False, on_epoch=True, prog_bar=True)
        if stage == "val":
            self.val_f1(logits, targets)
            self.log("val/f1", self.val_f1, on_step=False, on_epoch=True)
        if stage == "test":
            self.test_confusion.update(logits, targets)
        return loss

    def training_step(self, batch, batch_idx: int) -> torch.Tensor:
        return self._step(batch if self.mix is None else self.mix(*batch), "train", self.train_acc)

    def validation_step(self, batch, batch_idx: int) -> None:
        self._step(batch, "val", self.val_acc)

    def test_step(self, batch, batch_idx: int) -> None:
        self._step(batch, "test", self.test_acc)

    def on_test_epoch_end(self) -> None:  # every rank (compute gathers them), so the report needs no collective
        self.confusion = self.test_confusion.compute().cpu()
        self.test_confusion.reset()

    def predict_step(self, batch, batch_idx: int) -> dict[str, torch.Tensor]:
        images, targets = batch
        return {"probs": self(images).softmax(dim=-1), "targets": targets}
