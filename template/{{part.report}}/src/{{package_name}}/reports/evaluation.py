"""The evaluation report: ``report.html`` in the evaluation's folder (``<run>/eval/`` unless ``output_dir`` says),
with its metrics, the pictures the evaluation drew there (confusion matrix, overlays, Ultralytics' curves and
batches), the per-class report when there is one (else the trained run's config), and the environment.
``scripts/eval.py`` writes it last."""

from pathlib import Path

from omegaconf import DictConfig

from ..runs.console import get_logger
from ..runs.run_dir import CONFIG_FILE, results_dir
from .run import environment, write_run_report

log = get_logger(__name__)
PICTURES = ("*.png", "*.jpg")
OVERLAYS = 8  # drawn overlays shown on the page (all stay in the folder)


def write_eval_report(cfg: DictConfig, metrics: dict) -> Path:
    run_dir = Path(cfg.ckpt_path).resolve().parent.parent  # <run>/checkpoints/<file>
    out_dir = results_dir(cfg.output_dir, run_dir, "eval", say=False)
    pictures = sorted(path for pattern in PICTURES for path in out_dir.glob(pattern))
    pictures += sorted((out_dir / "overlays").glob("*.png"), key=lambda path: path.stem)[:OVERLAYS]
    facts = {"checkpoint": str(cfg.ckpt_path), "split": str(cfg.split)} | environment()
    per_class = out_dir / "report.txt"  # classification: precision, recall and F1 per class
    shown = per_class if per_class.is_file() else run_dir / CONFIG_FILE  # else the trained run's config
    report = write_run_report(out_dir, metrics, pictures, facts, settings=shown, title="Evaluation report")
    log.info("Report: %s", report)
    return report
