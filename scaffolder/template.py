"""Where the Copier template lives, and the questions it asks."""

import os
import re
import subprocess
from pathlib import Path

from copier._template import load_template_config  # Copier's own reader: !include, several documents

from .errors import ScaffoldError

REPO_ROOT = Path(__file__).resolve().parents[1]
# Where a wheel install renders from (and where its projects update from): the published repo.
PUBLISHED_SOURCE = "gh:org/ml-template"


def default_source() -> str:
    """The checkout this package runs from; for a wheel, the published git repository.

    Either way the project records a git source and tag that ``copier update`` can reach later.
    ``ML_TEMPLATE_SOURCE`` overrides it (a mirror, a fork, a local clone).
    """
    if override := os.environ.get("ML_TEMPLATE_SOURCE"):
        return override
    if (REPO_ROOT / "copier.yml").is_file() and (REPO_ROOT / ".git").exists():
        return str(REPO_ROOT)
    return PUBLISHED_SOURCE


def questions(source: str | None = None) -> dict[str, dict]:
    """Question name -> its definition, for the questions a user may answer."""
    config_file = (Path(source) if source else REPO_ROOT) / "copier.yml"
    if not config_file.is_file():  # a wheel without the template: Copier alone checks the answers
        return {}
    try:
        config = load_template_config(config_file)
    except Exception as error:  # Copier's InvalidConfigFileError, YAML errors, a bad !include
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScaffoldError(f"template {config_file.parent}: copier.yml cannot be read ({reason}); "
                            "fix it or pass another --template") from None
    return {
        name: spec
        for name, spec in config.items()
        if not name.startswith("_") and isinstance(spec, dict) and spec.get("when") is not False
    }


def names_at(source: str, ref: str) -> set[str] | None:
    """The names copier.yml defines (questions, derived values) at git ``ref`` of a local template; None where
    git cannot tell (no git, an unknown ref: Copier reports those)."""
    try:
        shown = subprocess.run(["git", "show", f"{ref}:copier.yml"], cwd=source, capture_output=True, text=True)
    except OSError:
        return None
    return set(re.findall(r"^([A-Za-z_]\w*):", shown.stdout, re.MULTILINE)) if shown.returncode == 0 else None
