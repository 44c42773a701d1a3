"""``evaluate(cfg)``: score a checkpoint on a split (mean IoU, pixel accuracy, IoU per class) and draw overlays."""

from pathlib import Path

import lightning as L
import numpy as np
import torch
from omegaconf import DictConfig
from PIL import Image

from .models.segmenter import predicted_classes
from .runs.run_dir import results_dir, write_json
from .training.checkpoint import load_trained
from .training.rules import check_eval_config


def palette(num_classes: int) -> np.ndarray:
    """A distinct colour per class (black background), white for ignored pixels: (256, 3) uint8."""
    colours = np.full((256, 3), 255, np.uint8)
    hues = np.linspace(0, 1, max(num_classes - 1, 1), endpoint=False)
    for index, hue in enumerate(hues, start=1):
        colours[index] = np.asarray(Image.new("HSV", (1, 1), (int(hue * 255), 200, 230)).convert("RGB"))[0, 0]
    colours[0] = 0
    return colours


def overlay(image: torch.Tensor, truth: torch.Tensor, predicted: torch.Tensor, mean, std, colours) -> Image.Image:
    """One PNG a person can read: the image, then the true and the predicted mask blended over it."""
    pixels = (image.permute(1, 2, 0).numpy() * np.asarray(std) + np.asarray(mean)).clip(0, 1) * 255
    panels = [pixels] + [0.45 * pixels + 0.55 * colours[mask.numpy()] for mask in (truth, predicted)]
    return Image.fromarray(np.concatenate(panels, axis=1).astype(np.uint8))


def draw_overlays(model, loader, count: int, datamodule, out_dir: Path) -> int:
    """``out_dir/<n>.png`` for the first ``count`` images of ``loader``; returns how many were drawn."""
    out_dir.mkdir(parents=True, exist_ok=True)
    colours, drawn, device = palette(len(datamodule.classes)), 0, next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        for images, masks in loader:
            if drawn >= count:
                break
            predicted = predicted_classes(model(images.to(device))).cpu()
            for image, truth, guess in list(zip(images, masks, predicted, strict=True))[:count - drawn]:
                overlay(image, truth, guess, datamodule.mean, datamodule.std, colours).save(out_dir / f"{drawn}.png")
                drawn += 1
    return drawn


def evaluate(cfg: DictConfig) -> dict[str, float]:
    check_eval_config(cfg)
    model, datamodule, run_dir = load_trained(cfg.ckpt_path, cfg.get("data"))
    out_dir = results_dir(cfg.output_dir, run_dir, "eval")
    trainer = L.Trainer(accelerator=cfg.accelerator, devices=1, logger=False, enable_progress_bar=False)
    score = trainer.test if cfg.split == "test" else trainer.validate
    metrics = {name: float(value) for name, value in score(model, datamodule=datamodule, verbose=False)[0].items()}

    loader = datamodule.test_dataloader() if cfg.split == "test" else datamodule.val_dataloader()
    drawn = draw_overlays(model, loader, cfg.overlays, datamodule, out_dir / "overlays")
    metrics |= {"images": len(loader.dataset), "overlays": drawn}
    write_json(out_dir / "metrics.json", metrics)
    print(f"{cfg.split}: mean IoU {metrics[f'{cfg.split}/miou']:.4f}, pixel accuracy "
          f"{metrics[f'{cfg.split}/pixel_acc']:.4f} -> {out_dir}")
    return metrics
