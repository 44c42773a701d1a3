"""The command lines a user types, run as subprocesses."""

import json
import os
import re
import subprocess
import sys

import pytest
import torch
from conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)


def test_train_script_writes_metrics_and_checkpoints_into_the_hydra_run_dir(tmp_path):
    """A tiny one-epoch run from another directory: everything lands in the run dir and the data dir."""
    run_dir = tmp_path / "run"
    env = {key: value for key, value in ENV.items() if not key.startswith("YOLO_")}  # the project's own defaults
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/train.py"), "data=shapes", "trainer=cpu", "trainer.max_epochs=1",
         "data.num_train=8", "data.num_val=4", f"paths.data_dir={tmp_path}/data", f"hydra.run.dir={run_dir}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Run directory: {run_dir}" in result.stdout
    assert {"precision", "recall", "mAP50", "mAP50-95"} <= set(json.loads((run_dir / "metrics.json").read_text()))
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["best.pt", "last.pt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "outputs", "run"]  # no global runs/ folder
    settings = tmp_path / "outputs" / ".ultralytics" / "Ultralytics"  # Ultralytics' settings, inside the project
    assert (settings / "settings.json").is_file() and (settings / "Arial.ttf").is_file()
    assert (run_dir / "labels.jpg").is_file()  # plots drawn with the local font
    assert not re.search(r"(?i)downloading|pip install", result.stdout + result.stderr)


def test_eval_with_a_missing_checkpoint_is_one_clear_line(tmp_path):
    result = run("scripts/eval.py", f"ckpt_path={tmp_path}/nothing.pt")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (f"error: ckpt_path={tmp_path}/nothing.pt does not exist; "
                                                      "pass a .pt file from <run_dir>/checkpoints/")


def test_predict_with_a_missing_checkpoint_is_one_clear_line(tmp_path):
    result = run("scripts/predict.py", f"ckpt_path={tmp_path}/nothing.pt", f"source={tmp_path}")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: ckpt_path={tmp_path}/nothing.pt does not exist")


def test_predict_with_no_source_or_a_torn_checkpoint_is_one_clear_line(tmp_path):
    result = run("scripts/predict.py", f"ckpt_path={tmp_path}/nothing.pt")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "error: source is required (??? in the config); set it, e.g. " \
                                                     "source=path/to/images"
    torn = tmp_path / "best.pt"
    torn.write_bytes(b"PK\x03\x04" + bytes(2048))
    result = run("scripts/predict.py", f"ckpt_path={torn}", f"source={tmp_path}")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: ckpt_path={torn} is not a whole checkpoint")


def test_check_env_reports_the_framework():
    result = run("scripts/check_env.py", "--hardware", "cpu")
    assert result.returncode == 0 and torch.__version__ in result.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_check_env_fails_with_a_hint_when_the_gpu_is_missing():
    result = run("scripts/check_env.py", "--hardware", "gpu")
    assert result.returncode == 1 and "requirements-gpu.txt" in result.stderr


@pytest.mark.parametrize("dockerfile", ["deploy/cpu/Dockerfile", "deploy/gpu/Dockerfile"])
def test_dockerfile_copies_files_that_exist_and_installs_opencv_libraries(dockerfile):
    text = (ROOT / dockerfile).read_text()
    sources = [src for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M) for src in line.split()[:-1]]
    assert sources and all((ROOT / src).exists() for src in sources), sources
    script = re.search(r'^CMD \["python", "(scripts/\w+\.py)"', text, re.M).group(1)
    assert (ROOT / script).is_file()
    assert "libgl1" in text and "libglib2.0-0" in text  # OpenCV's system libraries
