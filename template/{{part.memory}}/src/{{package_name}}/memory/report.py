"""``scripts/estimate_memory.py``: measure the configured model's training step and print the table."""

from omegaconf import DictConfig

from ..errors import UserError
from .estimate import GiB, MemoryEstimate


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
    from .step import measure  # the framework, imported once the options are known to be right

    return report(measure(cfg, cfg.device, probes), int(cfg.data.batch_size), cfg.get("gpu_memory"))
