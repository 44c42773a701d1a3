"""``create_project``: check everything, render with Copier, then make the project a git repo."""

import contextlib
import io
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import copier
import yaml
from plumbum import ProcessExecutionError

from .answers import check_answers, coerce
from .errors import ScaffoldError
from .presets import load_preset, presets_dir
from .template import default_source, questions

ANSWERS_FILE = ".copier-answers.yml"


def _check_destination(dest: Path) -> None:
    if dest.is_file() or (dest.is_dir() and any(dest.iterdir())):
        raise ScaffoldError(f"destination {dest} exists and is not empty; choose a new directory")


def _is_remote(source: str) -> bool:
    return source.startswith(("gh:", "gl:", "git@", "git+")) or "://" in source


def _git(dest: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=dest, check=True, capture_output=True, text=True)


def _initial_commit(dest: Path, answers: dict, message: str) -> None:
    """``git init`` + first commit; the project's author signs it if git has no identity yet."""
    _git(dest, "init", "--quiet")
    _git(dest, "add", "--all")
    identity = subprocess.run(["git", "config", "user.email"], cwd=dest, capture_output=True, text=True).stdout.strip()
    signer = (
        [] if identity else ["-c", f"user.name={answers['author_name']}", "-c", f"user.email={answers['author_email']}"]
    )
    _git(dest, *signer, "commit", "--quiet", "--message", message)


def create_project(
    dest: str | Path,
    preset: str | None = None,
    data: dict | None = None,
    template: str | None = None,
    vcs_ref: str | None = None,
    interactive: bool = False,
    git: bool = True,
) -> Path:
    """Render a new project into ``dest``: the preset's answers as defaults, ``data`` answers on top.

    Every check runs before anything is written; if rendering fails, ``dest`` is removed again.
    """
    dest = Path(dest).resolve()
    source = template or default_source()
    _check_destination(dest)
    if not _is_remote(source) and not (Path(source) / "copier.yml").is_file():
        raise ScaffoldError(
            f"template source {source} is not a directory with copier.yml; pass --template <path or git URL>"
        )
    local = not _is_remote(source)
    known = questions(source if local else None)  # a URL: the packaged copier.yml
    data = coerce(dict(data or {}), known)
    preset = preset or data.pop("preset", None) or None
    if preset:
        # Checked here from the template's own presets/ (a URL: Copier checks it in the clone);
        # Copier itself turns the preset into defaults (copier.yml, question `preset`).
        if local:
            check_answers(load_preset(preset, presets_dir(source)).answers, known, f"preset {preset}")
        data["preset"] = preset
    check_answers(data, known, "-d")
    answers = data

    existed = dest.exists()
    chatter = io.StringIO()  # Copier's notes ("no git tags found", ...) would break the one-line error
    try:
        with contextlib.redirect_stderr(sys.stderr if interactive else chatter), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_copy(source, dest, data=answers, defaults=not interactive, vcs_ref=vcs_ref, quiet=True)
    except ValueError as error:  # Copier's validators and choice checks
        raise ScaffoldError(str(error).strip().splitlines()[0]) from error
    except (OSError, ProcessExecutionError) as error:  # an unreachable git URL (offline)
        raise ScaffoldError(
            f"cannot fetch the template from {source} ({error}); go online or pass --template"
        ) from error
    except (KeyboardInterrupt, Exception):
        if not existed:
            shutil.rmtree(dest, ignore_errors=True)
        raise
    if git:
        recorded = yaml.safe_load((dest / ANSWERS_FILE).read_text())
        message = f"New project from ml-template {recorded.get('_commit', '(unversioned)')}"
        _initial_commit(dest, recorded, message + (f", preset {preset}" if preset else ""))
    return dest


def quick_start(project: Path) -> str:
    """The first training command of the project's README quick start (copier.yml's ``quick_start``)."""
    readme = (Path(project) / "README.md").read_text().split("## Quick start", 1)[-1]
    command = next(line for line in readme.splitlines() if line.startswith("python scripts/train.py"))
    return command.split("#", 1)[0].strip()


def hardware(project: Path) -> str:
    """The project's target hardware (``cpu`` or ``gpu``), as recorded in its answers file."""
    return yaml.safe_load((Path(project) / ANSWERS_FILE).read_text()).get("hardware", "cpu")
