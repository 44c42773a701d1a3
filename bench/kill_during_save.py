"""Kills during checkpoint writes, per engine, with TMPDIR on another file system (a tmpfs), as on a cluster
where /tmp is node-local and outputs are on shared storage.

Each round starts (or resumes, ckpt_path=last) a short training whose checkpoints are large enough to take a
moment to write, and sends SIGKILL while one of its first four checkpoint writes is under way (which one, and
how far into it, drawn at random with a fixed seed). Afterwards: does every
checkpoint load, is anything left in TMPDIR, and after the next start, in the checkpoint folder? The last round
resumes to the end. Prints a table; writes bench/results/kill_during_save.json.

    .venv/bin/python bench/kill_during_save.py [--rounds 10]
"""

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import render, report

ENGINES = {  # preset, training overrides, where checkpoints are written, checkpoint names, loader
    "lightning": ("resnet-cpu", ["model=resnet18", "data=digits", "trainer.limit_train_batches=2",
                                 "trainer.limit_val_batches=1", "test=false", "callbacks.precise_bn=null"],
                  "checkpoints", "*.ckpt", "torch"),
    "paddle": ("paddle-cpu", ["model=resnet18", "data=digits", "trainer.limit_train_batches=2",
                              "trainer.limit_val_batches=1", "test=false", "callbacks.precise_bn=null"],
               "checkpoints", "*.ckpt", "paddle"),
    "ultralytics": ("yolo-cpu", ["experiment=shapes_quick", "model=yolov8s", "data.num_train=16", "data.num_val=4",
                                 "trainer.val=false"], "weights", "*.pt", "torch"),
}


def loads(path: Path, loader: str) -> bool:
    code = ("import torch; torch.load(r'{0}', weights_only=False)" if loader == "torch"
            else "import paddle; paddle.load(r'{0}')").format(path)
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def one_engine(name: str, rounds: int) -> list:
    preset, overrides, folder, pattern, loader = ENGINES[name]
    project = render(preset, serving=False, search=False, memory=False, data_tools=False, ci=False)
    tmpdir = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    run_dir = project / "outputs" / "runs" / "killed"
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "TMPDIR": str(tmpdir), "OMP_NUM_THREADS": "2"}
    args = [sys.executable, "scripts/train.py", *overrides, f"trainer.max_epochs={rounds + 2}", "trainer=cpu",
            f"hydra.run.dir={run_dir}"]
    hits = whole = orphans_tmp = orphans_run = 0
    chance = random.Random(0)
    for _ in range(rounds):
        resume = ["ckpt_path=last"] if any((run_dir / folder).glob("last*")) else []
        proc = subprocess.Popen([*args, *resume], cwd=project, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        skip, writing, hit = chance.randint(0, 3), False, False  # killed during write number skip + 1
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            now_writing = any((run_dir / folder).glob(".*.partial"))
            if now_writing and not writing:
                if skip == 0:
                    time.sleep(chance.uniform(0, 0.05))  # somewhere in the write, not at its first byte
                    proc.send_signal(signal.SIGKILL)
                    hit = True
                    break
                skip -= 1
            writing = now_writing
            time.sleep(0.001)
        proc.wait()
        hits += hit
        whole += all(loads(path, loader) for path in (run_dir / folder).glob(pattern))
        orphans_tmp += sum(1 for path in tmpdir.iterdir() if path.is_file())
    resume = ["ckpt_path=last"] if any((run_dir / folder).glob("last*")) else []
    result = subprocess.run([*args, *resume], cwd=project, env=env, capture_output=True, text=True)
    orphans_run = sum(1 for _ in (run_dir / folder).glob(".*.partial")) if (run_dir / folder).is_dir() else 0
    shutil.rmtree(tmpdir, ignore_errors=True)
    shutil.rmtree(project.parent, ignore_errors=True)
    return [name, rounds, hits, f"{whole}/{rounds}", orphans_tmp, orphans_run, "yes" if result.returncode == 0 else
            f"no ({result.stderr.strip().splitlines()[-1][:60] if result.stderr.strip() else result.returncode})"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--engines", nargs="*", default=list(ENGINES))
    options = parser.parse_args()
    rows = [one_engine(name, options.rounds) for name in options.engines]
    report("kill_during_save", ["engine", "kills", "during a write", "all checkpoints load", "files left in TMPDIR",
                                "partial files after restart", "resumed to the end"], rows)


if __name__ == "__main__":
    main()
