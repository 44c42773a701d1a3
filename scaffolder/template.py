"""Where the Copier template lives, and the questions it asks."""

import os
from pathlib import Path

import yaml

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


def _load(path: Path) -> dict:
    """Merge the YAML documents of a Copier config file, following its ``!include`` tags."""

    class Loader(yaml.SafeLoader):
        pass

    def include(loader: Loader, node: yaml.Node) -> list[dict]:
        return [_load(included) for included in sorted(path.parent.glob(loader.construct_scalar(node)))]

    Loader.add_constructor("!include", include)
    merged: dict = {}
    for doc in yaml.load_all(path.read_text(), Loader=Loader):
        for part in doc if isinstance(doc, list) else [doc]:
            merged.update(part or {})
    return merged


def questions(source: str | None = None) -> dict[str, dict]:
    """Question name -> its definition, for the questions a user may answer."""
    config_file = (Path(source) if source else REPO_ROOT) / "copier.yml"
    if not config_file.is_file():  # a wheel without the template: Copier alone checks the answers
        return {}
    config = _load(config_file)
    return {
        name: spec
        for name, spec in config.items()
        if not name.startswith("_") and isinstance(spec, dict) and spec.get("when") is not False
    }
