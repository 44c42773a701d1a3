"""Time to accuracy (airbench's measure): wall time of `python scripts/train.py` until validation first reaches
95 % on digits, with each preset's default recipe, against the plain script doing the same.

    python bench/time_to_accuracy.py [--target 0.95] [--frameworks lightning paddle] [--max-epochs 10]

Per framework, one process each, end to end (imports, data, training, validation, checkpoints, the test pass):
- ours: the preset project, `model=resnet18 data=digits trainer=cpu` (the preset's 10-epoch recipe), stopped
  at the first validation reaching the target (Lightning's EarlyStopping(stopping_threshold), Paddle: reach.py);
- ours without PreciseBatchNorm (`callbacks.precise_bn=null`): how the recipe behaved before that callback;
- plain: bench/plain/<framework>_digits.py --epochs 10 --stop-at TARGET (same network, data, optimiser);
- plain without the BatchNorm refresh (`--precise-bn=0`): the leanest loop, as a PyTorch user writes one.
The table gives seconds, the epochs trained and the val/acc that stopped it ("-" when it never got there);
--max-epochs caps every side (Paddle's resnet18 takes about 3 minutes an epoch on 2 cores).
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from common import REPO, render, report
from whole_run import plain_env, run

PRESETS = {"lightning": "resnet-cpu", "paddle": "paddle-cpu"}
RECIPE = ["model=resnet18", "data=digits", "trainer=cpu"]  # with the logger and progress bar a user gets
EPOCHS = 10  # the presets' trainer.max_epochs


def stop_at(framework: str, target: float) -> list[str]:
    if framework == "lightning":  # the preset's own EarlyStopping (Lightning allows one), with a threshold
        return [f"+callbacks.early_stopping.stopping_threshold={target}"]
    return ["+callbacks.reach._target_=reach.ReachAccuracy", f"+callbacks.reach.threshold={target}"]


def timed(command: list[str], cwd: Path, env: dict, out: Path) -> tuple[float, dict]:
    """Wall time of the whole command (whole_run's timer) and the metrics.json it wrote."""
    return run(command, cwd, env), json.loads((out / "metrics.json").read_text())


def measure(framework: str, target: float, epochs: int) -> list[list[str]]:
    project, work = render(PRESETS[framework]), Path(tempfile.mkdtemp(prefix="tta-"))
    ours_env = {**os.environ, "PYTHONPATH": f"{project / 'src'}{os.pathsep}{REPO / 'bench'}"}
    train = [sys.executable, "scripts/train.py", *RECIPE, *stop_at(framework, target)]
    if epochs < EPOCHS:  # the schedule stays the preset's (T_max = 10 epochs); only the run is cut short
        train += [f"trainer.max_epochs={epochs}", f"model.scheduler.T_max={EPOCHS}"]
    plain = [
        sys.executable,
        str(REPO / "bench" / "plain" / f"{framework}_digits.py"),
        f"--epochs={EPOCHS}",
        f"--stop-at={target}",
        f"--max-epochs={epochs}",
    ]
    sides = {  # side -> (command, environment, how it is told its output directory)
        "ours": (train, ours_env, "hydra.run.dir="),
        "ours, callbacks.precise_bn=null": ([*train, "callbacks.precise_bn=null"], ours_env, "hydra.run.dir="),
        "plain": (plain, plain_env(), "--out="),
        "plain, --precise-bn=0": ([*plain, "--precise-bn=0"], plain_env(), "--out="),  # a loop as users write it
    }
    rows = []
    for side, (command, env, out_flag) in sides.items():
        out = work / str(len(rows))
        seconds, metrics = timed([*command, f"{out_flag}{out}"], project, env, out)
        reached = metrics["best/val/acc"] >= target
        rows.append(
            [
                f"{framework} {side}",
                f"{seconds:.1f}" if reached else f"> {seconds:.1f}",
                str(metrics["epochs"]),
                f"{metrics['best/val/acc']:.3f}" if reached else "-",
            ]
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--max-epochs", type=int, default=EPOCHS)
    parser.add_argument("--frameworks", nargs="+", default=list(PRESETS), choices=list(PRESETS))
    args = parser.parse_args()
    rows = [row for framework in args.frameworks for row in measure(framework, args.target, args.max_epochs)]
    report(
        "time_to_accuracy",
        ["run", f"seconds to val/acc {args.target}", "epochs", "val/acc"],
        rows,
        {"target": args.target},
    )


if __name__ == "__main__":
    main()
