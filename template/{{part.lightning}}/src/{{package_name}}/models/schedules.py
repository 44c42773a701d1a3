"""Per-step learning-rate schedules, made of torch's own schedulers. ``ConfiguredModule`` gives a schedule that takes
``total_steps`` the run's optimiser steps and steps it after every batch instead of every epoch."""

from torch.optim import Optimizer
from torch.optim.lr_scheduler import CosineAnnealingLR, LinearLR, SequentialLR


def warmup_cosine(optimizer: Optimizer, total_steps: int, warmup_steps: int = 100,
                  start_factor: float = 0.01) -> SequentialLR:
    """A linear rise from ``start_factor`` x the learning rate to all of it over ``warmup_steps`` (at most half the
    run), then a cosine to zero at ``total_steps``."""
    warmup_steps = max(1, min(warmup_steps, total_steps // 2))
    rise = LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_steps)
    decay = CosineAnnealingLR(optimizer, T_max=max(1, total_steps - warmup_steps))
    return SequentialLR(optimizer, [rise, decay], milestones=[warmup_steps])
