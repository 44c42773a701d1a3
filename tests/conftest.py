"""Shared test helpers: the repository root, the presets, and running a generated project's tests."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRESETS = sorted(path.stem for path in (REPO / "presets").glob("*.yml"))


def run_project_tests(project: Path, *args: str) -> subprocess.CompletedProcess:
    """The generated project's own ``pytest``, in a subprocess, with this interpreter's packages."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=1800,
    )
