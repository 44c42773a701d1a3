"""Where the Copier template lives, and the questions it asks."""

from pathlib import Path

import yaml

from .errors import ScaffoldError

REPO_ROOT = Path(__file__).resolve().parents[1]


def default_source() -> str:
    """The template this package was installed from (a checkout holding ``copier.yml``)."""
    if not (REPO_ROOT / "copier.yml").is_file():
        raise ScaffoldError(
            "scaffold cannot find its template (copier.yml); install it from a checkout with "
            "`pip install -e .` or pass --template <path or git URL>"
        )
    return str(REPO_ROOT)


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
    root = Path(source) if source else REPO_ROOT
    config = _load(root / "copier.yml")
    return {
        name: spec
        for name, spec in config.items()
        if not name.startswith("_") and isinstance(spec, dict) and spec.get("when") is not False
    }
