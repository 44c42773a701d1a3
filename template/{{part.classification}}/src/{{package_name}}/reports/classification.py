"""The classification report every backend writes: accuracy, macro F1, per-class report, confusion matrix."""

from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, classification_report, confusion_matrix, f1_score  # noqa: E402

from ..runs.run_dir import write_json  # noqa: E402

DRAWN_CLASSES = 30  # a confusion matrix of more classes is unreadable, and costs a text per cell to draw


def draw_confusion(matrix: np.ndarray, classes: list[str]) -> Figure:
    """Rows: the true class, columns: the predicted one, counts in the cells."""
    display = ConfusionMatrixDisplay(matrix, display_labels=classes)
    display.plot(colorbar=False, xticks_rotation=45 if len(classes) > 10 else "horizontal")
    display.ax_.set_title("confusion matrix")
    display.figure_.set_layout_engine("constrained")  # class names inside the picture
    return display.figure_


def per_class(matrix: np.ndarray, classes: list[str], split: str) -> dict[str, float]:
    """Recall and precision of each class from a confusion matrix (0 for a class never seen or never predicted)."""
    right = np.diag(matrix).astype(float)
    recall = right / np.maximum(matrix.sum(1), 1)
    precision = right / np.maximum(matrix.sum(0), 1)
    return {f"{split}/{kind}/{name}": float(values[i]) for i, name in enumerate(classes)
            for kind, values in (("recall", recall), ("precision", precision))}


def write_report(targets: np.ndarray, predicted: np.ndarray, classes: list[str], split: str, out_dir: Path) -> dict:
    """Write report.txt, confusion_matrix.png and metrics.json into ``out_dir``; return the metrics."""
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = list(range(len(classes)))
    report = classification_report(targets, predicted, labels=labels, target_names=classes, zero_division=0)
    (out_dir / "report.txt").write_text(report)
    draw_confusion(confusion_matrix(targets, predicted, labels=labels), classes)
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
