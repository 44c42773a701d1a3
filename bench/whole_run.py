"""Whole-process wall time: the generated project's `scripts/train.py` vs a plain hand-written run, end to end.

    python bench/whole_run.py [--pair lightning|paddle|yolo|segmentation|all] [--runs 3] [--epochs 2] [--warmup 1]

What a user feels: each side is one process, timed from start to exit (interpreter start, imports,
config, data, training, validation, checkpoints, test, metrics file). Pairs, each on CPU:
lightning: the resnet-cpu project (`model=resnet18 data=digits trainer=cpu`) vs
bench/plain/lightning_digits.py (plain PyTorch); paddle: the paddle-cpu project (same overrides) vs
bench/plain/paddle_digits.py (plain dygraph loop); yolo: the yolo-cpu project
(`experiment=shapes_quick trainer=cpu tracking=csv`) vs the `yolo detect train` CLI with the
Ultralytics arguments the project passes, on the same generated shapes files; segmentation: the seg-cpu
project (`experiment=shapes_quick`, LR-ASPP on the shapes with masks) vs
bench/plain/torch_shapes_seg.py (plain PyTorch, the same data, recipe and checkpoints). Each project is
rendered once, each side warmed up once untimed, then runs are interleaved (ours, plain, ours, ...);
the table gives median seconds, the ratio ours/plain (1.0 = no overhead) and the score each side
reached (val/acc, mAP50 for yolo, val/miou for segmentation), so both visibly did the same work.
Ours runs with the settings a user gets (the default logger, TensorBoard; the progress bar; default callbacks),
not kinder ones. `--no-precise-bn` leaves the PreciseBatchNorm pass out of both sides
(`callbacks.precise_bn=null`, `--precise-bn=0`), as issue 24's equal-work pair did; `--ours OVERRIDE` adds
overrides to our side only (`--ours callbacks.run_report=null`: no run report, which the plain scripts do not write).
"""

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from common import REPO, render, report

PLAIN = REPO / "bench" / "plain"
PRESETS = {"lightning": "resnet-cpu", "paddle": "paddle-cpu", "yolo": "yolo-cpu", "segmentation": "seg-cpu"}
CLASSIFY = ("model=resnet18", "data=digits", "trainer=cpu")
# In the YOLO project, as its train() does before fitting: generate the shapes files and data.yaml, set up
# Ultralytics' offline config dir (yolo_env), and print the Ultralytics arguments the project maps from its config.
YOLO_PREPARE = """
import json, sys
from pathlib import Path
import hydra
from hydra import compose, initialize_config_dir
import {package}.models.yolo_env
from {package}.training.arguments import train_args
with initialize_config_dir(str(Path("configs").resolve()), version_base="1.3"):
    cfg = compose("config", overrides=sys.argv[1:])
data = hydra.utils.instantiate(cfg.data)
data.prepare_data()
args = train_args(cfg, data, Path("outputs/plain"))
print(json.dumps({{"data": str(data.data_yaml.resolve()), "model": cfg.model.architecture, **args}}))
"""


@dataclass
class Pair:
    """Commands for a run directory `out`, and how to read each side's score from it."""

    ours: Callable[[Path], list[str]]
    plain: Callable[[Path], list[str]]
    plain_env: dict
    ours_score: Callable[[Path], float]
    plain_score: Callable[[Path], float]
    score: str


def run(command: list[str], cwd: Path, env: dict) -> float:
    """Wall time of the whole command; its output is kept only to show when it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{(done.stdout + done.stderr)[-3000:]}")
    return seconds


def project_env(project: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(project / "src")}  # as after `pip install -e .`


def plain_env() -> dict:
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def json_score(key: str):
    return lambda out: json.loads((out / "metrics.json").read_text())[key]


def csv_score(out: Path) -> float:
    """The last row of Ultralytics' results.csv (the final epoch, which validates even with val=False)."""
    rows = list(csv.DictReader((out / "results.csv").open()))
    return float(rows[-1]["metrics/mAP50(B)"])


def precise_bn_batches(project: Path) -> int:
    """`num_batches` of the project's PreciseBatchNorm callback (0 where it has none), for the plain script."""
    callbacks = yaml.safe_load((project / "configs" / "callbacks" / "default.yaml").read_text()) or {}
    return int((callbacks.get("precise_bn") or {}).get("num_batches", 0))


def classify_pair(project: Path, epochs: int, plain_script: str, precise_bn: bool = True) -> Pair:
    """A classification project vs its plain script; both write <out>/metrics.json with val/acc."""
    overrides = [*CLASSIFY, f"trainer.max_epochs={epochs}", *([] if precise_bn else ["callbacks.precise_bn=null"])]
    plain = [
        sys.executable,
        str(PLAIN / plain_script),
        f"--epochs={epochs}",
        f"--precise-bn={precise_bn_batches(project) if precise_bn else 0}",
    ]
    return Pair(
        ours=lambda out: [sys.executable, "scripts/train.py", *overrides, f"hydra.run.dir={out}"],
        plain=lambda out: [*plain, f"--out={out}"],
        plain_env=plain_env(),
        ours_score=json_score("val/acc"),
        plain_score=json_score("val/acc"),
        score="val/acc",
    )


def yolo_pair(project: Path, epochs: int) -> Pair:
    """The YOLO project vs `yolo detect train` with the arguments the project passes to Ultralytics."""
    overrides = ["experiment=shapes_quick", "trainer=cpu", f"trainer.max_epochs={epochs}", "tracking=csv"]
    package = next((project / "src").glob("*/train.py")).parent.name
    prepare = [sys.executable, "-c", YOLO_PREPARE.format(package=package), *overrides]
    done = subprocess.run(prepare, cwd=project, env=project_env(project), capture_output=True, text=True, check=True)
    args = json.loads(done.stdout.strip().splitlines()[-1])
    data, model = args.pop("data"), args.pop("model")
    cli = [str(Path(sys.executable).with_name("yolo")), "detect", "train", f"data={data}", f"model={model}"]
    cli += [f"{key}={value}" for key, value in args.items() if key not in ("project", "name")]
    env = plain_env() | {  # the same offline Ultralytics set-up as the project's utils/yolo_env.py
        "YOLO_CONFIG_DIR": str(project / "outputs" / ".ultralytics"),
        "YOLO_OFFLINE": "1",
        "YOLO_AUTOINSTALL": "0",
    }
    return Pair(
        ours=lambda out: [sys.executable, "scripts/train.py", *overrides, f"hydra.run.dir={out}"],
        plain=lambda out: [*cli, f"project={out.parent}", f"name={out.name}"],
        plain_env=env,
        ours_score=json_score("mAP50"),
        plain_score=csv_score,
        score="mAP50",
    )


def segmentation_pair(project: Path, epochs: int) -> Pair:
    """The seg-cpu project's quick start vs its plain PyTorch twin; both write <out>/metrics.json with val/miou."""
    overrides = [
        "experiment=shapes_quick",
        f"trainer.max_epochs={epochs}",
    ]
    plain = [sys.executable, str(PLAIN / "torch_shapes_seg.py"), f"--project={project}", f"--epochs={epochs}"]
    return Pair(
        ours=lambda out: [sys.executable, "scripts/train.py", *overrides, f"hydra.run.dir={out}"],
        plain=lambda out: [*plain, f"--out={out}"],
        plain_env=plain_env(),
        ours_score=json_score("val/miou"),
        plain_score=json_score("val/miou"),
        score="val/miou",
    )


def pair_for(name: str, project: Path, epochs: int, precise_bn: bool = True) -> Pair:
    if name == "yolo":
        return yolo_pair(project, epochs)
    if name == "segmentation":
        return segmentation_pair(project, epochs)
    return classify_pair(project, epochs, f"{name}_digits.py", precise_bn)


def measure(name: str, runs: int, epochs: int, warmup: int, precise_bn: bool = True,
            extra: Sequence[str] = ()) -> tuple[list, dict]:
    project = render(PRESETS[name])  # outside the timed region, as is the yolo data set
    pair = pair_for(name, project, epochs, precise_bn)
    work = Path(tempfile.mkdtemp(prefix=f"whole-run-{name}-"))
    sides = {
        "ours": (lambda out: [*pair.ours(out), *extra], project_env(project), pair.ours_score),
        "plain": (pair.plain, pair.plain_env, pair.plain_score),
    }
    seconds, scores = {"ours": [], "plain": []}, {}
    for index in range(warmup + runs):  # interleaved: ours, plain, ours, plain, ...
        label = "warm-up" if index < warmup else f"run {index - warmup + 1}"
        for side, (command, env, score) in sides.items():
            out = work / f"{side}-{index}"
            elapsed = run(command(out), project, env)
            scores[side] = score(out)
            shutil.rmtree(out)  # resnet18 checkpoints: about 0.5 GB a run
            if index >= warmup:
                seconds[side].append(elapsed)
            print(f"{name} {label}: {side} {elapsed:.1f} s, {pair.score} {scores[side]:.3f}", flush=True)
    ours, plain = statistics.median(seconds["ours"]), statistics.median(seconds["plain"])
    row = [
        f"{name} ({PRESETS[name]}, epochs={epochs})",
        f"{ours:.1f}",
        f"{plain:.1f}",
        f"{ours / plain:.3f}",
        f"{pair.score} {scores['ours']:.3f}",
        f"{pair.score} {scores['plain']:.3f}",
    ]
    return row, {"seconds": seconds, "scores": scores, "plain_command": pair.plain(work / "plain")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pair", choices=[*PRESETS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per side")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--warmup", type=int, choices=[0, 1], default=1, help="one untimed run per side first")
    parser.add_argument("--no-precise-bn", action="store_true", help="classification: no PreciseBatchNorm pass")
    parser.add_argument("--ours", action="append", default=[], metavar="OVERRIDE",
                        help="a Hydra override for our side only, e.g. callbacks.run_report=null (work the plain "
                        "script does not do); repeatable")
    args = parser.parse_args()
    rows, details = [], {}
    for name in PRESETS if args.pair == "all" else [args.pair]:
        row, details[name] = measure(name, args.runs, args.epochs, args.warmup, not args.no_precise_bn, args.ours)
        rows.append(row)
    report(
        "whole_run",
        ["pair", "ours s", "plain s", "ratio", "ours score", "plain score"],
        rows,
        {"runs": details, "epochs": args.epochs, "warmup": args.warmup, "precise_bn": not args.no_precise_bn,
         "ours_overrides": args.ours},
    )


if __name__ == "__main__":
    main()
