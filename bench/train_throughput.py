"""Training throughput, the generated project vs a hand-written loop (same model, data, optimiser).

    python bench/train_throughput.py [--rounds 3] [--steps 30]

resnet18 at 32x32, batch 64, on the bundled digits (upscaled to 32x32), on CPU (or CUDA when
present). Runs are interleaved (ours, baseline, ours, ...); each reports the median steady-state
step time (warm-up steps and epoch boundaries left out); the table gives medians over rounds and
the ratio ours/baseline (1.0 = as fast as hand-written).
"""

import argparse
import statistics

import lightning as L
import torch
from common import StepClock, images_per_second, import_project, render, report

BATCH, WARMUP = 64, 3


class ClockCallback(L.Callback):
    """Added through the config (+callbacks.clock._target_=...), so train(cfg) runs unchanged."""

    clock = StepClock()

    def on_train_epoch_start(self, trainer, module) -> None:
        self.clock.epoch_start()

    def on_train_batch_start(self, trainer, module, batch, batch_idx) -> None:
        self.clock.step_start()


def run_ours(project, steps: int) -> float:
    """The project's own train(cfg), as `python scripts/train.py model=resnet18 data=digits` runs it."""
    from importlib import import_module

    cfg = import_project(
        project,
        "model=resnet18",
        "data=digits",
        f"data.batch_size={BATCH}",
        "test=false",
        f"paths.run_dir={project}/outputs/bench",
        f"paths.output_dir={project}/outputs",
        f"+trainer.max_steps={steps + WARMUP}",
        "trainer.max_epochs=-1",
        f"+callbacks.clock._target_={__name__}.ClockCallback",
    )
    ClockCallback.clock = StepClock()
    import_module(f"{cfg.model._target_.split('.')[0]}.train").train(cfg)
    return images_per_second(ClockCallback.clock.steady_intervals(WARMUP), BATCH)


def run_baseline(project, steps: int) -> float:
    """A plain PyTorch loop: the same network builder, data tensors, AdamW, batch size and shuffling."""
    cfg = import_project(project, "model=resnet18", "data=digits", f"data.batch_size={BATCH}", "paths.run_dir=.")
    import hydra

    datamodule = hydra.utils.instantiate(cfg.data)
    datamodule.setup("fit")
    loader = datamodule.train_dataloader()
    net = hydra.utils.instantiate(cfg.model.net)
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    net.train()
    clock, done = StepClock(), 0
    while done < steps + WARMUP:
        clock.epoch_start()
        for images, labels in loader:
            clock.step_start()
            optimizer.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(net(images), labels).backward()
            optimizer.step()
            done += 1
            if done == steps + WARMUP:
                clock.step_start()  # close the last interval
                break
    return images_per_second(clock.steady_intervals(WARMUP), BATCH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=30, help="measured steps per run (after warm-up)")
    args = parser.parse_args()
    project = render("resnet-cpu")
    ours, baseline = [], []
    for round_ in range(args.rounds):
        ours.append(run_ours(project, args.steps))
        baseline.append(run_baseline(project, args.steps))
        print(f"round {round_ + 1}: ours {ours[-1]:.1f} img/s, hand-written {baseline[-1]:.1f} img/s")
    ours_median, base_median = statistics.median(ours), statistics.median(baseline)
    rows = [
        [
            "pytorch (Lightning) resnet18 32px b64",
            f"{ours_median:.1f}",
            f"{base_median:.1f}",
            f"{ours_median / base_median:.3f}",
        ]
    ]
    report(
        "train_throughput",
        ["pair", "ours img/s", "hand-written img/s", "ratio"],
        rows,
        {"rounds": {"ours": ours, "hand_written": baseline}},
    )


if __name__ == "__main__":
    main()
