"""The command lines a user types, run as subprocesses."""

import json
import os
import subprocess
import sys

import pytest
import torch
from conftest import METRIC, QUICK, ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)


def test_train_script_runs_and_prints_its_run_directory(tmp_path):
    result = run("scripts/train.py", "trainer=debug", "logger=csv", *QUICK,
                 f"hydra.run.dir={tmp_path}")
    assert result.returncode == 0, result.stderr
    assert f"Run directory: {tmp_path}" in result.stdout
    assert f"val/{METRIC}" in json.loads((tmp_path / "metrics.json").read_text())


def test_eval_with_a_missing_checkpoint_is_one_clear_line(tmp_path):
    result = run("scripts/eval.py", f"ckpt_path={tmp_path}/nothing.ckpt")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: ckpt_path={tmp_path}/nothing.ckpt does not exist; "
                                                  "pass a .ckpt file from <run_dir>/checkpoints/"]


def test_check_env_reports_the_framework():
    result = run("scripts/check_env.py", "--hardware", "cpu")
    assert result.returncode == 0 and torch.__version__ in result.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_check_env_fails_with_a_hint_when_the_gpu_is_missing():
    result = run("scripts/check_env.py", "--hardware", "gpu")
    assert result.returncode == 1 and "requirements-gpu.txt" in result.stderr
