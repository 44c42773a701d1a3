"""Slow tier: render every preset (and the plain defaults) and run the project's own tests.

The generated tests train for real on the bundled digits; a preset that does not train fails here.
GPU presets run their tests on CPU (the tests override the trainer); `gpu` tests skip without CUDA.
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
    result = copie.copy(extra_answers=load_preset(preset).answers)
    assert result.exit_code == 0, result.exception
    assert _passed(run_project_tests(result.project_dir)) >= 40


def test_plain_copier_defaults_project_tests_pass(tmp_path):
    dest = tmp_path / "proj"
    subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", str(REPO), str(dest)],
        check=True,
        capture_output=True,
    )
    assert _passed(run_project_tests(dest)) >= 40
