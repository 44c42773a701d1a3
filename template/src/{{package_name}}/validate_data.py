"""``validate_data(cfg)``: the data-quality report of the configured dataset, as a table, JSON and a bar chart."""

import json
from pathlib import Path

import hydra
import matplotlib
import yaml
from omegaconf import DictConfig

from .datasets.quality import Report, scan_class_folders, scan_yolo
from .errors import UserError
from .utils.console import get_logger

matplotlib.use("Agg")  # files only, no window
log = get_logger(__name__)


def _scan(cfg: DictConfig) -> Report | None:
    data = hydra.utils.instantiate(cfg.data)
    if hasattr(data, "data_yaml"):  # YOLO layout: generated or downloaded first, then described by data.yaml
        data.prepare_data()
        spec = yaml.safe_load(data.data_yaml.read_text())
        splits = {split: spec[split] for split in ("train", "val", "test") if isinstance(spec.get(split), str)}
        return scan_yolo(Path(spec["path"]), splits, list(spec["names"].values()), cfg.min_size)
    if hasattr(data, "quality_report"):  # a layout of its own (segmentation's images/ + masks/)
        return data.quality_report(cfg.min_size)
    if not hasattr(data, "count_classes"):  # digits, CIFAR-10, MNIST: arrays, not image files
        return None
    if not (Path(data.root) / "train").is_dir():
        raise UserError(f"data.root={data.root} has no train/ folder; expected {data.root}/train/<class>/<image>")
    return scan_class_folders(Path(data.root), ["train", "val", "test"], cfg.min_size)


def _table(report: Report) -> str:
    splits = list(report.counts)
    classes = sorted({name for counts in report.counts.values() for name in counts})
    width = max([len(c) for c in classes] + [5])
    lines = [f"{'class':<{width}}" + "".join(f"{s:>8}" for s in splits)]
    lines += [f"{c:<{width}}" + "".join(f"{report.counts[s][c]:>8}" for s in splits) for c in classes]
    for kind, files in sorted(report.problems.items()):
        lines.append(f"{kind}: {len(files)}  e.g. {files[0]}")
    return "\n".join(lines)


def _bar_chart(report: Report, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    for offset, (split, counts) in enumerate(report.counts.items()):
        names = sorted(counts)
        ax.bar([i + 0.8 * offset / len(report.counts) for i in range(len(names))], [counts[n] for n in names],
               width=0.8 / len(report.counts), label=split)
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_ylabel("images (boxes for detection)")
    ax.set_title("Class balance")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def validate_data(cfg: DictConfig) -> dict:
    report = _scan(cfg)
    if report is None:
        log.info("data=%s loads from arrays, not image files: its loader checks it; nothing to scan", cfg.data._target_)
        return {}
    out = Path(cfg.report_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    _bar_chart(report, out / "class_balance.png")
    log.info("Data report (%s):\n%s\nWritten: %s", cfg.data.root, _table(report), out)
    return report.as_dict()
