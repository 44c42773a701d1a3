"""The run directory: resolved config, metrics, preprocessing facts, and finding checkpoints."""

import functools
import json
import os
import shutil
import signal
import threading
from pathlib import Path
from signal import SIG_DFL

from omegaconf import DictConfig, OmegaConf

from ..errors import UserError
from .atomic import replacing
from .console import get_logger, is_rank_zero

log = get_logger(__name__)

CONFIG_FILE = "config.yaml"
METRICS_FILE = "metrics.json"
PREPROCESS_FILE = "preprocess.json"
STATUS_FILE = "status.json"
REPORT_FILE = "report.html"  # written by the report callback when the project has one
CHECKPOINT_SUFFIXES = (".ckpt", ".pt", ".pdparams")  # Lightning and Paddle runs, Ultralytics weights


def write_json(path: Path, data: dict) -> None:
    """Whole or absent (``atomic.replacing``): a killed run never leaves half a file."""
    with replacing(path) as partial:
        partial.write_text(json.dumps(data, indent=2) + "\n")


def say_where(run_dir: Path) -> None:
    """A training's last lines: its run directory, and its report when one was written."""
    log.info("Run directory: %s", run_dir)
    if (run_dir / REPORT_FILE).is_file():
        log.info("Report: %s", run_dir / REPORT_FILE)


def save_config(cfg: DictConfig, run_dir: Path) -> None:
    """The resolved config, without Hydra's own node (Hydra keeps that in ``.hydra/``)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    run_cfg = {key: cfg[key] for key in cfg if key != "hydra"}
    OmegaConf.save(OmegaConf.create(run_cfg), run_dir / CONFIG_FILE, resolve=True)


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


LAST = {"last": "runs", "last:multirun": "multiruns"}  # ckpt_path -> where under output_dir it looks


def newest_last(choice: str, run_dir: Path, output_dir: Path, names: tuple[str, ...]) -> Path:
    """``ckpt_path=last``: this run's own last checkpoint, else the newest single run's under ``output_dir/runs/``,
    never a search trial's (``last:multirun`` looks in ``output_dir/multiruns/`` instead). A run directory that
    holds a run (``hydra.run.dir=<run>``) means that run: its last, else its best, never another's. Says which."""
    own = [run_dir / name for name in names if (run_dir / name).is_file()]
    if not own and (run_dir / CONFIG_FILE).is_file():
        own = [run_dir / best for name in names if (run_dir / (best := name.replace("last", "best"))).is_file()]
        if not own:
            raise UserError(f"ckpt_path={choice}: the run in {run_dir} saved no checkpoint to resume; "
                            "start a new run (leave hydra.run.dir out)")
    folder = output_dir / LAST[choice]
    others = (path for name in names for path in folder.glob(f"**/{name}"))
    found = own or sorted(others, key=lambda path: path.stat().st_mtime)
    if not found:
        raise UserError(f"ckpt_path={choice} but no {' or '.join(names)} under {folder}; train first or pass a path")
    chosen = found[0] if own else found[-1]
    if is_rank_zero():
        log.info("Resuming from %s (ckpt_path=%s: %s)", chosen, choice, "this run's" if own else f"newest in {folder}")
    return chosen


def resolve_resume(ckpt_path: str | None, run_dir: Path, output_dir: Path) -> str | None:
    """``ckpt_path``: a checkpoint file, ``last`` or ``last:multirun`` (see ``newest_last``), or None."""
    if ckpt_path in LAST:
        return str(newest_last(ckpt_path, run_dir, output_dir, ("checkpoints/last.ckpt",)))
    if ckpt_path is not None and not Path(ckpt_path).is_file():
        raise UserError(f"ckpt_path={ckpt_path} does not exist; pass a .ckpt file or ckpt_path=last")
    return ckpt_path


def _holds_only_hydra_files(run_dir: Path) -> bool:
    """True for a directory Hydra has just made: nothing but ``.hydra/`` and the job's ``<script>.log``."""
    return not run_dir.exists() or all(p.name == ".hydra" or p.suffix == ".log" for p in run_dir.iterdir())


def _remove_empty_parents(run_dir: Path, output_dir: Path) -> None:
    """``outputs/runs/`` left empty goes too; ``output_dir`` itself and anything outside it stay."""
    output_dir = output_dir.resolve()
    for parent in run_dir.resolve().parents:
        if parent == output_dir or not parent.is_relative_to(output_dir) or any(parent.iterdir()):
            return
        parent.rmdir()


def read_status(run_dir: Path) -> dict:
    """``status.json``: ``running`` (with the epoch under way), ``finished``, ``failed`` or ``interrupted`` (why)."""
    path = Path(run_dir) / STATUS_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def write_status(run_dir: Path, status: str, reason: str | None = None, **facts) -> None:
    """Rank zero calls it with ``running`` when each epoch starts: from the first on, the run keeps its directory."""
    write_json(Path(run_dir) / STATUS_FILE, {**read_status(run_dir), "status": status, "reason": reason, **facts})


class Interrupted(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler's preemption) raised as an exception, so the run can say it was stopped."""


def _interrupt(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def _why(error: BaseException) -> tuple[str, str]:
    """-> (status, reason), looking through the chain: Lightning turns Ctrl-C and SIGTERM into ``SystemExit``."""
    seen = error
    while seen is not None:
        if isinstance(seen, KeyboardInterrupt):
            return "interrupted", str(seen) if isinstance(seen, Interrupted) else "SIGINT"
        seen = seen.__context__
    return "failed", " ".join(f"{type(error).__name__}: {error}".split())[:500]


def keeps_run_evidence(train):
    """Decorates ``train(cfg)``: a run refused before its first epoch removes the run dir it started; a run that
    trained keeps it, its log and ``status.json`` saying ``failed`` or ``interrupted`` and why (SIGTERM included).

    A directory that held anything before the run (``hydra.run.dir`` pointing at a run to resume) is never
    removed; DDP ranks other than 0 leave it alone.
    """

    @functools.wraps(train)
    def wrapper(cfg: DictConfig, *args, **kwargs):
        run_dir = Path(cfg.paths.run_dir)
        started_empty = _holds_only_hydra_files(run_dir)
        rank_zero = all(os.environ.get(key, "0") == "0" for key in ("RANK", "LOCAL_RANK", "PADDLE_TRAINER_ID"))
        ours = threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is SIG_DFL
        previous = signal.signal(signal.SIGTERM, _interrupt) if ours else None
        try:
            result = train(cfg, *args, **kwargs)
        except BaseException as error:
            checkpoints = run_dir.exists() and any(p.suffix in CHECKPOINT_SUFFIXES for p in run_dir.rglob("*"))
            if rank_zero and read_status(cfg.paths.run_dir).get("status") == "running":  # train may move it
                write_status(cfg.paths.run_dir, *_why(error))
            elif started_empty and rank_zero and not checkpoints:
                shutil.rmtree(run_dir, ignore_errors=True)
                _remove_empty_parents(run_dir, Path(cfg.paths.output_dir))
            raise
        finally:
            if ours:
                signal.signal(signal.SIGTERM, previous)
        if rank_zero and read_status(cfg.paths.run_dir):
            write_status(cfg.paths.run_dir, "finished", reason=None)
        return result

    return wrapper
