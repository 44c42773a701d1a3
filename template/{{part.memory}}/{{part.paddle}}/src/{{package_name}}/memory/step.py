"""Memory of a Paddle training step of the configured classifier, for ``memory.report.estimate``.

Activations are the tensors autograd keeps for the backward pass (``paddle.autograd.saved_tensors_hooks``),
on the CPU and on a GPU alike (kernels' workspace and short-lived tensors not included).
"""

import hydra
import paddle
from omegaconf import DictConfig

from ..errors import UserError
from .estimate import MemoryEstimate

AMP = {"16-mixed": "float16", "bf16-mixed": "bfloat16"}


def _bytes(tensors) -> int:
    return sum(int(t.numel()) * t.element_size() for t in tensors if isinstance(t, paddle.Tensor))


def measure(cfg: DictConfig, device_name: str, probe_batches: tuple[int, int]) -> MemoryEstimate:
    gpu = paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0
    if device_name == "cuda" and not gpu:
        raise UserError("device=cuda but this machine has no CUDA device; use device=cpu or auto")
    on_gpu = device_name == "cuda" or (device_name == "auto" and gpu)
    paddle.set_device("gpu" if on_gpu else "cpu")
    paddle.seed(cfg.seed)
    model = hydra.utils.instantiate(cfg.model)
    net, size, classes = model.net, cfg.data.image_size, cfg.data.num_classes
    learning_rate = model.optimizer_factory.keywords["learning_rate"]
    optimizer = model.optimizer_factory(learning_rate=learning_rate, parameters=net.parameters())
    criterion, params = paddle.nn.CrossEntropyLoss(), {p.data_ptr() for p in net.parameters()}
    amp = AMP.get(str(cfg.trainer.precision)) if on_gpu else None
    net.train()

    def activations(batch_size: int) -> int:
        saved: dict[int, int] = {}

        def pack(tensor):
            if tensor.data_ptr() not in params:
                saved[tensor.data_ptr()] = _bytes([tensor])
            return tensor

        images = paddle.randn([batch_size, 3, size, size])  # the input batch counts as an activation
        labels = paddle.randint(0, classes, [batch_size, 1])
        with paddle.autograd.saved_tensors_hooks(pack, lambda tensor: tensor), \
                paddle.amp.auto_cast(enable=amp is not None, dtype=amp or "float16"):
            loss = criterion(net(images), labels)
        loss.backward()
        optimizer.step()
        optimizer.clear_grad(set_to_zero=True)  # gradients stay allocated, as in training
        return sum(saved.values())

    activations(probe_batches[0])  # creates gradients and optimiser state
    probes = {size: activations(size) for size in probe_batches}
    return MemoryEstimate(
        device=paddle.device.get_device(),
        params=_bytes([*net.parameters(), *net.buffers()]),
        grads=_bytes([p.grad for p in net.parameters() if p.grad is not None]),
        optimizer_state=_bytes(optimizer.state_dict().values()),
        probes=probes,
    )
