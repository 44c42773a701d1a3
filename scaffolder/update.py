"""``update_project``: pull template (spec) changes into a project with Copier's three-way update."""

import contextlib
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import copier
import yaml
from copier.errors import UserMessageError
from packaging.version import InvalidVersion, Version

from .answers import check_answers, coerce
from .errors import ScaffoldError
from .git import changed_files, is_repo, release_tags, untracked_files
from .template import questions

ANSWERS_FILE = ".copier-answers.yml"
# Copier's inline conflict, and a migration's (migrations/moved.py) in a moved file
CONFLICT_MARKER = re.compile(r"^<<<<<<< (before updating|your edits)$", re.MULTILINE)


@dataclass
class UpdateReport:
    old_version: str
    new_version: str
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    reanswered: dict[str, tuple] = field(default_factory=dict)  # question -> (old answer, new answer)


def recorded_answers(dest: Path) -> dict:
    """The answers file of a project made from this template; refuses anything else."""
    answers_path = dest / ANSWERS_FILE
    if not dest.is_dir() or not answers_path.is_file():
        raise ScaffoldError(
            f"{dest} is not a project made by ml-template (no {ANSWERS_FILE}); run inside one or pass its path"
        )
    answers = yaml.safe_load(answers_path.read_text()) or {}
    if not answers.get("_src_path"):
        raise ScaffoldError(
            f"{answers_path} names no template source (_src_path); re-create the project with scaffold new"
        )
    return answers


def _version(ref: str | None) -> Version | None:
    try:
        return Version(ref) if ref else None
    except InvalidVersion:
        return None


def latest_version(source: str) -> str | None:
    """Newest release tag of the template source; a clear error when it cannot be reached."""
    try:
        tags = release_tags(source)
    except OSError as error:
        raise ScaffoldError(
            f"template source {source} is unreachable ({error}); go online, or point _src_path in "
            f"{ANSWERS_FILE} at a reachable clone and commit that"
        ) from error
    versions = [(v, tag) for tag in tags if (v := _version(tag)) and not v.is_prerelease]
    return max(versions)[1] if versions else None


def check_for_update(dest: str | Path = ".") -> tuple[str, str | None]:
    """-> (the project's template version, the newest one available or None when it is current)."""
    answers = recorded_answers(Path(dest).resolve())
    current, newest = answers.get("_commit", ""), latest_version(answers["_src_path"])
    if newest and _version(current) is not None and _version(newest) > _version(current):
        return current, newest
    return current, None


def _preflight(dest: Path, data: dict) -> tuple[dict, dict]:
    answers = recorded_answers(dest)
    if not is_repo(dest):
        raise ScaffoldError(
            f"{dest} is not the top of a git repository; run `git init && git add -A && git commit -m init` there"
        )
    if dirty := changed_files(dest):
        raise ScaffoldError(f"{dest} has uncommitted changes ({', '.join(dirty[:3])}...); commit or stash them first")
    source = answers["_src_path"]
    latest_version(source)  # reachable?
    known = questions(source) if Path(source).is_dir() else {}
    data = coerce(data, known)
    check_answers(data, known, "-d")
    return answers, data


def update_project(dest: str | Path = ".", to: str | None = None, data: dict | None = None) -> UpdateReport:
    """Update ``dest`` to template version ``to`` (default: the newest), re-answering ``data``.

    Refuses, touching nothing, a directory that is not a project, not a git repository, or dirty;
    an unreachable source and a downgrade. Conflicts are left inline as git-style markers.
    """
    dest = Path(dest).resolve()
    answers, data = _preflight(dest, data or {})
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stderr(chatter), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copier.run_update(
                dest,
                data=data,
                vcs_ref=to,
                defaults=True,
                overwrite=True,
                conflict="inline",
                quiet=True,
                unsafe=True,  # our own template's migrations run as commands
            )
    except (UserMessageError, ValueError) as error:  # Copier's refusals, validators and choice checks
        raise ScaffoldError(str(error).strip().splitlines()[0]) from error
    new_answers = yaml.safe_load((dest / ANSWERS_FILE).read_text())
    changed = changed_files(dest)  # new files too: a migration's merge into a moved file, conflicts included
    conflicts = [path for path in changed if (dest / path).is_file() and CONFLICT_MARKER.search(_text(dest / path))]
    added = untracked_files(dest)
    reanswered = {
        key: (answers.get(key), new_answers.get(key)) for key in data if answers.get(key) != new_answers.get(key)
    }
    return UpdateReport(
        answers.get("_commit", "?"), new_answers.get("_commit", "?"), changed, added, conflicts, reanswered
    )


def _text(path: Path) -> str:
    try:
        return path.read_text()
    except UnicodeDecodeError:
        return ""
