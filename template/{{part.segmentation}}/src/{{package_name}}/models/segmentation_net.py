"""torchvision segmentation networks (DeepLabV3, FCN, LR-ASPP) with their head fitted to the data."""

from pathlib import Path

import torch
import torchvision
from torch import nn

from ..errors import UserError
from .pretrained import load_fitting, read_weights


class SegmentationNet(nn.Module):
    """Images (B, 3, H, W) -> per-pixel class logits (B, classes, H, W): the ``out`` of torchvision's dict,
    so the network traces and exports as one tensor-to-tensor function."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model(images)["out"]


def build(name: str, num_classes: int, weights: str | None = None, weights_backbone: str | None = None,
          backbone_checkpoint: str | None = None) -> SegmentationNet:
    """``torchvision.models.segmentation.<name>`` for ``num_classes`` classes (background included).

    ``weights_backbone`` (e.g. ``DEFAULT``: ImageNet) is what fine-tuning on a new dataset usually wants;
    ``weights`` (COCO with VOC's 21 classes) replaces the last layer when ``num_classes`` differs. Both are
    downloaded once into the torch hub cache; without them the network starts from random weights.
    ``backbone_checkpoint`` is ``weights_backbone`` from a local file, for machines without network: the
    backbone's classification network as torchvision saves it (``resnet50.pth``, ``mobilenet_v3_large.pth``,
    or a ``.safetensors``); its classifier is left out.
    """
    if backbone_checkpoint is not None and (weights or weights_backbone):
        raise UserError(f"model.net.backbone_checkpoint={backbone_checkpoint} and model.net.weights/weights_backbone:"
                        " give one of them")
    if weights is None:
        net = SegmentationNet(torchvision.models.get_model(
            name, num_classes=num_classes, weights=None, weights_backbone=weights_backbone, aux_loss=False))
        if backbone_checkpoint is not None:
            option, path = "model.net.backbone_checkpoint", Path(backbone_checkpoint)
            state = {k.removeprefix("features."): v for k, v in read_weights(path, option).items()}  # MobileNets
            load_fitting(net.model.backbone, path, ("fc", "classifier"), state, option, kind=f"{name} backbone")
        return net
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
