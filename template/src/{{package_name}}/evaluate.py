"""``evaluate(cfg)``: score a checkpoint on a split: accuracy, macro F1, report, confusion matrix."""

from pathlib import Path

import lightning as L
import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from omegaconf import DictConfig  # noqa: E402
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, classification_report, f1_score  # noqa: E402

from .utils.checkpoint import load_trained  # noqa: E402
from .utils.run_dir import write_json  # noqa: E402


def evaluate(cfg: DictConfig) -> dict[str, float]:
    model, datamodule, run_dir = load_trained(cfg.ckpt_path, cfg.get("data"))
    datamodule.setup("test")
    loader = datamodule.test_dataloader() if cfg.split == "test" else datamodule.val_dataloader()
    trainer = L.Trainer(accelerator=cfg.accelerator, devices=1, logger=False, enable_progress_bar=False)
    batches = trainer.predict(model, dataloaders=loader)
    predicted = torch.cat([batch["probs"] for batch in batches]).argmax(dim=1).numpy()
    targets = torch.cat([batch["targets"] for batch in batches]).numpy()

    out_dir = Path(cfg.output_dir or run_dir / "eval")
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = list(range(len(datamodule.classes)))
    report = classification_report(targets, predicted, labels=labels, target_names=datamodule.classes, zero_division=0)
    (out_dir / "report.txt").write_text(report)
    ConfusionMatrixDisplay.from_predictions(targets, predicted, labels=labels, display_labels=datamodule.classes)
    plt.savefig(out_dir / "confusion_matrix.png", dpi=120, bbox_inches="tight")
    plt.close("all")

    metrics = {
        f"{cfg.split}/acc": float(accuracy_score(targets, predicted)),
        f"{cfg.split}/f1_macro": float(f1_score(targets, predicted, average="macro")),
        "images": int(len(targets)),
    }
    write_json(out_dir / "metrics.json", metrics)
    print(report)
    print(f"{metrics} -> {out_dir}")
    return metrics
