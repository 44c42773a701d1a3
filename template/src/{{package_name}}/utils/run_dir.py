"""The run directory: resolved config, metrics, preprocessing facts, and finding checkpoints."""

import json
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from ..errors import UserError

CONFIG_FILE = "config.yaml"
METRICS_FILE = "metrics.json"
PREPROCESS_FILE = "preprocess.json"


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def save_config(cfg: DictConfig, run_dir: Path) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    OmegaConf.save(cfg, run_dir / CONFIG_FILE, resolve=True)


def run_dir_of(ckpt_path: str | Path, suffix: str = ".ckpt") -> Path:
    """``<run>/checkpoints/best<suffix>`` -> ``<run>``, checking the run's config is there."""
    ckpt = Path(ckpt_path)
    if not ckpt.is_file():
        raise UserError(f"ckpt_path={ckpt} does not exist; pass a {suffix} file from <run_dir>/checkpoints/")
    run_dir = ckpt.resolve().parent.parent
    if not (run_dir / CONFIG_FILE).is_file():
        raise UserError(f"ckpt_path={ckpt}: no {CONFIG_FILE} in {run_dir}; keep checkpoints inside their run directory")
    return run_dir


def load_run_config(run_dir: Path) -> DictConfig:
    return OmegaConf.load(run_dir / CONFIG_FILE)


def resolve_resume(ckpt_path: str | None, run_dir: Path, output_dir: Path) -> str | None:
    """``ckpt_path=last`` means this run's last.ckpt, else the newest run's under ``output_dir``."""
    if ckpt_path != "last":
        if ckpt_path is not None and not Path(ckpt_path).is_file():
            raise UserError(f"ckpt_path={ckpt_path} does not exist; pass a .ckpt file or ckpt_path=last")
        return ckpt_path
    own = run_dir / "checkpoints" / "last.ckpt"
    newest_first = sorted(output_dir.glob("**/checkpoints/last.ckpt"), key=lambda p: p.stat().st_mtime)
    candidates = [own] if own.is_file() else newest_first
    if not candidates:
        raise UserError(
            f"ckpt_path=last but no checkpoints/last.ckpt under {output_dir}; train first or pass a .ckpt path"
        )
    print(f"Resuming from {candidates[-1]}")
    return str(candidates[-1])
