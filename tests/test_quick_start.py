"""The first command a new project's user is told to run learns something real.

`scaffold new` prints it, plain Copier's message after copy prints it, and the project README's
quick start shows it: one command per task (copier.yml, `quick_start`), checked to be the same
in all three places (fast) and run as printed to a score far above an untrained model (slow).
"""

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO
from typer.testing import CliRunner

from scaffolder.cli import app
from scaffolder.create import quick_start

# preset -> (metric, untrained score, what the quick start must reach)
LEARNS = {
    "resnet-cpu": ("val/acc", 0.1, 0.80),  # ten digits: chance is 0.1
    "paddle-cpu": ("val/acc", 0.1, 0.80),
    "yolo-cpu": ("mAP50", 0.0, 0.30),  # an untrained detector finds nothing
    "seg-cpu": ("test/miou", 0.01, 0.50),  # an untrained LR-ASPP calls every pixel one class: mean IoU 0.01
    "yolo-seg-cpu": ("mask/mAP50", 0.0, 0.50),  # an untrained YOLO-seg finds no instance
}


def scaffold_next_step(dest, preset: str) -> str:
    result = CliRunner().invoke(app, ["new", str(dest), "--preset", preset, "--vcs-ref", "HEAD"])
    assert result.exit_code == 0, result.output
    return result.output.split("Next: ", 1)[1].strip().rsplit(" && ", 1)[-1]


@pytest.mark.parametrize("preset", sorted(LEARNS))
def test_printed_next_step_readme_and_copier_message_name_one_command(tmp_path, preset):
    command = scaffold_next_step(tmp_path / "new", preset)
    expected = "experiment=digits_quick" if preset in ("resnet-cpu", "paddle-cpu") else "experiment=shapes_quick"
    assert command == f"python scripts/train.py {expected}"
    assert quick_start(tmp_path / "new") == command  # the README's quick start
    plain = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", "-d", f"preset={preset}"]
        + [str(REPO), str(tmp_path / "plain")],
        capture_output=True,
        text=True,
    )
    shown = [line.strip() for line in (plain.stdout + plain.stderr).splitlines()]
    assert plain.returncode == 0 and command in shown, plain.stderr[-2000:]  # Copier's message after copy


@pytest.mark.slow
@pytest.mark.parametrize("preset", sorted(LEARNS))
def test_the_quick_start_command_learns(tmp_path, preset):
    project = tmp_path / "proj"
    command = scaffold_next_step(project, preset).split()
    assert command[0] == "python"
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"), PYTHONPATH=str(project / "src"))
    run = subprocess.run(
        [sys.executable, *command[1:]], cwd=project, capture_output=True, text=True, env=env, timeout=1500
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    (metrics_file,) = project.glob("outputs/runs/*/metrics.json")
    metric, untrained, floor = LEARNS[preset]
    score = json.loads(metrics_file.read_text())[metric]
    print(f"{preset}: {' '.join(command)} -> {metric} {score:.3f} (untrained {untrained})")
    assert score >= floor, (metric, score)
