"""``ckpt_path=last`` or a path -> the Ultralytics checkpoint to resume (``resume=True``) and the run it belongs to.

While training, Ultralytics keeps its checkpoints in ``<run>/weights/``; ``train`` moves them to
``<run>/checkpoints/`` when the run ends. A killed run therefore has ``weights/last.pt``, a finished one
``checkpoints/last.pt``, whose optimiser state Ultralytics strips: there is nothing left to resume in it.
"""

from pathlib import Path

from ..errors import UserError
from ..models.yolo import load_weights
from ..models.yolo_env import YOLO
from ..runs.console import get_logger
from ..runs.run_dir import LAST as LAST_CHOICES
from ..runs.run_dir import newest_last

log = get_logger(__name__)
LAST = ("weights/last.pt", "checkpoints/last.pt")  # while training, after training


def find_last(ckpt_path: str | None, run_dir: Path, output_dir: Path) -> Path | None:
    """``last`` / ``last:multirun``: this run's last.pt, else the newest single run's (or search trial's,
    ``runs.run_dir.newest_last``); a path: that file."""
    if ckpt_path is None:
        return None
    if ckpt_path in LAST_CHOICES:
        return newest_last(ckpt_path, run_dir, output_dir, LAST)
    if not Path(ckpt_path).is_file():
        raise UserError(f"ckpt_path={ckpt_path} does not exist; pass a run's weights/last.pt or ckpt_path=last")
    return Path(ckpt_path)


def resumable(path: Path, max_epochs: int) -> YOLO:
    """The model to call ``train(resume=True)`` on; a finished run's checkpoint is refused (Ultralytics would
    silently start a new training from it), and so is a new length (Ultralytics resumes with the epochs and
    LR schedule the run started with, whatever ``trainer.max_epochs`` says)."""
    model = load_weights(path)
    ckpt = model.ckpt or {}
    if ckpt.get("epoch", -1) < 0 or ckpt.get("optimizer") is None:
        raise UserError(
            f"ckpt_path={path} is the end of a finished run: nothing to resume; to train on from its weights, "
            f"start a new run with model.weights={path}"
        )
    planned = (ckpt.get("train_args") or {}).get("epochs")
    if planned is not None and planned != max_epochs:
        raise UserError(
            f"trainer.max_epochs={max_epochs}, but {path} belongs to a {planned}-epoch run, which Ultralytics resumes "
            f"only as planned; resume with trainer.max_epochs={planned}, or train longer in a new run from its "
            f"weights: model.weights={path} trainer.max_epochs={max_epochs}"
        )
    log.info("Resuming %s at epoch %d; the run continues in %s", path, ckpt["epoch"] + 2, path.parent.parent)
    return model
