"""The first command a new project's user is told to run: one command per task (copier.yml's ``quick_start``).

`scaffold new` prints it, plain Copier's message after copy prints it, the project README's quick start
shows it, and this repository's README command 1 runs it; checked here to be the same in all four places,
with the same install step before it. That it learns is the project's own
``test_the_quick_start_learns`` (run by the slow tier, tests/test_presets_train.py), which trains it once.
"""

import subprocess
import sys

import pytest
from conftest import CPU_PRESETS, REPO
from typer.testing import CliRunner

from scaffolder.cli import app

COMMANDS = {"classification": "experiment=digits_quick"}  # every other task: experiment=shapes_quick
INSTALL = "pip install -r requirements-{hardware}.txt && pip install --no-deps -e ."  # the one install step


def readme_install(project) -> str:
    section = (project / "README.md").read_text().split("## Quick start", 1)[1]
    return next(line for line in section.splitlines() if line.startswith("pip install"))


def readme_quick_start(project) -> str:
    section = (project / "README.md").read_text().split("## Quick start", 1)[1]
    line = next(line for line in section.splitlines() if line.startswith("python scripts/train.py"))
    return line.split("#", 1)[0].strip()


@pytest.mark.parametrize("preset", CPU_PRESETS)
def test_printed_next_step_readme_and_copier_message_name_one_command(tmp_path, preset):
    result = CliRunner().invoke(app, ["new", str(tmp_path / "new"), "--preset", preset, "--vcs-ref", "HEAD"])
    assert result.exit_code == 0, result.output
    next_step = result.output.split("Next: ", 1)[1].strip()
    command = next_step.rsplit(" && ", 1)[-1]
    task = "classification" if preset in ("resnet-cpu", "paddle-cpu") else "other"
    assert command == f"python scripts/train.py {COMMANDS.get(task, 'experiment=shapes_quick')}"
    assert readme_quick_start(tmp_path / "new") == command
    install = INSTALL.format(hardware="cpu")
    assert next_step == f"cd {tmp_path / 'new'} && {install} && {command}"
    assert readme_install(tmp_path / "new") == install
    if preset == "resnet-cpu":  # plain Copier's message after copy prints the same command (one render is enough)
        plain = subprocess.run(
            [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", "-d", f"preset={preset}",
             str(REPO), str(tmp_path / "plain")], capture_output=True, text=True)
        shown = [line.strip() for line in (plain.stdout + plain.stderr).splitlines()]
        assert plain.returncode == 0 and command in shown and install in shown, plain.stderr[-2000:]


def test_the_readme_first_command_ends_with_the_same_install_and_quick_start():
    readme = (REPO / "README.md").read_text().splitlines()
    first = readme[next(i for i, line in enumerate(readme) if line.startswith("# 1. ")) + 1]
    quick_start = f"python scripts/train.py {COMMANDS['classification']}"  # command 1 scaffolds resnet-cpu
    assert first.replace("../.venv/bin/", "").endswith(f"&& {INSTALL.format(hardware='cpu')} && {quick_start}")
