"""paddle.vision classification networks, with their head and stem fitted to the data."""

import paddle.vision.models as zoo
from paddle import nn

SMALL_IMAGE = 64  # pixels: below this the ImageNet stem (stride 4) would discard most of the image


def build(name: str, num_classes: int, image_size: int, pretrained: bool = False) -> nn.Layer:
    """Build ``paddle.vision.models.<name>`` for ``num_classes`` classes and ``image_size`` inputs.

    ``pretrained=True`` loads Paddle's ImageNet weights (downloaded once into ~/.cache/paddle) and
    replaces the 1000-class head; otherwise the network is randomly initialised.
    """
    if not hasattr(zoo, name):
        raise ValueError(f"paddle.vision.models has no {name}")
    net = getattr(zoo, name)(pretrained=pretrained, num_classes=1000 if pretrained else num_classes)
    if pretrained:
        _replace_last_linear(net, num_classes)
    if image_size < SMALL_IMAGE:
        _use_small_image_stem(net)
    return net


def _replace_last_linear(net: nn.Layer, num_classes: int) -> None:
    name, linear = [(n, m) for n, m in net.named_sublayers() if isinstance(m, nn.Linear)][-1]
    _set_sublayer(net, name, nn.Linear(linear.weight.shape[0], num_classes))


def _use_small_image_stem(net: nn.Layer) -> None:
    """CIFAR-style stem: a 3x3 stride-1 first convolution and no max-pool."""
    name, conv = next((n, m) for n, m in net.named_sublayers() if isinstance(m, nn.Conv2D))
    stem = nn.Conv2D(conv._in_channels, conv._out_channels, 3, stride=1, padding=1, bias_attr=conv.bias is not None)
    _set_sublayer(net, name, stem)
    if isinstance(getattr(net, "maxpool", None), nn.MaxPool2D):
        net.maxpool = nn.Identity()


def _set_sublayer(net: nn.Layer, dotted_name: str, layer: nn.Layer) -> None:
    parent = net
    *path, child = dotted_name.split(".")
    for part in path:
        parent = getattr(parent, part) if not part.isdigit() else parent[int(part)]
    setattr(parent, child, layer) if not child.isdigit() else parent.__setitem__(int(child), layer)
