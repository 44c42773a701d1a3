"""The first command a new project's user is told to run: one command per task (copier.yml's ``quick_start``).

`scaffold new` prints it, plain Copier's message after copy prints it, and the project README's quick start
shows it; checked here to be the same in all three places. That it learns is the project's own
``test_the_quick_start_learns`` (run by the slow tier, tests/test_presets_train.py), which trains it once.
"""

import subprocess
import sys

import pytest
from conftest import CPU_PRESETS, REPO
from typer.testing import CliRunner

from scaffolder.cli import app

COMMANDS = {"classification": "experiment=digits_quick"}  # every other task: experiment=shapes_quick


def readme_quick_start(project) -> str:
    section = (project / "README.md").read_text().split("## Quick start", 1)[1]
    line = next(line for line in section.splitlines() if line.startswith("python scripts/train.py"))
    return line.split("#", 1)[0].strip()


@pytest.mark.parametrize("preset", CPU_PRESETS)
def test_printed_next_step_readme_and_copier_message_name_one_command(tmp_path, preset):
    result = CliRunner().invoke(app, ["new", str(tmp_path / "new"), "--preset", preset, "--vcs-ref", "HEAD"])
    assert result.exit_code == 0, result.output
    command = result.output.split("Next: ", 1)[1].strip().rsplit(" && ", 1)[-1]
    task = "classification" if preset in ("resnet-cpu", "paddle-cpu") else "other"
    assert command == f"python scripts/train.py {COMMANDS.get(task, 'experiment=shapes_quick')}"
    assert readme_quick_start(tmp_path / "new") == command
    if preset == "resnet-cpu":  # plain Copier's message after copy prints the same command (one render is enough)
        plain = subprocess.run(
            [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", "-d", f"preset={preset}",
             str(REPO), str(tmp_path / "plain")], capture_output=True, text=True)
        shown = [line.strip() for line in (plain.stdout + plain.stderr).splitlines()]
        assert plain.returncode == 0 and command in shown, plain.stderr[-2000:]
