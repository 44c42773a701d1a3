"""torchvision classification networks, with their head and stem fitted to the data."""

from pathlib import Path

import torchvision
from torch import nn

from ..errors import UserError
from .head import head_name
from .pretrained import load_fitting

SMALL_IMAGE = 64  # pixels: below this the ImageNet stem (stride 4) would discard most of the image


def build(name: str, num_classes: int, image_size: int, weights: str | None = None,
          checkpoint: str | None = None) -> nn.Module:
    """Build ``torchvision.models.<name>`` for ``num_classes`` classes and ``image_size`` inputs.

    ``weights`` is a torchvision weights name (``DEFAULT``, ``IMAGENET1K_V1``); it is downloaded
    once into the torch hub cache. ``checkpoint`` is a local file instead, for machines without network:
    torchvision's own ``.pth`` (what ``weights`` downloads), a ``.safetensors`` file, or a ``.ckpt`` of this
    project's runs; every weight but the head's must fit. Without either the network is randomly initialised.
    """
    if weights is not None and checkpoint is not None:
        raise UserError(f"model.net.weights={weights} and model.net.checkpoint={checkpoint}: give one of them")
    if weights is None:
        net = torchvision.models.get_model(name, num_classes=num_classes)
    else:
        net = torchvision.models.get_model(name, weights=weights)
        _replace_last_linear(net, num_classes)
    if image_size < SMALL_IMAGE:
        _use_small_image_stem(net)
    if checkpoint is not None:  # the head, and a small-image stem, keep the file's weights only where they fit
        convs = [n for n, m in net.named_modules() if isinstance(m, nn.Conv2d)]
        load_fitting(net, Path(checkpoint), (head_name(net), *convs[:1 if image_size < SMALL_IMAGE else 0]))
    return net


def _replace_last_linear(net: nn.Module, num_classes: int) -> None:
    name = head_name(net)
    _set_submodule(net, name, nn.Linear(net.get_submodule(name).in_features, num_classes))


def _use_small_image_stem(net: nn.Module) -> None:
    """CIFAR-style stem: a 3x3 stride-1 first convolution and no max-pool."""
    name, conv = next((n, m) for n, m in net.named_modules() if isinstance(m, nn.Conv2d))
    stem = nn.Conv2d(conv.in_channels, conv.out_channels, 3, stride=1, padding=1, bias=conv.bias is not None)
    _set_submodule(net, name, stem)
    if isinstance(getattr(net, "maxpool", None), nn.MaxPool2d):
        net.maxpool = nn.Identity()


def _set_submodule(net: nn.Module, dotted_name: str, module: nn.Module) -> None:
    parent_name, _, child = dotted_name.rpartition(".")
    setattr(net.get_submodule(parent_name) if parent_name else net, child, module)
