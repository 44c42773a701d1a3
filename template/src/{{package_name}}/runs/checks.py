"""Config values a user can mistype, checked before anything is built or written: the rule vocabulary.

Each rule is a test plus the words for what it accepts; a value that fails is one ``UserError`` naming the
key, the value and what to write instead. Keys absent from the config are skipped. Each engine's table of
rules (its trainer keys differ) lives in ``training/rules.py``.
"""

from collections.abc import Callable
from pathlib import Path

import hydra
from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict

from ..errors import UserError

Rule = tuple[Callable[[object], bool], str]  # (accepts the value, what is accepted)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def whole(minimum: int) -> Rule:
    return lambda v: _is_int(v) and v >= minimum, f"a whole number >= {minimum}"


def non_negative() -> Rule:
    return lambda v: _is_number(v) and v >= 0, "a number >= 0"


def fraction() -> Rule:
    return lambda v: _is_number(v) and 0 <= v <= 1, "a number from 0 to 1"


def flag() -> Rule:
    return lambda v: isinstance(v, bool), "true or false"


def one_of(*choices) -> Rule:
    words = ", ".join(str(c) for c in choices)
    return lambda v: str(v) in {str(c) for c in choices}, f"one of {words}" if len(choices) > 1 else words


def either(*rules: Rule) -> Rule:
    words = [words for _, words in rules]
    return lambda v: any(accepts(v) for accepts, _ in rules), ", ".join(words[:-1]) + " or " + words[-1]


def null() -> Rule:
    return lambda v: v is None, "null"


def path() -> Rule:
    return lambda v: isinstance(v, str) and v != "", "a path"


def existing_file() -> Rule:
    return lambda v: isinstance(v, str) and Path(v).is_file(), "the path of an existing checkpoint file"


def device_list() -> Rule:
    """``[0, 1]`` or ``"0,1"``: GPU ids."""

    def accepts(v) -> bool:
        ids = str(v).split(",") if isinstance(v, str) else v
        return isinstance(ids, (list, ListConfig)) and bool(ids) and all(str(i).strip().isdigit() for i in ids)

    return accepts, "a list of GPU ids such as [0,1]"


LIMIT = either(null(), whole(0), fraction())  # limit_*_batches: a count or a fraction


def _show(value) -> str:
    return "null" if value is None else str(value)


def missing_keys(node, prefix: str = "") -> list[str]:
    """Keys left at ``???`` (unlike ``OmegaConf.missing_keys``, interpolations to them are not resolved)."""
    if isinstance(node, DictConfig | ListConfig):
        node = OmegaConf.to_container(node, resolve=False)
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else None
    if items is None:
        return [prefix] if node == "???" else []
    return [key for name, value in items for key in missing_keys(value, f"{prefix}.{name}" if prefix else str(name))]


def check(cfg: DictConfig, rules: dict[str, Rule], examples: dict[str, str] | None = None) -> None:
    """``???`` left anywhere, then every rule whose key is in ``cfg``: the first failure raises one line.

    ``examples``: what to write for a required key (shown when it is left at ``???``).
    """
    if missing := [key for key in missing_keys(cfg) if not key.startswith("hydra.")]:  # Hydra's own node is not ours
        key = missing[0]
        example = (examples or {}).get(key, "<value>")
        raise UserError(f"{key} is required (??? in the config); set it, e.g. {key}={example}")
    apply_rules(cfg, rules)


def apply_rules(cfg: DictConfig, rules: dict[str, Rule]) -> None:
    """Every rule whose key is in ``cfg``; the first value it refuses raises one line."""
    for key, (accepts, words) in rules.items():
        value = OmegaConf.select(cfg, key, default="<absent>")
        if isinstance(value, (DictConfig, ListConfig)):
            value = OmegaConf.to_container(value, resolve=True)
        if value != "<absent>" and not accepts(value):
            raise UserError(f"{key}={_show(value)} is invalid; use {words}")


def export_formats(cfg: DictConfig, formats: tuple[str, ...]) -> list[str]:
    """The formats an export config asks for, its keys checked before anything is loaded or written."""
    apply_rules(cfg, {"format": one_of(*formats, "all"), "batch_size": whole(1), "tolerance": non_negative()})
    return list(formats) if cfg.format == "all" else [cfg.format]


def infer_num_classes(cfg: DictConfig) -> None:
    """Datamodules that can count their classes (folders): fill ``data.num_classes`` if null or ???, else compare."""
    data = cfg.data
    target = data.get("_target_")
    count = getattr(hydra.utils.get_class(target), "count_classes", None) if target else None
    if count is None:
        return
    apply_rules(cfg, {"data.root": path()})  # before the folder is read
    found = count(data.root)
    if OmegaConf.is_missing(data, "num_classes") or data.get("num_classes") is None:
        with open_dict(data):
            data.num_classes = found
    elif data.num_classes != found:
        raise UserError(f"data.num_classes={data.num_classes} but {data.root}/train has {found} class folders; "
                        f"set data.num_classes={found} or null")


def same_weights(path, ours: dict, theirs: dict) -> None:
    """``{weight name: shape}`` of the model and of a checkpoint: the first that differs is one line."""
    for key in sorted(ours.keys() | theirs.keys()):
        if ours.get(key) != theirs.get(key):
            there, here = theirs.get(key, "missing"), ours.get(key, "missing")
            raise UserError(f"ckpt_path={path} was trained with another model config: weight {key} is {there} "
                            f"there, {here} here; pass a checkpoint of this model")
