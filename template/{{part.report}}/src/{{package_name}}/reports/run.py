"""The run report: one self-contained ``report.html`` in the run directory (pictures inline, no network) and its PNGs.

Every engine's report callback hands over what it has: per-epoch rows (``train/loss``, ``val/acc``, ``lr``...),
the final metrics and the pictures it drew or found (Ultralytics draws its own). The page adds the run's config and
environment. Open it in any browser; it loads nothing from outside.
"""

import base64
import html
import platform
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..runs.atomic import replacing  # noqa: E402
from ..runs.console import get_logger  # noqa: E402
from ..runs.run_dir import CONFIG_FILE, REPORT_FILE  # noqa: E402

log = get_logger(__name__)

PACKAGES = ("torch", "torchvision", "lightning", "paddlepaddle", "ultralytics", "numpy")


def draw_curves(epochs: Sequence[dict[str, float]], monitor: str | None = None, mode: str = "max") -> Figure:
    """One panel per quantity (``loss``, ``acc``...) with its train and val curves, the best epoch of ``monitor``
    marked in every panel, and a last panel with the learning rate when the rows have ``lr``; four panels a row."""
    x = [row["epoch"] for row in epochs]
    names = sorted({key.split("/", 1)[1] for row in epochs for key in row if key.startswith(("train/", "val/"))})
    panels = [*names, "lr"] if any("lr" in row for row in epochs) else names
    columns = min(max(len(panels), 1), 4)
    rows = -(-max(len(panels), 1) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.2 * rows), squeeze=False)
    # margins in inches, placed by hand: a tight layout measures every label first (0.08 s of a 0.2 s picture)
    fig.subplots_adjust(left=0.7 / (4 * columns), right=1 - 0.2 / (4 * columns), bottom=0.55 / (3.2 * rows),
                        top=1 - 0.35 / (3.2 * rows), wspace=0.35, hspace=0.55)
    scores = [(row[monitor], row["epoch"]) for row in epochs if monitor in row] if monitor else []
    best = (max(scores) if mode == "max" else min(scores))[1] if scores else None
    for axis in axes.flat[len(panels) :]:
        axis.remove()  # the spare places of the last row stay blank
    for axis, name in zip(axes.flat, panels, strict=False):
        keys = ["lr"] if name == "lr" else [f"{split}/{name}" for split in ("train", "val")]
        for key in keys:
            points = [(row["epoch"], row[key]) for row in epochs if key in row]
            if points:
                axis.plot([x for x, _ in points], [y for _, y in points], marker="o", markersize=3, label=key)
        if best is not None:
            axis.axvline(best, color="grey", linestyle="--", linewidth=1, label=f"best epoch ({best})")
        axis.set_title("learning rate" if name == "lr" else name)
        axis.set_xlabel("epoch")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        axis.set_xlim(min(x, default=0) - 0.5, max(x, default=0) + 0.5)
        axis.legend(fontsize=7)
    return fig


def save_figure(fig: Figure, path: Path) -> Path:
    """As the figure was laid out when drawn (placed by hand, or a layout engine): one drawing, where
    ``bbox_inches="tight"`` would draw it twice (0.1 s a picture on 2 cores)."""
    with replacing(path) as partial:
        fig.savefig(partial, format="png", dpi=100)
    plt.close(fig)
    return path


def environment(started: float | None = None, device: str = "cpu") -> dict[str, str]:
    """Versions, device and wall time, as the report lists them."""
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    facts = {"python": platform.python_version(), "platform": platform.platform(), "device": device, **found}
    if started is not None:
        facts["wall time"] = f"{time.monotonic() - started:.1f} s"
    return facts


def _table(rows: dict) -> str:
    cells = (f"<tr><th>{html.escape(str(key))}</th><td>{html.escape(_number(value))}</td></tr>"
             for key, value in rows.items())
    return f"<table>{''.join(cells)}</table>"


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _image(path: Path) -> str:
    kind = "jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "png"
    data = base64.b64encode(path.read_bytes()).decode()
    return (f'<figure><img src="data:image/{kind};base64,{data}" alt="{path.name}">'
            f"<figcaption>{path.name}</figcaption></figure>")


STYLE = """body{font-family:sans-serif;margin:2em;max-width:1400px}img{max-width:100%;border:1px solid #ddd}
table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #ddd;padding:2px 8px;text-align:left}
pre{background:#f6f6f6;padding:1em;overflow:auto}figure{margin:0 0 1.5em 0}"""


def _rows(rows: Sequence[dict]) -> str:
    """A table with a header row: one dict per row, every key a column (blank where a row lacks it)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    header = "".join(f"<th>{html.escape(str(key))}</th>" for key in columns)
    body = ("<tr>" + "".join(f"<td>{html.escape(_number(row.get(key, '')))}</td>" for key in columns) + "</tr>"
            for row in rows)
    return f"<table><tr>{header}</tr>{''.join(body)}</table>"


def write_run_report(run_dir: Path, metrics: dict, pictures: Sequence[Path], facts: dict[str, str],
                     rows: Sequence[dict] = (), settings: Path | None = None, title: str = "Run report") -> Path:
    """``run_dir/report.html`` (whole or absent): the final metrics, the pictures inline, ``rows`` as a table (a
    study's trials), the environment and the settings (the run's config unless given)."""
    settings = settings or run_dir / CONFIG_FILE
    body = [f"<h1>{title}: {html.escape(run_dir.name)}</h1>", "<h2>Final metrics</h2>", _table(metrics),
            "<h2>Pictures</h2>", *(_image(path) for path in pictures if path.is_file()),
            *(["<h2>Trials</h2>", _rows(rows)] if rows else []),
            "<h2>Environment</h2>", _table(facts), f"<h2>{html.escape(settings.name)}</h2>",
            f"<pre>{html.escape(settings.read_text()) if settings.is_file() else '(none)'}</pre>"]
    page = f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(run_dir.name)}</title>" \
           f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    path = run_dir / REPORT_FILE
    with replacing(path) as partial:
        partial.write_text(page)
    return path
