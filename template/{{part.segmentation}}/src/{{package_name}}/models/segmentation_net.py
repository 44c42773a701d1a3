"""torchvision segmentation networks (DeepLabV3, FCN, LR-ASPP) with their head fitted to the data."""

import torch
import torchvision
from torch import nn


class SegmentationNet(nn.Module):
    """Images (B, 3, H, W) -> per-pixel class logits (B, classes, H, W): the ``out`` of torchvision's dict,
    so the network traces and exports as one tensor-to-tensor function."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model(images)["out"]


def build(name: str, num_classes: int, weights: str | None = None, weights_backbone: str | None = None
          ) -> SegmentationNet:
    """``torchvision.models.segmentation.<name>`` for ``num_classes`` classes (background included).

    ``weights_backbone`` (e.g. ``DEFAULT``: ImageNet) is what fine-tuning on a new dataset usually wants;
    ``weights`` (COCO with VOC's 21 classes) replaces the last layer when ``num_classes`` differs. Both are
    downloaded once into the torch hub cache; without them the network starts from random weights.
    """
    if weights is None:
        return SegmentationNet(torchvision.models.get_model(
            name, num_classes=num_classes, weights=None, weights_backbone=weights_backbone, aux_loss=False))
    model = torchvision.models.get_model(name, weights=weights)  # COCO weights come with their aux head (VOC)
    if getattr(model, "aux_classifier", None) is not None:
        model.aux_classifier = None  # training uses the main output only
    last = [(n, m) for n, m in model.classifier.named_modules() if isinstance(m, nn.Conv2d)]
    if last[-1][1].out_channels != num_classes:
        for dotted, conv in last[-2:] if "lraspp" in name else last[-1:]:  # LR-ASPP has two class convolutions
            parent, _, child = dotted.rpartition(".")
            new = nn.Conv2d(conv.in_channels, num_classes, conv.kernel_size, bias=conv.bias is not None)
            setattr(model.classifier.get_submodule(parent) if parent else model.classifier, child, new)
    return SegmentationNet(model)
