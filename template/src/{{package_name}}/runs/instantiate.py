"""Objects built from a config group of named entries (callbacks, loggers), as ``train`` needs them."""

import hydra
from omegaconf import DictConfig


def instantiate_all(group: DictConfig | None, **given) -> list:
    """Every entry with a ``_target_`` (``null`` entries are switched off). ``given``: objects only the running code
    has (a fit's state); an entry receives one by naming its key, e.g. ``state: null  # given by train()``."""
    built = []
    for conf in (group or {}).values():
        if conf and "_target_" in conf:
            # given objects go to the call, not through Hydra, which would copy them into the config (a dataclass
            # would become a config node, no longer the object the caller shares)
            factory = hydra.utils.instantiate(conf, _partial_=True)
            built.append(factory(**{key: value for key, value in given.items() if key in conf}))
    return built
