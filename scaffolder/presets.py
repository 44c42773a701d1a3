"""Presets: named answer files in ``presets/``. A preset holds only what differs from the defaults.

The presets come from the template being rendered (``<template>/presets``); the copy inside this
package is used only when the template is a git URL (Copier then reads the preset from the clone).
"""

import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import yaml

from .errors import ScaffoldError
from .template import REPO_ROOT

# A checkout's presets/ folder; in a wheel the same files are the package scaffolder.presets_data.
PRESETS_DIR = (
    REPO_ROOT / "presets"
    if (REPO_ROOT / "presets").is_dir()
    else Path(import_module("scaffolder.presets_data").__path__[0])
)
INFO_KEYS = {"description"}  # describe the preset; not Copier answers
DEFINING = ("framework", "task", "hardware")  # the answers that make a preset what it is
NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")  # copier.yml's `preset` validator: a file name, never a path


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    answers: dict


def presets_dir(template: str | None = None) -> Path:
    """``<template>/presets`` for a local template; this package's presets otherwise."""
    if template and (Path(template) / "copier.yml").is_file():
        return Path(template) / "presets"
    return PRESETS_DIR


def _read(path: Path) -> Preset:
    """One preset file; a broken one is a one-line ``ScaffoldError`` that names the file."""
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScaffoldError(f"preset file {path} is not valid YAML: {problem}{where}") from None
    if not data:
        raise ScaffoldError(f"preset file {path} is empty; write the answers that differ from the defaults, "
                            "e.g. framework: pytorch")
    if not isinstance(data, dict):
        raise ScaffoldError(f"preset file {path} must be a mapping of question: answer")
    answers = {key: value for key, value in data.items() if key not in INFO_KEYS}
    return Preset(path.stem, str(data.get("description", "")), answers)


def scan_presets(directory: Path = PRESETS_DIR) -> tuple[list[Preset], list[str]]:
    """-> (the presets that read, one error line per file that does not)."""
    good, problems = [], []
    for path in sorted(directory.glob("*.yml")):
        try:
            good.append(_read(path))
        except ScaffoldError as error:
            problems.append(str(error))
    return good, problems


def list_presets(directory: Path = PRESETS_DIR) -> list[Preset]:
    return scan_presets(directory)[0]


def load_preset(name: str, directory: Path = PRESETS_DIR) -> Preset:
    if not NAME.fullmatch(name):  # '../spec' must not read ../spec.yml
        raise ScaffoldError(f"preset {name!r} is not a preset name: use lower-case letters, digits, '-' and '_' "
                            "(`scaffold presets` lists them)")
    path = directory / f"{name}.yml"
    if not path.is_file():
        names = ", ".join(preset.name for preset in list_presets(directory))
        raise ScaffoldError(f"unknown preset '{name}'; choose one of: {names}")
    return _read(path)


def check_overrides(preset: Preset, data: dict, directory: Path = PRESETS_DIR) -> None:
    """A -d answer may change anything but what defines the preset: that would be another preset."""
    for key in DEFINING:
        if key in data and key in preset.answers and data[key] != preset.answers[key]:
            wanted = {k: data.get(k, preset.answers.get(k)) for k in DEFINING}
            fits = [p.name for p in list_presets(directory) if all(p.answers.get(k) == v for k, v in wanted.items())]
            fix = f"use --preset {' or '.join(fits)} instead" if fits else (
                f"drop the preset or pick one for {data[key]} (`scaffold presets`)")
            raise ScaffoldError(f"-d {key}={data[key]} contradicts preset {preset.name} ({key}: "
                                f"{preset.answers[key]}); {fix}")
