"""timm's classification networks (``timm.create_model``: ResNets, ConvNeXts, EfficientNets, ViTs and hundreds
more), their head fitted to the data."""

import difflib
from pathlib import Path

import timm
from torch import nn

from ..errors import UserError
from .head import head_name
from .pretrained import load_fitting


def build(name: str, num_classes: int, pretrained: bool = False, checkpoint: str | None = None,
          kwargs: dict | None = None) -> nn.Module:
    """``timm.create_model(name)`` with a new head for ``num_classes``. ``pretrained``: the Hugging Face hub's
    weights (downloaded once into its cache); ``checkpoint``: a local file instead (timm's ``.safetensors`` or
    ``.pth``, or a run's ``.ckpt``), every weight but the head's. ``kwargs``: the architecture's own options, e.g.
    ``{img_size: 32}`` for a ViT on small images."""
    if pretrained and checkpoint is not None:
        raise UserError(f"model.net.pretrained=true and model.net.checkpoint={checkpoint}: give one of them")
    if not timm.is_model(name):
        close = difflib.get_close_matches(name, timm.list_models(), n=3)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise UserError(f"model.net.name={name} is not a timm network; {hint}(timm.list_models('{name[:4]}*') "
                        "lists them)")
    try:
        net = timm.create_model(name, pretrained=pretrained, num_classes=num_classes, **(kwargs or {}))
    except TypeError as error:  # an option the architecture does not have
        raise UserError(f"model.net.kwargs={dict(kwargs or {})} does not fit {name}: {error}") from error
    if checkpoint is not None:
        load_fitting(net, Path(checkpoint), (head_name(net),))
    return net
