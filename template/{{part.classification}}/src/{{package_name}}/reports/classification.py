"""The classification report every backend writes: accuracy, macro F1, per-class report, confusion matrix."""

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, classification_report, f1_score  # noqa: E402

from ..runs.run_dir import write_json  # noqa: E402


def write_report(targets: np.ndarray, predicted: np.ndarray, classes: list[str], split: str, out_dir: Path) -> dict:
    """Write report.txt, confusion_matrix.png and metrics.json into ``out_dir``; return the metrics."""
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = list(range(len(classes)))
    report = classification_report(targets, predicted, labels=labels, target_names=classes, zero_division=0)
    (out_dir / "report.txt").write_text(report)
    ConfusionMatrixDisplay.from_predictions(targets, predicted, labels=labels, display_labels=classes)
    plt.savefig(out_dir / "confusion_matrix.png", dpi=120, bbox_inches="tight")
    plt.close("all")

    metrics = {
        f"{split}/acc": float(accuracy_score(targets, predicted)),
        f"{split}/f1_macro": float(f1_score(targets, predicted, average="macro")),
        "images": int(len(targets)),
    }
    write_json(out_dir / "metrics.json", metrics)
    print(report)
    print(f"{metrics} -> {out_dir}")
    return metrics
