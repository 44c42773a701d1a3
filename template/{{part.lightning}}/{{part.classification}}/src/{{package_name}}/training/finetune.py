"""Fine-tuning a pretrained network: the head learns alone first, then everything (the backbone at its own learning
rate: ``ImageClassifier(backbone_lr_ratio=...)``)."""

import lightning as L
from lightning.pytorch.callbacks import BaseFinetuning
from torch.nn.modules.batchnorm import _BatchNorm

from ..models.head import backbone_of


class FreezeBackbone(BaseFinetuning):
    """For the first ``epochs`` epochs the backbone's weights do not move and its BatchNorm layers normalise with
    their running statistics (eval mode); then the whole network trains. Lightning's ``BaseFinetuning`` does the
    freezing and keeps it across a resume; the parameters stay in the optimiser all along (with their own learning
    rate), so a learning-rate schedule covers them from the start."""

    def __init__(self, epochs: int = 1) -> None:
        super().__init__()
        self.epochs = epochs

    def freeze_before_training(self, pl_module: L.LightningModule) -> None:
        if self.epochs > 0:
            self.freeze(backbone_of(pl_module.net), train_bn=False)

    def finetune_function(self, pl_module: L.LightningModule, epoch: int, optimizer) -> None:
        backbone = backbone_of(pl_module.net)
        if epoch >= self.epochs:  # also on a resume past the frozen epochs
            self.make_trainable(backbone)
            return
        for module in backbone:  # Lightning puts the model in train mode at every epoch
            if isinstance(module, _BatchNorm):
                module.eval()
