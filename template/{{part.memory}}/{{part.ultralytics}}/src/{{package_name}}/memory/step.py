"""One training step of the configured YOLO model (Ultralytics' own loss), for ``memory.probe.measure``."""

import hydra
import torch
from omegaconf import DictConfig

from . import probe
from .probe import TrainingStep


def training_step(cfg: DictConfig, device: torch.device) -> TrainingStep:
    from ultralytics.cfg import get_cfg

    model = hydra.utils.instantiate(cfg.model)
    net, segment = model.model, model.task == "segment"  # the DetectionModel or SegmentationModel
    net.args = get_cfg()  # the loss gains (box, cls, dfl) Ultralytics' trainer would attach
    for name, parameter in net.named_parameters():  # trainable as in Ultralytics' trainer: all but the DFL
        parameter.requires_grad_(".dfl" not in name)
    trainable = [parameter for parameter in net.parameters() if parameter.requires_grad]
    # Ultralytics' optimizers: SGD keeps one tensor per parameter (momentum), Adam/AdamW (and `auto`) two
    sgd = str(cfg.trainer.get("optimizer", "auto")).upper() == "SGD"
    optimizer = (torch.optim.SGD(trainable, lr=0.01, momentum=0.9) if sgd
                 else torch.optim.AdamW(trainable, lr=0.001))
    size = cfg.data.image_size

    def make_batch(batch_size: int) -> dict:
        boxes = torch.tensor([[0.5, 0.5, 0.3, 0.3]], device=device).repeat(batch_size, 1)  # one box per image
        batch = {"img": torch.rand(batch_size, 3, size, size, device=device), "bboxes": boxes,
                 "cls": torch.zeros(batch_size, 1, device=device), "batch_idx": torch.arange(batch_size, device=device)}
        if segment:  # the box's area as instance 1, at a quarter of the image size (Ultralytics' overlap masks)
            quarter = size // 4
            batch["masks"] = torch.zeros(batch_size, quarter, quarter, device=device)
            batch["masks"][:, int(0.35 * quarter):int(0.65 * quarter), int(0.35 * quarter):int(0.65 * quarter)] = 1
        return batch

    def loss(net, batch) -> torch.Tensor:
        return net.loss(batch)[0].sum()

    mixed = str(cfg.trainer.precision) in ("16-mixed", "16") and device.type == "cuda"  # Ultralytics' AMP
    return TrainingStep(net, optimizer, make_batch, loss, torch.float16 if mixed else None)


def measure(cfg: DictConfig, device_name: str, probe_batches: tuple[int, int]):
    device = probe.device(device_name)
    torch.manual_seed(cfg.seed)
    return probe.measure(training_step(cfg, device), device, probe_batches)
