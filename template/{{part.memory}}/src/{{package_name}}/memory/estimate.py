"""What a training step needs in memory: parameters, gradients, optimiser state, activations; the batch that fits.

Parameters, gradients and optimiser state are the bytes of the tensors themselves (the optimiser's state
exists after its first step). Activations grow with the batch: they are measured at two small batch
sizes (``step.measure``) and extended along that line.
"""

import math
from dataclasses import dataclass

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
