"""Real multi-process training on the CPU (Gloo): Lightning's own DDP launcher and torchrun, as users start them."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import torch
from conftest import BATCH, CLASSES, METRIC, QUICK, ROOT, TRAIN_IMAGES
from test_scripts import ENV, run

pytestmark = pytest.mark.slow

# The project's quick model and data (conftest.QUICK); the last partial batch is dropped. Everything else is what
# a user gets: the progress bar, the model summary, the default logger and callbacks (a progress bar that reduced
# metrics on rank zero alone once deadlocked segmentation runs; a test that turned it off never saw it).
QUICK = [*QUICK, f"data.batch_size={BATCH}", "trainer.max_epochs=2"]
ONE_PROCESS_IMAGES = TRAIN_IMAGES // BATCH * BATCH
PER_RANK_IMAGES = -(-TRAIN_IMAGES // 2) // BATCH * BATCH  # DistributedSampler: half the images each, then whole batches


def _images_per_rank(run_dir) -> dict[tuple[int, int], int]:
    """(rank, epoch) -> training images, from every process's log lines."""
    text = "".join(path.read_text() for path in run_dir.glob("*.log"))
    found = re.findall(r"rank (\d+)/2: (\d+) training images in epoch (\d+)", text)
    return {(int(rank), int(epoch)): int(images) for rank, images, epoch in found}


def check_run_files(run_dir) -> None:
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["world_size"] == 2 and metrics["epochs"] == 2, metrics
    assert 0 <= metrics[f"val/{METRIC}"] <= 1 and 0 <= metrics[f"test/{METRIC}"] <= 1
    assert json.loads((run_dir / "preprocess.json").read_text())["classes"] == CLASSES
    assert (run_dir / "config.yaml").read_text().count("strategy: ddp") == 1
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == ["best.ckpt", "last.ckpt"]
    last = torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=False)
    assert last["epoch"] == 1 and last["global_step"] == 2 * PER_RANK_IMAGES // BATCH  # half the steps of one process
    assert _images_per_rank(run_dir) == {(rank, epoch): PER_RANK_IMAGES for rank in (0, 1) for epoch in (0, 1)}
    assert PER_RANK_IMAGES < ONE_PROCESS_IMAGES


def test_trainer_ddp_runs_two_processes_on_cpu(tmp_path):
    result = run("scripts/train.py", "trainer=ddp", "trainer.accelerator=cpu", "trainer.devices=2", *QUICK,
                 f"hydra.run.dir={tmp_path}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "needs CUDA; running without it" in result.stdout  # SyncBatchNorm skipped, said
    assert result.stdout.count("Config:") == 1  # the config is printed by rank zero only
    check_run_files(tmp_path)
    assert (tmp_path / "train_ddp_process_1.log").is_file()  # the second process ran the same script


def test_torchrun_starts_the_same_training(tmp_path):
    result = run("-m", "torch.distributed.run", "--nnodes=1", "--nproc_per_node=2", "scripts/train.py",
                 "trainer=ddp", "trainer.accelerator=cpu", "trainer.devices=2", *QUICK, f"hydra.run.dir={tmp_path}")
    assert result.returncode == 0, result.stderr[-3000:]
    check_run_files(tmp_path)


def test_slurm_script_runs_under_srun(tmp_path):
    """deploy/slurm/train.sbatch, run by bash with a stand-in ``srun`` that starts one copy per task and sets
    the variables real srun sets: Lightning's SLURM environment takes it from there. Where a real Slurm cluster
    can start, test_slurm.py runs the script on it instead."""
    from slurm_cluster import skip_reason

    if skip_reason() is None:
        pytest.skip("test_slurm.py runs the script on a real Slurm cluster here")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    scripts = {
        "python": f'#!/bin/sh\nexec "{sys.executable}" "$@"\n',
        "srun": '#!/bin/bash\npids=()\nfor ((i=0; i<SLURM_NTASKS; i++)); do SLURM_PROCID=$i SLURM_LOCALID=$i "$@" & '
                'pids+=($!); done\nstatus=0; for p in "${pids[@]}"; do wait "$p" || status=1; done; exit $status\n',
    }
    for name, text in scripts.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    slurm = {"SLURM_NTASKS": "2", "SLURM_NTASKS_PER_NODE": "2", "SLURM_NNODES": "1", "SLURM_NODEID": "0",
             "SLURM_JOB_ID": "4242", "SLURM_JOB_NAME": "train", "SLURM_NODELIST": "127.0.0.1"}
    env = {**ENV, **slurm, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", "deploy/slurm/train.sbatch", "trainer.accelerator=cpu", *QUICK],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    run_dir = ROOT / "outputs" / "runs" / "slurm-4242"
    try:
        check_run_files(run_dir)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
