"""Memory of a PyTorch training step: tensor bytes, and activations from real forward/backward passes.

On CUDA, activations are the peak of the forward and backward pass above the memory held before it
(``torch.cuda.max_memory_allocated``: kernels' workspace included); on the CPU, the tensors autograd
keeps for the backward pass (``saved_tensors_hooks``), without the short-lived ones.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import torch

from ..errors import UserError
from .estimate import MemoryEstimate


@dataclass
class TrainingStep:
    """What one training step needs: the network, its optimiser, a batch maker and the loss."""

    net: torch.nn.Module
    optimizer: torch.optim.Optimizer
    make_batch: Callable[[int], object]  # batch size -> a batch on the device
    loss: Callable[[torch.nn.Module, object], torch.Tensor]
    autocast: torch.dtype | None = None  # mixed precision: the autocast dtype


def device(name: str) -> torch.device:
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("device=cuda but this machine has no CUDA device; use device=cpu or auto")
    return torch.device(name if name != "auto" else "cuda" if torch.cuda.is_available() else "cpu")


def _tensor_bytes(tensors) -> int:
    return sum(t.numel() * t.element_size() for t in tensors if isinstance(t, torch.Tensor))


@contextlib.contextmanager
def _saved_for_backward(exclude: set[int]):
    """Bytes of the distinct storages autograd saves for backward (parameters excluded)."""
    storages: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in exclude:
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        yield storages


def _activation_bytes(step: TrainingStep, batch_size: int, device: torch.device) -> int:
    autocast = torch.autocast(device.type, dtype=step.autocast) if step.autocast else contextlib.nullcontext()
    exclude = {p.untyped_storage().data_ptr() for p in step.net.parameters()}
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        before = torch.cuda.memory_allocated(device)
    batch = step.make_batch(batch_size)  # the input batch counts as an activation
    with _saved_for_backward(exclude) as saved, autocast:
        loss = step.loss(step.net, batch)
    loss.backward()
    step.optimizer.step()
    step.optimizer.zero_grad(set_to_none=False)  # gradients stay allocated, as in training
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        return torch.cuda.max_memory_allocated(device) - before
    return sum(saved.values())


def measure(step: TrainingStep, device: torch.device, probe_batches: tuple[int, int] = (2, 4)) -> MemoryEstimate:
    """Real training steps at ``probe_batches`` (after one that creates gradients and optimiser state)."""
    step.net.to(device).train()
    _activation_bytes(step, probe_batches[0], device)
    probes = {size: _activation_bytes(step, size, device) for size in probe_batches}
    state = [value for per_param in step.optimizer.state.values() for value in per_param.values()]
    return MemoryEstimate(
        device=str(device),
        params=_tensor_bytes([*step.net.parameters(), *step.net.buffers()]),
        grads=_tensor_bytes([p.grad for p in step.net.parameters() if p.grad is not None]),
        optimizer_state=_tensor_bytes(state),
        probes=probes,
    )
