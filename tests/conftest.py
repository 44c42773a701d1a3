"""Shared test helpers: the repository, the presets, projects rendered once per session, a project's own tests."""

import re
import subprocess
import sys
import warnings
from pathlib import Path

import copier
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PRESETS = sorted(path.stem for path in (REPO / "presets").glob("*.yml"))
CPU_PRESETS = [name for name in PRESETS if yaml.safe_load((REPO / "presets" / f"{name}.yml").read_text())["hardware"]
               == "cpu"]
TEMPLATE_PARTS = ["copier.yml", "spec.yml", "template", "partials", "presets", "migrations"]  # what a template is
# copier.yml's optional features
FEATURES = ["serving", "search", "distributed", "memory", "data_tools", "report", "ci", "gpu_input"]


def render(dest: Path, answers: dict, template: Path = REPO, vcs_ref: str | None = "HEAD") -> dict:
    """Plain Copier (no --trust) into ``dest``; -> the answers and the values copier.yml derived (``part``...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Copier's DirtyLocalWarning for a working tree with changes
        worker = copier.run_copy(str(template), dest, data=answers, defaults=True, quiet=True, vcs_ref=vcs_ref)
    return dict(worker.answers.combined)


def files(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


RENDERED_FILES: dict[Path, set[str]] = {}  # a rendered project's files before its tests add caches and outputs


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """``rendered(name, **answers)``: the project of preset ``name`` (plus answers), rendered once per session."""
    cache: dict[tuple, Path] = {}

    def get(preset: str | None, **answers) -> Path:
        key = (preset, *sorted(answers.items()))
        if key not in cache:
            dest = tmp_path_factory.mktemp(preset or "defaults") / "project"
            render(dest, ({"preset": preset} if preset else {}) | answers)
            cache[key], RENDERED_FILES[dest] = dest, files(dest)
        return cache[key]

    return get


def run_project_tests(project: Path, *args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    """The generated project's own ``pytest``, in a subprocess, with this interpreter's packages.

    ``-rp`` (list the passed tests too) joins the failure report flags: a second ``-r`` would replace them."""
    report = "-rfEsp" if "-rp" in args else "-rfEs"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", report, *(a for a in args if a != "-rp")],
        cwd=project, capture_output=True, text=True, timeout=timeout,
    )


def passed(result: subprocess.CompletedProcess) -> int:
    failures = "\n".join(line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR")))
    details = result.stdout.partition("= FAILURES =")[2][:6000]  # the first failures' tracebacks
    assert result.returncode == 0, failures + "\n" + details + "\n" + result.stdout[-2000:] + result.stderr[-2000:]
    return int(re.search(r"(\d+) passed", result.stdout).group(1))


def loc(project: Path) -> int:
    """Non-blank, non-comment Python lines under src/ and scripts/ (docstrings count: they are read)."""
    lines = (line.strip() for folder in ("src", "scripts") for path in (project / folder).rglob("*.py")
             for line in path.read_text().splitlines())
    return sum(1 for line in lines if line and not line.startswith("#"))
