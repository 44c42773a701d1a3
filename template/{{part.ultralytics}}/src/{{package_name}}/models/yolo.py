"""A YOLO model: from Ultralytics' architecture YAML (random init, no download) or from your ``.pt`` weights."""

from pathlib import Path

from ..errors import UserError
from .yolo_env import YOLO


def check_weights(weights: str | None) -> None:
    if weights and not Path(weights).is_file():
        raise UserError(
            f"model.weights={weights} does not exist; pass a local .pt file (nothing is downloaded), "
            "or model.weights=null to train from scratch"
        )


def load_weights(path: str | Path) -> YOLO:
    """Trained weights to evaluate, export, predict with or resume; a torn or foreign file is one line."""
    try:
        return YOLO(str(path))
    except Exception as error:  # a full disk, a copy killed half-way, not a .pt: torch's or Ultralytics' error
        raise UserError(f"ckpt_path={path} is not a whole checkpoint ({type(error).__name__}); use another one "
                        "(e.g. the run's checkpoints/best.pt) or start a new run") from None


def build(architecture: str, weights: str | None = None, compile: bool = False) -> YOLO:
    """``architecture``: e.g. ``yolov8n.yaml`` (the class count follows the data at training time).

    ``compile`` is a training option: ``train_args`` passes it to Ultralytics.
    """
    check_weights(weights)
    return YOLO(weights) if weights else YOLO(architecture)
