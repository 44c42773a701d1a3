"""The project's config keys, mapped onto Ultralytics' train / val arguments.

``trainer.max_epochs`` -> epochs, ``data.batch_size`` -> batch, ``data.image_size`` -> imgsz,
``data.num_workers`` -> workers, ``trainer.accelerator`` / ``devices`` -> device,
``trainer.precision`` -> amp, ``seed`` -> seed. Every other ``trainer`` key is an Ultralytics
argument passed as is (Ultralytics rejects unknown ones by name).
"""

from pathlib import Path

import torch
from omegaconf import DictConfig, OmegaConf

from ..errors import UserError

MAPPED = ("max_epochs", "accelerator", "devices", "precision")
MIXED = ("16-mixed", "bf16-mixed", "16", 16)  # Lightning-style precision names that mean AMP


def _device_ids(devices) -> list[str] | None:
    """``auto`` -> None; 2 -> ["0", "1"]; [1, 3] or "1,3" -> ["1", "3"]."""
    if devices == "auto":
        return None
    if isinstance(devices, int) or str(devices).isdigit():
        return [str(index) for index in range(int(devices))]
    return [str(index).strip() for index in (devices.split(",") if isinstance(devices, str) else devices)]


def device(accelerator: str, devices) -> str | None:
    """``cpu`` -> "cpu"; ``gpu`` with 2 devices -> "0,1" (Ultralytics starts its DDP workers), with [1, 3] -> "1,3";
    ``auto`` -> None (Ultralytics picks one device)."""
    if accelerator not in ("cpu", "gpu", "auto"):
        raise UserError(f"trainer.accelerator={accelerator} is unknown; use cpu, gpu or auto")
    ids = _device_ids(devices)
    if accelerator == "gpu":
        if not torch.cuda.is_available():
            raise UserError("trainer.accelerator=gpu but torch sees no CUDA GPU here; train with trainer=cpu, or "
                            "install the GPU build (pip install -r requirements-gpu.txt) and check nvidia-smi")
        return ",".join(ids or ["0"])
    if ids and len(ids) > 1:
        raise UserError(
            f"trainer.devices={devices} with trainer.accelerator={accelerator}: Ultralytics trains on several devices "
            "only on CUDA GPUs (its DDP); use trainer=gpu trainer.devices=N, or trainer.devices=1 on CPU"
        )
    return "cpu" if accelerator == "cpu" else None


def loader_args(data, seed: int) -> dict:
    return {"imgsz": data.image_size, "batch": data.batch_size, "workers": data.num_workers, "seed": seed}


# Lightning keys with no Ultralytics counterpart: one line that says what Ultralytics does instead.
REFUSED = {
    "accumulate_grad_batches": "Ultralytics accumulates gradients up to trainer.nbs images (nominal batch, "
                               "default 64); set trainer.nbs instead",
    "gradient_clip_val": "Ultralytics always clips the gradient norm at 10.0 and has no setting for it",
}


def train_args(cfg: DictConfig, data, run_dir: Path) -> dict:
    trainer = OmegaConf.to_container(cfg.trainer, resolve=True)
    if refused := next((key for key in REFUSED if key in trainer), None):
        raise UserError(f"trainer.{refused} is not available for YOLO: {REFUSED[refused]}")
    passed = {key: value for key, value in trainer.items() if key not in MAPPED}
    return passed | loader_args(data, cfg.seed) | {
        "epochs": trainer["max_epochs"],
        "device": device(trainer["accelerator"], trainer["devices"]),
        "amp": trainer["precision"] in MIXED,
        "project": str(run_dir.parent.resolve()),  # Ultralytics writes into <project>/<name> = the run dir
        "name": run_dir.name,
        "exist_ok": True,
    } | ({"compile": True} if cfg.model.get("compile") else {})  # model.compile -> Ultralytics' torch.compile


def box_metrics(results: dict) -> dict[str, float]:
    """Ultralytics' ``metrics/mAP50(B)`` etc. -> ``mAP50``, ``mAP50-95``, ``precision``, ``recall`` (the boxes);
    for a -seg model also ``mask/mAP50``, ``mask/mAP50-95``, ``mask/precision``, ``mask/recall`` (the masks)."""
    names = {"precision": "metrics/precision(B)", "recall": "metrics/recall(B)", "mAP50": "metrics/mAP50(B)",
             "mAP50-95": "metrics/mAP50-95(B)"}
    names |= {f"mask/{short}": long.replace("(B)", "(M)") for short, long in names.items() if "(M)" not in short}
    return {short: float(results[long]) for short, long in names.items() if long in results}
