"""Mistakes a new user makes, counted: `scaffold new` / `scaffold update` with bad input, and `scripts/train.py`
(and eval/export) of a resnet-cpu project with bad config values. Each case is run as a user runs it and
classified:

- clean: exit code not 0, one line on stderr, no traceback, nothing left behind (no project, no run dir);
- weak:  refused, no traceback, nothing left behind, but more than one line to read;
- bad:   accepted (exit 0), or a traceback, or something left behind.

    python bench/bad_inputs.py [config]   # prints each case's class and the counts; saves bench/results/
                                          # (config: only the config cases)
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import REPO, report

SCAFFOLD = [sys.executable, "-c", "from scaffolder.cli import app; app()"]
QUESTIONS_WITH_CHOICES = {
    "framework": ["tensorflow", "", "PyTorch", "1"],
    "task": ["keypoints", "", "Detection", "[detection]"],
    "hardware": ["tpu", "", "GPU"],
    "model": ["resnet9000", "", "yolov8n"],  # yolov8n: a detection model for a classification project
    "dataset": ["imagenet22k", "", "coco"],
    "python_version": ["2.7", "3.99", "", "three"],
    "tracking": ["comet", "", "mlflow,wandb"],
}
BOOLEANS = ["serving", "search", "distributed", "memory", "data_tools", "report", "ci"]
PACKAGE_NAMES = ["paddle", "numpy", "torch", "torchvision", "os", "sys", "json", "__init__", "__main__", "1abc",
                 "my-package", "class", "import", "Über", "a" * 300, "tests", "configs", "my package", "", "_"]
PROJECT_NAMES = ["", "   ", "a/b", "../escape", "line\nbreak", "x" * 300]


def scaffold_cases(work: Path) -> list[tuple[str, list[str], Path]]:
    """(name, arguments, destination that must not exist afterwards)."""
    dest = work / "proj"
    cases = []
    for key, values in QUESTIONS_WITH_CHOICES.items():
        cases += [(f"-d {key}={value!r}", ["new", str(dest), "--preset", "resnet-cpu", "-d", f"{key}={value}"], dest)
                  for value in values]
    for key in BOOLEANS:
        cases += [(f"-d {key}={value!r}", ["new", str(dest), "--preset", "resnet-cpu", "-d", f"{key}={value}"], dest)
                  for value in ("maybe", "", "[1", "a: b: c", "2")]
    cases += [(f"-d package_name={name[:20]!r}", ["new", str(dest), "--preset", "resnet-cpu", "-d",
                                                  f"package_name={name}"], dest) for name in PACKAGE_NAMES]
    cases += [(f"-d project_name={name[:20]!r}", ["new", str(dest), "--preset", "resnet-cpu", "-d",
                                                  f"project_name={name}"], dest) for name in PROJECT_NAMES]
    cases += [(f"--preset {preset!r}", ["new", str(dest), "--preset", preset], dest)
              for preset in ("", "nope", "../README", "RESNET-CPU", "resnet-cpu.yml", "yolo cpu")]
    cases += [
        ("combination paddle + detection", ["new", str(dest), "-d", "framework=paddle", "-d", "task=detection"], dest),
        ("combination ultralytics + semantic seg", ["new", str(dest), "-d", "framework=ultralytics", "-d",
                                                    "task=segmentation"], dest),
        ("combination paddle + mlflow", ["new", str(dest), "--preset", "paddle-cpu", "-d", "tracking=mlflow"], dest),
        ("preset yolo-cpu + framework=paddle", ["new", str(dest), "--preset", "yolo-cpu", "-d", "framework=paddle"],
         dest),
        ("--preset A -d preset=B", ["new", str(dest), "--preset", "resnet-cpu", "-d", "preset=yolo-cpu"], dest),
        ("-d without =", ["new", str(dest), "--preset", "resnet-cpu", "-d", "framework"], dest),
        ("-d unknown question", ["new", str(dest), "--preset", "resnet-cpu", "-d", "framwork=paddle"], dest),
        ("-d =value", ["new", str(dest), "--preset", "resnet-cpu", "-d", "=paddle"], dest),
        ("empty destination", ["new", "", "--preset", "resnet-cpu"], dest),
        ("destination under a file", ["new", str(work / "a-file" / "proj"), "--preset", "resnet-cpu"],
         work / "a-file" / "proj"),
        ("destination is a file", ["new", str(work / "a-file"), "--preset", "resnet-cpu"], work / "nothing"),
        ("destination not empty", ["new", str(work / "full"), "--preset", "resnet-cpu"], work / "nothing"),
        ("destination name too long", ["new", str(work / ("n" * 300)), "--preset", "resnet-cpu"], work / ("n" * 9)),
        ("destination in /proc", ["new", "/proc/proj", "--preset", "resnet-cpu"], Path("/proc/proj")),
        ("--template missing", ["new", str(dest), "--template", str(work / "nope")], dest),
        ("--template without copier.yml", ["new", str(dest), "--template", str(work / "full")], dest),
        ("--template with a broken copier.yml", ["new", str(dest), "--template", str(work / "broken")], dest),
        ("--vcs-ref unknown", ["new", str(dest), "--preset", "resnet-cpu", "--vcs-ref", "v99.0"], dest),
        ("no destination", ["new", "--preset", "resnet-cpu"], dest),
        ("unknown option", ["new", str(dest), "--presets", "resnet-cpu"], dest),
        ("update outside a project", ["update", str(work / "full")], work / "nothing"),
        ("update of a missing directory", ["update", str(work / "missing")], work / "missing"),
        ("update -d unknown choice", ["update", str(work / "full"), "-d", "framework=tensorflow"], work / "nothing"),
        ("update --to unknown", ["update", str(work / "full"), "--to", "v99"], work / "nothing"),
        ("presets --template missing", ["presets", "--template", str(work / "nope")], work / "nothing"),
    ]
    return cases


def prepare(work: Path) -> None:
    (work / "a-file").write_text("x")
    (work / "full").mkdir()
    (work / "full" / "notes.txt").write_text("mine")
    (work / "broken").mkdir()
    (work / "broken" / "copier.yml").write_text("framework: [unclosed\n")


def classify(result: subprocess.CompletedProcess, leftover: bool) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode == 0 or "Traceback" in result.stderr + result.stdout or leftover:
        return "bad"
    return "clean" if len(lines) == 1 else "weak"


def config_cases(project: Path, work: Path) -> list[tuple[str, list[str]]]:
    train = ["scripts/train.py", "experiment=digits_quick", "trainer.max_epochs=1"]
    bad = {
        "model": ["nope", "resnet9000"], "data": ["nope"], "trainer": ["nope"], "logger": ["nope"],
        "callbacks": ["nope"], "experiment": ["nope"],
        "trainer.max_epochs": ["-1", "0", "abc", "1.5"], "data.batch_size": ["0", "-1", "abc", "1e12"],
        "model.optimizer.lr": ["fast", "-1", "nan", "inf"],  # 0 is accepted by design (training/rules.py)
        "model.optimizer.weight_decay": ["-1", "abc"],
        "data.root": ["null", "/nonexistent/data"], "paths.data_dir": ["/proc/data", "''"],
        "trainer.accelerator": ["gpu", "tpu", "cuda:0"], "trainer.devices": ["0", "-2", "abc", "99"],
        "trainer.precision": ["8", "abc"], "seed": ["abc"], "data.num_workers": ["-1", "abc"],
        "ckpt_path": ["/nonexistent.ckpt", str(work / "corrupt.ckpt"), "last", str(work)],
        "trainer.max_epoch": ["3"], "model.optimiser.lr": ["0.1"], "data.batchsize": ["32"],
        "trainer.limit_train_batches": ["-1", "abc"], "hydra.run.dir": ["/proc/run"],
    }
    # the data folders matter to a dataset that reads them (digits ships with scikit-learn)
    folder = {"data.root": ["data=imagefolder"], "paths.data_dir": ["data=imagefolder"]}
    cases = [(f"train {key}={value}", [*train, *folder.get(key, []), f"{key}={value}"])
             for key, values in bad.items() for value in values]
    cases += [
        ("eval without ckpt_path", ["scripts/eval.py"]),
        ("eval ckpt_path missing", ["scripts/eval.py", "ckpt_path=/nonexistent.ckpt"]),
        ("eval ckpt_path corrupt", ["scripts/eval.py", f"ckpt_path={work / 'corrupt.ckpt'}"]),
        ("export format=nope", ["scripts/export.py", "format=nope", f"ckpt_path={work / 'corrupt.ckpt'}"]),
        ("export without ckpt_path", ["scripts/export.py", "format=onnx"]),
        ("train with a positional word", [*train, "fast"]),
        ("train with a broken override", [*train, "trainer.max_epochs="]),
        ("train with a broken list", [*train, "tags=[a,"]),
    ]
    return cases


def main() -> None:
    rows, work = [], Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    prepare(work)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for name, args, dest in scaffold_cases(work) if "config" not in sys.argv[1:] else []:
        result = subprocess.run([*SCAFFOLD, *args, "--vcs-ref", "HEAD"] if args[0] == "new" and "--vcs-ref" not in
                                args and "--template" not in args else [*SCAFFOLD, *args],
                                cwd=work, env=env, capture_output=True, text=True, timeout=300)
        leftover = dest.exists() and dest != work / "nothing"
        rows.append(["scaffold", name, classify(result, leftover), result.returncode,
                     (result.stderr.strip().splitlines() or [""])[-1][:110]])
        shutil.rmtree(dest, ignore_errors=True)
        print(rows[-1], flush=True)
    project = work / "resnet"
    subprocess.run([*SCAFFOLD, "new", str(project), "--preset", "resnet-cpu", "--vcs-ref", "HEAD"], env=env,
                   check=True, capture_output=True)
    (work / "corrupt.ckpt").write_bytes(b"PK\x03\x04 not a checkpoint")
    penv = {**os.environ, "PYTHONPATH": str(project / "src")}
    for name, args in config_cases(project, work)[int(os.environ.get("FROM_CASE", 0)):]:  # FROM_CASE: resume
        run_dir = work / "run"
        training = args[0] == "scripts/train.py"  # eval and export write into ".", not into a run dir of their own
        has_run_dir = any(arg.startswith("hydra.run.dir=") for arg in args)
        command = [sys.executable, *args] + ([f"hydra.run.dir={run_dir}"] if training and not has_run_dir else [])
        before = set(project.rglob("*"))
        try:
            result = subprocess.run(command, cwd=project, env=penv, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:  # a mistake that makes a run that never ends: bad
            result = subprocess.CompletedProcess(command, 0, "", "(still running after 300 s)")
        leftover = run_dir.exists() if training else bool(set(project.rglob("*")) - before)
        rows.append(["config", name, classify(result, leftover), result.returncode,
                     (result.stderr.strip().splitlines() or [""])[-1][:110]])
        shutil.rmtree(run_dir, ignore_errors=True)
        print(rows[-1], flush=True)
    for kind in ("scaffold", "config"):
        classes = [row[2] for row in rows if row[0] == kind]
        counts = ", ".join(f"{name} {classes.count(name)}" for name in ("clean", "weak", "bad"))
        print(f"{kind}: {len(classes)} cases: {counts}")
    report("bad_inputs", ["kind", "case", "class", "exit", "last line"], rows)


if __name__ == "__main__":
    main()
