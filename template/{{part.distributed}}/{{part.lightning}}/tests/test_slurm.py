"""deploy/slurm/train.sbatch on a real Slurm cluster: one node on 127.0.0.1 (Debian's slurm-wlm and munge, and
slurmdbd with MariaDB for sacct when installed), started by the fixture and skipped with the reason where it
cannot start. A 2-task DDP job runs to completion; a job signalled before its time limit is requeued and resumes."""

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
import torch
from conftest import QUICK, ROOT
from test_distributed import BATCH, check_run_files
from test_scripts import ENV

pytestmark = pytest.mark.slow

# What the script's #SBATCH lines ask of a GPU cluster, scaled to this node: 2 tasks of 1 CPU, no GPU.
ON_THIS_NODE = ["--nodes=1", "--ntasks-per-node=2", "--gpus-per-node=0", "--cpus-per-task=1", "--time=20"]
TRAIN = ["trainer.accelerator=cpu", *QUICK, f"data.batch_size={BATCH}"]


@pytest.fixture(scope="module")
def slurm():
    from slurm_cluster import SlurmUnavailable, skip_reason, start_cluster, stop_cluster

    if reason := skip_reason():
        pytest.skip(reason)
    workdir = Path(tempfile.mkdtemp(prefix="slurm-"))  # short: the munge socket path must fit 108 bytes
    try:
        info = start_cluster(workdir, accounting=skip_reason(accounting=True) is None)
    except SlurmUnavailable as error:
        pytest.skip(str(error))
    print(info.run("sinfo").stdout)  # the cluster, in pytest -s output
    yield info
    stop_cluster(info)
    shutil.rmtree(workdir, ignore_errors=True)


def sbatch(slurm, *args: str) -> str:
    env = {**slurm.env, "PYTHONPATH": ENV["PYTHONPATH"], "OMP_NUM_THREADS": "1",
           "PATH": f"{Path(sys.executable).parent}:{slurm.env['PATH']}"}  # the job's python is this one
    result = slurm.run("sbatch", "--parsable", f"--partition={slurm.partition}", *args, cwd=ROOT, env=env)
    return result.stdout.strip().split(";")[0]


def outcome(slurm, job: str) -> tuple[str, Path]:
    state = slurm.wait_job(job, timeout=900)
    return state, ROOT / f"slurm-{job}.out"


def test_sbatch_runs_a_two_task_ddp_training(slurm):
    job = sbatch(slurm, *ON_THIS_NODE, "deploy/slurm/train.sbatch", *TRAIN, "trainer.max_epochs=2")
    state, output = outcome(slurm, job)
    run_dir = ROOT / "outputs" / "runs" / f"slurm-{job}"
    try:
        assert state == "COMPLETED", output.read_text()[-3000:]
        check_run_files(run_dir)  # two ranks, half the batches each, rank zero's files
        assert (run_dir / "train.log").is_file() and (run_dir / "train_rank1.log").is_file()  # a log per rank
        if slurm.accounting:
            states = {row["JobID"]: row["State"] for row in slurm.sacct(job)}
            print(f"sacct {job}: {states}; run files: {sorted(p.name for p in run_dir.rglob('*'))}")
            assert states[job] == "COMPLETED" and all(s == "COMPLETED" for s in states.values())
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        output.unlink(missing_ok=True)


def test_a_job_signalled_before_its_time_limit_is_requeued_and_resumes(slurm):
    """USR1 is what --signal=SIGUSR1@90 sends before the limit: Lightning saves hpc_ckpt_1.ckpt and requeues the
    job; it starts again in the same run directory and resumes from that checkpoint, not from scratch."""
    job = sbatch(slurm, *ON_THIS_NODE, "deploy/slurm/train.sbatch", *TRAIN, "trainer.max_epochs=6",
                 "trainer.limit_train_batches=4", "trainer.limit_val_batches=1")
    run_dir = ROOT / "outputs" / "runs" / f"slurm-{job}"
    try:
        deadline = time.monotonic() + 600
        while not (run_dir / "checkpoints" / "last.ckpt").is_file():  # epoch 0 is saved: the run is under way
            assert time.monotonic() < deadline and slurm.job_state(job) in ("PENDING", "RUNNING", "CONFIGURING")
            time.sleep(0.5)
        slurm.run("scancel", "--signal=USR1", job)  # to the job's steps: the training processes
        state, output = outcome(slurm, job)
        text = output.read_text()
        assert state == "COMPLETED", text[-3000:]
        restarts = re.search(r"Restarts=(\d+)", slurm.run("scontrol", "show", "job", job).stdout)
        assert restarts and int(restarts.group(1)) == 1, text[-3000:]
        print(f"job {job}: {state} after {restarts.group(0)}; run files: {sorted(p.name for p in run_dir.rglob('*'))}")
        assert re.search(r"Restoring states from the checkpoint path at \S*hpc_ckpt_\d+\.ckpt", text), text[-3000:]
        assert torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=False)["epoch"] == 5
        assert text.count("Config:") == 2  # both runs in one output file (--open-mode=append)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        (ROOT / f"slurm-{job}.out").unlink(missing_ok=True)


def test_a_warning_while_the_job_starts_is_held_until_the_first_batch(slurm):
    """Slurm may send --signal=USR1@N up to a minute early, so a short job can get it while Python still imports
    torch; SIGUSR1's default action would end the job. Sent right after the job step started: held by the script's
    first import (runs/slurm_warning.py), acted on at the first batch: saved, requeued, resumed, completed."""
    job = sbatch(slurm, *ON_THIS_NODE, "deploy/slurm/train.sbatch", *TRAIN, "trainer.max_epochs=2",
                 "trainer.limit_train_batches=4", "trainer.limit_val_batches=1")
    run_dir = ROOT / "outputs" / "runs" / f"slurm-{job}"
    try:
        deadline = time.monotonic() + 600
        while f"{job}.0" not in slurm.run("squeue", "-h", "-s", "-j", job, "-o", "%i", check=False).stdout:
            assert time.monotonic() < deadline and slurm.job_state(job) in ("PENDING", "RUNNING", "CONFIGURING")
            time.sleep(0.2)
        time.sleep(1)  # the tasks are Python by now, importing (several seconds), not yet training
        slurm.run("scancel", "--signal=USR1", job)
        state, output = outcome(slurm, job)
        text = output.read_text()
        assert state == "COMPLETED", text[-3000:]
        assert "SIGUSR1 arrived while the job started" in text, text[-3000:]
        assert re.search(r"Restoring states from the checkpoint path at \S*hpc_ckpt_\d+\.ckpt", text), text[-3000:]
        assert torch.load(run_dir / "checkpoints" / "last.ckpt", weights_only=False)["epoch"] == 1
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
        (ROOT / f"slurm-{job}.out").unlink(missing_ok=True)


ENDED = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL")


def test_a_job_reaching_its_time_limit_is_warned_by_slurm_itself_requeued_and_resumes(slurm):
    """The path users hit, with no signal sent by hand: --time and --signal=USR1@N, and Slurm's own timer signals
    the training steps N s before the limit (its check runs every 30 s or so: up to a minute early). Lightning
    saves hpc_ckpt_<n>.ckpt and requeues; the job starts again and resumes from it. Every restart meets the same
    short limit again, so the test ends the job once a resumed run is under way."""
    limit = [option for option in ON_THIS_NODE if not option.startswith("--time")]
    job = sbatch(slurm, *limit, "--time=2", "--signal=USR1@90", "deploy/slurm/train.sbatch", *TRAIN,
                 "trainer.max_epochs=1000", "callbacks.early_stopping.patience=1000", "trainer.limit_train_batches=4",
                 "trainer.limit_val_batches=1")
    run_dir, output = ROOT / "outputs" / "runs" / f"slurm-{job}", ROOT / f"slurm-{job}.out"
    resumed = re.compile(r"Restoring states from the checkpoint path at \S*hpc_ckpt_\d+\.ckpt")
    try:
        deadline = time.monotonic() + 420
        while not (output.is_file() and resumed.search(output.read_text())):
            assert time.monotonic() < deadline, output.read_text()[-3000:] if output.is_file() else "no output"
            state = slurm.job_state(job)  # a warned job is requeued, never ended (TIMEOUT: killed at its limit)
            assert state not in ENDED, f"{state}: {output.read_text()[-3000:] if output.is_file() else ''}"
            time.sleep(1)
        restarts = re.search(r"Restarts=(\d+)", slurm.run("scontrol", "show", "job", job).stdout)
        print(f"job {job}: {restarts.group(0)}; checkpoints: {sorted(p.name for p in run_dir.rglob('*.ckpt'))}")
        assert restarts and int(restarts.group(1)) >= 1
    finally:
        slurm.run("scancel", job, check=False)
        slurm.wait_job(job, timeout=120)
        shutil.rmtree(run_dir, ignore_errors=True)
        output.unlink(missing_ok=True)
