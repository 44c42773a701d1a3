"""A search's trials as Slurm jobs, through Hydra's submitit launcher, on the real single-node cluster of
test_slurm.py: 4 trials, 4 jobs, one study, every job's state from sacct when accounting runs."""

import subprocess
import sys
from pathlib import Path

import optuna
import pytest
import yaml
from conftest import ROOT
from test_scripts import ENV
from test_search import QUICK, SEARCH, STUDY
from test_slurm import slurm  # noqa: F401  (the cluster fixture)

pytestmark = pytest.mark.slow


def test_a_search_sends_each_trial_to_slurm_as_a_job(slurm, tmp_path):  # noqa: F811
    storage = tmp_path / "study.journal"  # on the file system the jobs share (here: this machine's)
    args = ["scripts/train.py", "-m", f"hparams_search={SEARCH}", *QUICK, "hydra/launcher=submitit_slurm",
            f"hydra.launcher.partition={slurm.partition}", "hydra.launcher.timeout_min=20",
            "hydra.launcher.cpus_per_task=1", "hydra.launcher.mem_gb=null", "hydra.sweeper.n_trials=4",
            "hydra.sweeper.n_jobs=4", f"hydra.sweeper.storage={storage}", f"hydra.sweep.dir={tmp_path / 'sweep'}",
            f"paths.output_dir={tmp_path / 'outputs'}"]
    env = {**ENV, **slurm.env, "PYTHONPATH": ENV["PYTHONPATH"], "OMP_NUM_THREADS": "1",
           "PATH": f"{Path(sys.executable).parent}:{slurm.env['PATH']}"}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=1200)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]

    study = optuna.load_study(study_name=STUDY, storage=optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(storage))))
    assert sorted(t.number for t in study.trials) == [0, 1, 2, 3]
    tasks = sorted(path.name for path in (tmp_path / "sweep" / ".submitit").iterdir()
                   if path.is_dir() and "_" in path.name and path.name[0].isdigit())  # <job>_<array task>
    print(f"Slurm jobs of the 4 trials: {tasks}")
    assert len(tasks) == 4  # one job (an array task) per trial
    jobs = sorted({task.split("_")[0] for task in tasks})
    results = yaml.safe_load((tmp_path / "outputs" / "hparams_search" / STUDY / "optimization_results.yaml")
                             .read_text())
    assert sum(results["trials"].values()) == 4
    if slurm.accounting:
        states = [row["State"] for job in jobs for row in slurm.sacct(job) if "." not in row["JobID"]]
        print(f"sacct: {states}")
        assert states and all(state == "COMPLETED" for state in states)
