"""Presets: named answer files in ``presets/``. A preset holds only what differs from the defaults."""

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


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    answers: dict


def _read(path: Path) -> Preset:
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise ScaffoldError(f"preset file {path.name} must be a mapping of question: answer")
    answers = {key: value for key, value in data.items() if key not in INFO_KEYS}
    return Preset(path.stem, str(data.get("description", "")), answers)


def list_presets(presets_dir: Path = PRESETS_DIR) -> list[Preset]:
    return [_read(path) for path in sorted(presets_dir.glob("*.yml"))]


def load_preset(name: str, presets_dir: Path = PRESETS_DIR) -> Preset:
    path = presets_dir / f"{name}.yml"
    if not path.is_file():
        names = ", ".join(preset.name for preset in list_presets(presets_dir))
        raise ScaffoldError(f"unknown preset '{name}'; choose one of: {names}")
    return _read(path)
