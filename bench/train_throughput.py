"""Training throughput, the generated project vs a hand-written loop (same model, data, optimiser).

    python bench/train_throughput.py [--rounds 3] [--steps 30] [--pairs pytorch,paddle,yolo]

resnet18 at 32x32, batch 64, on the bundled digits (upscaled to 32x32), on CPU (or CUDA when
present), for each pair: the generated Lightning project vs a plain PyTorch loop, and the generated
Paddle project vs a plain Paddle loop; and yolov8n on the built-in shapes (96 px, batch 16), the
generated YOLO project vs Ultralytics called directly with the same arguments. Runs are
interleaved (ours, baseline, ours, ...); each reports the median steady-state step time (warm-up
steps and epoch boundaries left out); the table gives medians over rounds and the ratio
ours/baseline (1.0 = as fast as hand-written).
"""

import argparse
import statistics
from importlib import import_module

from common import GpuSampler, render, report

PAIRS = {  # name -> module with PRESET, ours(project, steps) and baseline(project, steps)
    "pytorch": "throughput_lightning",
    "paddle": "throughput_paddle",
    "yolo": "throughput_yolo",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=30, help="measured steps per run (after warm-up)")
    parser.add_argument("--pairs", default=",".join(PAIRS), help=f"comma-separated, from: {', '.join(PAIRS)}")
    args = parser.parse_args()
    rows, rounds = [], {}
    for name in args.pairs.split(","):
        pair = import_module(PAIRS[name])
        project = render(pair.PRESET, project_name=f"bench-{name}")  # distinct package names in one process
        ours, baseline, gpu = [], [], GpuSampler()
        for round_ in range(args.rounds):  # interleaved: ours, baseline, ours, baseline, ...
            with gpu:  # GPU utilisation of our project's training (CUDA only; the seed's bar is > 90 %)
                ours.append(pair.ours(project, args.steps))
            baseline.append(pair.baseline(project, args.steps))
            print(f"{name} round {round_ + 1}: ours {ours[-1]:.1f} img/s, hand-written {baseline[-1]:.1f} img/s")
        ours_median, base_median = statistics.median(ours), statistics.median(baseline)
        rows.append(
            [
                f"{name}: resnet18 32px b64",
                f"{ours_median:.1f}",
                f"{base_median:.1f}",
                f"{ours_median / base_median:.3f}",
            ]
        )
        rounds[name] = {"ours": ours, "hand_written": baseline}
    report(
        "train_throughput",
        ["pair", "ours img/s", "hand-written img/s", "ratio", "GPU util %"],
        rows,
        {"rounds": rounds},
    )


if __name__ == "__main__":
    main()
