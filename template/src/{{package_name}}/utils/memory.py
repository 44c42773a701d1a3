"""Training memory, measured on real training steps: parameters, gradients, optimiser state, activations.

Parameters, gradients and optimiser state are the bytes of the tensors themselves (the optimiser's state
exists after its first step). Activations grow with the batch: they are measured at two small batch
sizes and extended along that line. The measuring is the framework's (``memory_step``); this module
holds the result, the largest batch that fits a GPU, and the report ``scripts/estimate_memory.py`` prints.
"""

import math
from dataclasses import dataclass

from omegaconf import DictConfig

from ..errors import UserError

GiB = 1024**3


@dataclass
class MemoryEstimate:
    device: str
    params: int  # bytes (parameters and buffers)
    grads: int
    optimizer_state: int
    probes: dict[int, int]  # batch size -> measured activation bytes (two sizes)

    @property
    def activations_per_sample(self) -> float:
        (b1, a1), (b2, a2) = sorted(self.probes.items())
        return (a2 - a1) / (b2 - b1)

    @property
    def activations_fixed(self) -> float:
        b1, a1 = min(self.probes.items())
        return max(0.0, a1 - self.activations_per_sample * b1)

    def activations(self, batch_size: int) -> float:
        return self.activations_fixed + self.activations_per_sample * batch_size

    def total(self, batch_size: int) -> float:
        return self.params + self.grads + self.optimizer_state + self.activations(batch_size)

    def largest_batch(self, memory_bytes: float) -> int:
        """The largest batch whose total fits ``memory_bytes`` (0: not even one image)."""
        room = memory_bytes - self.total(0)
        return max(0, math.floor(room / self.activations_per_sample)) if self.activations_per_sample > 0 else 0


def report(estimate: MemoryEstimate, batch_size: int, gpu_memory_gib: float | None) -> str:
    """The table the script prints."""
    rows = [
        ("parameters", estimate.params),
        ("gradients", estimate.grads),
        ("optimizer state", estimate.optimizer_state),
        (f"activations (batch {batch_size})", estimate.activations(batch_size)),
        (f"total (batch {batch_size})", estimate.total(batch_size)),
    ]
    probes = ", ".join(f"batch {size}: {value / 2**20:.1f} MiB" for size, value in estimate.probes.items())
    lines = [f"measured on {estimate.device} ({probes}; {estimate.activations_per_sample / 2**20:.2f} MiB per image)"]
    if not estimate.device.startswith(("cuda", "gpu")):
        lines.append("CPU: activations are the tensors kept for backward; a GPU adds kernel workspace and its context")
    lines += [f"{name:<28}{value / 2**20:>12.1f} MiB" for name, value in rows]
    if gpu_memory_gib:
        fits = estimate.largest_batch(gpu_memory_gib * GiB)
        lines.append(f"{'largest batch in ' + f'{gpu_memory_gib:g} GiB':<28}{fits:>12d}")
    return "\n".join(lines)


def estimate(cfg: DictConfig) -> str:
    """``scripts/estimate_memory.py``: measure the configured model's training step; the report."""
    if cfg.device not in ("auto", "cpu", "cuda"):
        raise UserError(f"device={cfg.device} is unknown; use auto, cpu or cuda")
    probes = tuple(int(size) for size in cfg.probe_batches)
    if len(probes) != 2 or not 0 < probes[0] < probes[1]:
        raise UserError(f"probe_batches={list(probes)}: give two batch sizes, smaller first, e.g. [2, 4]")
    from .memory_step import measure  # the framework, imported once the options are known to be right

    return report(measure(cfg, cfg.device, probes), int(cfg.data.batch_size), cfg.get("gpu_memory"))
