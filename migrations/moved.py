"""Copier migration for files a release moved or renamed: the user's edits follow the file.

Run from ``_migrations`` in copier.yml at stage ``after``, inside the project being updated:

    python migrations/moved.py TEMPLATE VERSION_FROM MOVES

``MOVES`` is a YAML mapping ``old path: new path`` (paths in a project; ``{{package_name}}`` is replaced by
the project's). An update renders the new template: NEW arrives, OLD is gone, and with it any edit the user
made to OLD. So for each OLD the user edited (its last committed text differs from what ``VERSION_FROM`` of
``TEMPLATE`` rendered), the edits are merged into NEW with ``git merge-file`` (base: the old template's OLD,
ours: the user's OLD, theirs: NEW as the update left it). A pure rename takes the user's text whole; where the
template changed the same lines, the file gets conflict markers, and the script names it. Files the user did
not edit are left as the update left them. Updates refuse uncommitted changes, so HEAD holds the user's OLD.
"""

import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import copier
import yaml


def committed(path: str) -> str | None:
    result = subprocess.run(["git", "show", f"HEAD:{path}"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def render_old(template: str, version: str, answers: dict, into: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(template, into, data=answers, vcs_ref=version, defaults=True, quiet=True)
    return into


def merge(ours: str, base: str, theirs: Path) -> bool:
    """Three-way merge into ``theirs``; True when it is clean."""
    with tempfile.TemporaryDirectory() as scratch:
        files = [Path(scratch) / "ours", Path(scratch) / "base", theirs]
        files[0].write_text(ours)
        files[1].write_text(base)
        result = subprocess.run(["git", "merge-file", "-L", "your edits", "-L", "before updating", "-L",
                                 "after updating", "--stdout", *map(str, files)], capture_output=True, text=True)
    theirs.write_text(result.stdout)
    return result.returncode == 0


def main(template: str, version_from: str, moves_file: str) -> None:
    answers = yaml.safe_load(Path(".copier-answers.yml").read_text())
    package = answers["package_name"]
    moves = {old.replace("{{package_name}}", package): new.replace("{{package_name}}", package)
             for old, new in yaml.safe_load(Path(moves_file).read_text()).items()}
    edited = {old: text for old in moves if (text := committed(old)) is not None}
    if not edited:
        return
    with tempfile.TemporaryDirectory() as scratch:
        data = {key: value for key, value in answers.items() if not key.startswith("_")}
        old_render = render_old(template, version_from, data, Path(scratch) / "old")
        for old, ours in edited.items():
            base_file, new = old_render / old, Path(moves[old])
            base = base_file.read_text() if base_file.is_file() else ""
            if ours == base:
                continue  # the user never touched it: the update's NEW is right
            if not new.is_file():
                new.parent.mkdir(parents=True, exist_ok=True)
                new.write_text(base)  # the template dropped NEW's content: keep the user's file under its name
            clean = merge(ours, base, new)
            Path(old).unlink(missing_ok=True)
            state = "merged" if clean else "CONFLICT (resolve the <<<<<<< markers)"
            print(f"migration: your edits to {old} moved to {new}: {state}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
