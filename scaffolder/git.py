"""The few git facts scaffold needs, asked of the git command line."""

import subprocess
from pathlib import Path


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, check=check, capture_output=True, text=True)


def is_repo(path: Path) -> bool:
    result = git(path, "rev-parse", "--show-toplevel", check=False)
    return result.returncode == 0 and Path(result.stdout.strip()).resolve() == path.resolve()


def changed_files(path: Path) -> list[str]:
    """Paths with uncommitted changes (tracked or new), as ``git status`` lists them."""
    lines = git(path, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    return sorted(line[3:].split(" -> ")[-1].strip('"') for line in lines)


def untracked_files(path: Path) -> list[str]:
    return sorted(git(path, "ls-files", "--others", "--exclude-standard").stdout.splitlines())


def release_tags(source: str) -> list[str]:
    """The ``vX.Y.Z`` tags of a template repository (local path or URL); raises if unreachable."""
    result = git(Path.cwd(), "ls-remote", "--tags", "--refs", source, check=False)
    if result.returncode != 0:
        raise OSError(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "git ls-remote failed")
    return [line.rsplit("refs/tags/", 1)[-1] for line in result.stdout.splitlines()]
