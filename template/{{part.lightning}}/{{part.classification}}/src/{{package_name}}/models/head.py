"""A classifier's head and backbone: the head is the network's last linear layer (what ``torchvision_net.build``
fits to ``data.num_classes``), the backbone every other layer."""

from torch import nn


def head_name(net: nn.Module) -> str:
    return [name for name, module in net.named_modules() if isinstance(module, nn.Linear)][-1]


def head_of(net: nn.Module) -> nn.Linear:
    return net.get_submodule(head_name(net))


def backbone_of(net: nn.Module) -> list[nn.Module]:
    head = head_of(net)
    return [module for module in net.modules() if not list(module.children()) and module is not head]
