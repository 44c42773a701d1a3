"""Hydra's composition errors as one line with the close matches, before ``@hydra.main`` prints its own
(7 to 29 lines, with a ``+key`` hint that is wrong for a typo): a config group option, a key, a misplaced key,
an override Hydra cannot parse, a sweep without ``-m``, a ``+key`` that exists."""

import difflib
import re
import sys
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from omegaconf import DictConfig


def exit_on_composition_error(script: str, config_name: str, argv: list[str] | None = None) -> None:
    """Compose ``config_name`` from the configs beside ``script`` with the command line's overrides; exit with one
    line if Hydra refuses them. Command lines with flags (``-m``, ``--cfg``, ``--help``) are left to Hydra."""
    overrides = sys.argv[1:] if argv is None else argv
    if any(argument.startswith("-") for argument in overrides):
        return
    config_dir = str(Path(script).resolve().parents[1] / "configs")
    try:
        with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
            compose(config_name, overrides=overrides)
    except HydraException as error:
        with initialize_config_dir(config_dir=config_dir, version_base="1.3"):
            base = compose(config_name)
        sys.exit(f"error: {explain(error, overrides, base)}")


def explain(error: HydraException, overrides: list[str], base: DictConfig) -> str:
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    given = culprit(text, overrides)
    if isinstance(error, OverrideParseException):
        return f"cannot read the override {given!r}: {first}; quote a value with spaces, brackets or commas"
    if isinstance(error, MissingConfigException) and error.missing_cfg_file:
        group, _, name = error.missing_cfg_file.rpartition("/")
        options = sorted(option for option in error.options or [] if not option.startswith("_"))
        return f"{group}={name} is not an option of {group}{did_you_mean(name, options)} (options: " \
               f"{', '.join(options)})"
    if match := re.search(r"Ambiguous value for argument '([^']*)'", text):
        key, _, value = match[1].partition("=")
        return f"{match[1]} is a sweep: add -m to run each value, or write {key}=[{value}] for one list value"
    if match := re.search(r"An item is already at '([^']*)'", text):
        return f"{given}: {match[1]} exists already; drop the '+' to set it ({given.lstrip('+')})"
    if re.search(r"Could not (override|delete|append)|not in struct|Key '[^']*' (is not|not) in", text):
        key = given.lstrip("+~").partition("=")[0]
        return f"{given}: {unknown_key(key, leaves(base))}"
    return f"{first} (in the overrides: {' '.join(overrides)})"


def unknown_key(key: str, paths: list[str]) -> str:
    """Why ``key`` is not in the config, with the keys a user most likely meant."""
    same_name = [path for path in paths if path.rsplit(".", 1)[-1] == key.rsplit(".", 1)[-1]]
    hint = did_you_mean(key, paths, same_name)
    return f"the config has no key {key}{hint or '; --cfg job prints every key'}" + \
        ("" if hint else f" (a new key on purpose: +{key}=...)")


def leaves(config: DictConfig, prefix: str = "") -> list[str]:
    """Every key path of ``config`` (dicts walked; lists and values are leaves)."""
    paths = []
    for name, node in config.items_ex(resolve=False):
        paths.append(f"{prefix}{name}")
        if isinstance(node, DictConfig):
            paths += leaves(node, f"{prefix}{name}.")
    return paths


def did_you_mean(name: str, options: list[str], first: list[str] = ()) -> str:
    matches = list(first)[:3] or difflib.get_close_matches(name, options, n=2, cutoff=0.6)
    return f"; did you mean {' or '.join(matches)}?" if matches else ""


def culprit(text: str, overrides: list[str]) -> str:
    """The override the message is about (the first one it names, else the first one given)."""
    return next((o for o in overrides if o in text), overrides[0] if overrides else "")

