"""Slow tier: render every preset (and the plain defaults) and run the project's own tests.

The generated tests train for real on the bundled data; a preset that does not train fails here.
CPU presets run their whole suite. A GPU preset's code is its CPU twin's (only defaults, requirements
and Dockerfile differ), so here it runs its fast tier (`-m "not slow"`, which still trains short runs,
on CPU: the tests override the trainer), as does the plain-defaults project; `gpu` tests skip without CUDA.
"""

import re
import subprocess
import sys

import pytest
from conftest import PRESETS, REPO, run_project_tests

from scaffolder.presets import load_preset

pytestmark = pytest.mark.slow


def _passed(result: subprocess.CompletedProcess) -> int:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return int(re.search(r"(\d+) passed", result.stdout).group(1))


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_project_tests_pass(copie, preset):
    answers = load_preset(preset).answers
    result = copie.copy(extra_answers=answers)
    assert result.exit_code == 0, result.exception
    tier = ["-m", "not slow"] if answers["hardware"] == "gpu" else []
    assert _passed(run_project_tests(result.project_dir, *tier)) >= 40


def test_plain_copier_defaults_project_tests_pass(tmp_path):
    dest = tmp_path / "proj"
    subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", str(REPO), str(dest)],
        check=True,
        capture_output=True,
    )
    assert _passed(run_project_tests(dest, "-m", "not slow")) >= 40
