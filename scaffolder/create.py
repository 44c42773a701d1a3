"""``create_project``: check everything, render with Copier, then make the project a git repo."""

import contextlib
import io
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import copier
import yaml
from plumbum import ProcessExecutionError

from .answers import check_answers, coerce
from .errors import ScaffoldError
from .presets import check_overrides, load_preset, presets_dir
from .template import default_source, names_at, questions

ANSWERS_FILE = ".copier-answers.yml"
NEEDED = ("hardware", "quick_start")  # what `scaffold new` reads from the rendered answers


@dataclass(frozen=True)
class NewProject:
    path: Path
    hardware: str  # cpu or gpu: which requirements file to install
    quick_start: str  # the first training command (copier.yml's `quick_start`, as Copier computed it)


def _too_old(vcs_ref: str | None, missing) -> ScaffoldError:
    return ScaffoldError(f"template version {vcs_ref} does not have {', '.join(sorted(missing))} (it is older than "
                         "this scaffold); use a newer --vcs-ref, e.g. HEAD")


def _resolve(dest: str | Path) -> Path:
    try:
        return Path(dest).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before Python 3.13)
        raise ScaffoldError(f"destination {dest} is a symbolic link that loops; remove it or choose another "
                            "directory") from None


def _check_destination(dest: Path) -> None:
    try:
        taken = dest.is_file() or (dest.is_dir() and any(dest.iterdir()))
    except OSError as error:  # a name too long for the file system, a directory we may not read
        raise ScaffoldError(f"cannot write the project to {dest}: {error.strerror or error}; choose another "
                            "directory") from None
    if taken:
        raise ScaffoldError(f"destination {dest} exists and is not empty; choose a new directory")


def _is_remote(source: str) -> bool:
    return source.startswith(("gh:", "gl:", "git@", "git+")) or "://" in source


def _git(dest: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=dest, check=True, capture_output=True, text=True)


def _git_config(dest: Path, key: str) -> str:
    return subprocess.run(["git", "config", key], cwd=dest, capture_output=True, text=True).stdout.strip()


def _initial_commit(dest: Path, answers: dict, message: str) -> None:
    """``git init`` + first commit; the project's author signs it where git has no identity of its own."""
    _git(dest, "init", "--quiet")
    _git(dest, "add", "--all")
    signer = []
    for key, answer in (("user.name", "author_name"), ("user.email", "author_email")):
        if not _git_config(dest, key):
            signer += ["-c", f"{key}={answers.get(answer) or 'ml-template'}"]
    _git(dest, *signer, "commit", "--quiet", "--no-verify", "--message", message)


def _writable(dest: Path) -> None:
    """Create ``dest`` (and its parents) and write there once, before any rendering: one line if it cannot be."""
    try:
        dest.mkdir(parents=True, exist_ok=True)
        (dest / ".scaffold-probe").write_text("")
        (dest / ".scaffold-probe").unlink()
    except OSError as error:
        raise ScaffoldError(f"cannot write the project to {dest}: {error.strerror or error}; choose another "
                            "directory") from None


def _remove(dest: Path, existed: bool) -> None:
    """Undo a render: the directory if this call made it, else what was written into the (empty) one."""
    if not existed:
        shutil.rmtree(dest, ignore_errors=True)
    elif dest.is_dir():
        for path in dest.iterdir():
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def create_project(
    dest: str | Path,
    preset: str | None = None,
    data: dict | None = None,
    template: str | None = None,
    vcs_ref: str | None = None,
    interactive: bool = False,
    git: bool = True,
) -> NewProject:
    """Render a new project into ``dest``: the preset's answers as defaults, ``data`` answers on top.

    Every check runs before anything is written; if rendering fails, ``dest`` is removed again.
    """
    if not str(dest).strip():
        raise ScaffoldError("give the new project's directory, e.g. scaffold new my-project")
    if preset is not None and not preset.strip():
        raise ScaffoldError("--preset needs a name; `scaffold presets` lists them")
    dest = _resolve(dest)
    source = template or default_source()
    _check_destination(dest)
    if not _is_remote(source) and not (Path(source) / "copier.yml").is_file():
        raise ScaffoldError(
            f"template source {source} is not a directory with copier.yml; pass --template <path or git URL>"
        )
    local = not _is_remote(source)
    known = questions(source if local else None)  # a URL: the packaged copier.yml
    data = coerce(dict(data or {}), known)
    if preset and data.get("preset") not in (None, preset):
        raise ScaffoldError(f"--preset {preset} and -d preset={data['preset']} disagree; give one of them")
    preset = preset or data.pop("preset", None) or None
    # Checked here from the template's own presets/ (a URL: Copier checks it in the clone);
    # Copier itself turns the preset into defaults (copier.yml, question `preset`).
    found = load_preset(preset, presets_dir(source)) if preset and local else None
    if found:
        check_answers(found.answers, known, f"preset {preset}")
    if preset:
        data["preset"] = preset
    check_answers(data, known, "-d")
    if found:
        check_overrides(found, data, presets_dir(source))
    if vcs_ref and local and (names := names_at(source, vcs_ref)) is not None:
        if missing := {*NEEDED, *data} - names:  # an answer that version does not ask would be dropped silently
            raise _too_old(vcs_ref, missing)
    answers = data

    existed = dest.exists()
    chatter = io.StringIO()  # Copier's notes ("no git tags found", ...) would break the one-line error
    try:
        _writable(dest)
        with contextlib.redirect_stderr(sys.stderr if interactive else chatter), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            worker = copier.run_copy(source, dest, data=answers, defaults=not interactive, vcs_ref=vcs_ref, quiet=True)
    except ValueError as error:  # Copier's validators and choice checks
        _remove(dest, existed)
        raise ScaffoldError(str(error).strip().splitlines()[0]) from error
    except ProcessExecutionError as error:  # an unreachable git URL (offline)
        _remove(dest, existed)
        raise ScaffoldError(
            f"cannot fetch the template from {source} ({error}); go online or pass --template"
        ) from error
    except OSError as error:  # the disk filled, a name the file system refuses
        _remove(dest, existed)
        reason = error.strerror or error
        raise ScaffoldError(f"cannot write the project to {dest}: {reason}; nothing was kept") from None
    except (KeyboardInterrupt, Exception):
        _remove(dest, existed)
        raise
    rendered = worker.answers.combined  # the answers and the values copier.yml derives from them
    if missing := [key for key in NEEDED if key not in rendered]:  # a remote template's old version
        _remove(dest, existed)
        raise _too_old(vcs_ref, missing)
    if git:
        recorded = yaml.safe_load((dest / ANSWERS_FILE).read_text())
        message = f"New project from ml-template {recorded.get('_commit', '(unversioned)')}"
        try:
            _initial_commit(dest, recorded, message + (f", preset {preset}" if preset else ""))
        except (OSError, subprocess.CalledProcessError) as error:  # no project without its first commit
            _remove(dest, existed)
            detail = (getattr(error, "stderr", "") or str(error)).strip().splitlines() or [str(error)]
            raise ScaffoldError(f"git could not make the project's first commit ({detail[-1]}); nothing was kept: "
                                "fix git (git config --global user.email ...) and run again") from None
    return NewProject(dest, rendered["hardware"], rendered["quick_start"])
