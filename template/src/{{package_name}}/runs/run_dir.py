"""The run directory: resolved config, metrics, preprocessing facts, and finding checkpoints."""

import functools
import importlib
import json
import shutil
import signal
import threading
from pathlib import Path
from signal import SIG_DFL

from omegaconf import DictConfig, OmegaConf

from ..errors import UserError
from .atomic import replacing
from .cli import one_line
from .console import get_logger, is_rank_zero

log = get_logger(__name__)

CONFIG_FILE = "config.yaml"
METRICS_FILE = "metrics.json"
PREPROCESS_FILE = "preprocess.json"
STATUS_FILE = "status.json"
REPORT_FILE = "report.html"  # written by the report callback when the project has one


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
    check_own_model(ckpt, OmegaConf.select(OmegaConf.load(run_dir / CONFIG_FILE), "model._target_"))
    return run_dir


def check_own_model(ckpt: Path, target: str | None) -> None:
    """A run of another project (or of another task's project under the same package name) is refused before its
    model is built and anything is written into its folder: its ``model._target_`` must be one of this package's."""
    package = __name__.split(".")[0]
    module, _, name = (target or "").rpartition(".")
    if not target or (module.split(".")[0] == package and hasattr(_imported(module), name)):
        return
    raise UserError(f"ckpt_path={ckpt} was trained by another project (its model is {target}, {package} has no such "
                    "model); pass a checkpoint of this project's runs")


def _imported(module: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:  # that module is missing, not one it imports
        if not module.startswith(error.name or "?"):
            raise
        return None


def load_run_config(run_dir: Path) -> DictConfig:
    return OmegaConf.load(run_dir / CONFIG_FILE)


def results_dir(output_dir: str | None, run_dir: Path, name: str, say: bool = True) -> Path:
    """Where eval and export write (``name``: ``eval``, ``export``): ``output_dir`` when given; else beside the run,
    ``<run>/<name>/``, when the run is where its training wrote it (its config's ``paths.run_dir``). A run copied or
    moved there from elsewhere (a colleague's, another machine's), or weights outside any run, are not written beside:
    ``outputs/<name>/<run>/``."""
    if output_dir:
        return Path(output_dir)
    config = Path(run_dir) / CONFIG_FILE
    trained_in = OmegaConf.select(OmegaConf.load(config), "paths.run_dir", default=None) if config.is_file() else None
    if trained_in and Path(run_dir).resolve() == Path(trained_in).resolve():
        return Path(run_dir) / name
    out = Path("outputs") / name / Path(run_dir).resolve().name
    if say:
        log.info("Writing to %s: %s was trained elsewhere (%s), so nothing is written into it; output_dir=... chooses",
                 out, run_dir, trained_in or "unknown")
    return out


LAST = {"last": "runs", "last:multirun": "multiruns"}  # ckpt_path -> where under output_dir it looks


def newest_last(choice: str, run_dir: Path, output_dir: Path, names: tuple[str, ...]) -> Path:
    """``ckpt_path=last``: this run's last (or, in a given run dir, best) checkpoint, never another run's then; else
    the newest single run's under ``output_dir/runs/`` (``last:multirun``: a search trial's). Says which, first."""
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
        its_run = chosen.parents[len(Path(names[0]).parts) - 1]
        log.info("Resuming from %s (ckpt_path=%s: %s; that run: %s)", chosen, choice,
                 "this run's" if own else f"newest in {folder}", describe_status(its_run))
    return chosen


def resolve_resume(ckpt_path: str | None, run_dir: Path, output_dir: Path) -> str | None:
    """``ckpt_path``: a checkpoint file, ``last`` or ``last:multirun`` (see ``newest_last``), or None."""
    if ckpt_path in LAST:
        return str(newest_last(ckpt_path, run_dir, output_dir, ("checkpoints/last.ckpt",)))
    if ckpt_path is not None and not Path(ckpt_path).is_file():
        raise UserError(f"ckpt_path={ckpt_path} does not exist; pass a .ckpt file or ckpt_path=last")
    return ckpt_path


def _remove_empty_parents(run_dir: Path, output_dir: Path) -> None:
    """``outputs/runs/`` left empty goes too; ``output_dir`` itself and anything outside it stay."""
    output_dir = output_dir.resolve()
    for parent in run_dir.resolve().parents:
        if parent == output_dir or not parent.is_relative_to(output_dir) or any(parent.iterdir()):
            return
        parent.rmdir()


def read_status(run_dir) -> dict:
    """``status.json``: ``running`` (the epoch under way), ``finished``, ``failed`` or ``interrupted`` (and why)."""
    path = Path(run_dir) / STATUS_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def describe_status(run_dir) -> str:
    """``status.json`` in words, for the line that says what is resumed: ``interrupted (SIGTERM) at epoch 3``."""
    try:
        status = read_status(run_dir)
    except (OSError, ValueError):  # edited by hand, say: the resume goes on
        return "status.json unreadable"
    if not isinstance(status, dict) or "status" not in status:
        return "no status recorded"
    words = status["status"] + (f" ({status['reason']})" if status.get("reason") else "")
    return words + (f" at epoch {status['epoch']}" if "epoch" in status else "")


def write_status(run_dir, status: str, reason: str | None = None, **facts) -> None:
    write_json(Path(run_dir) / STATUS_FILE, {**read_status(run_dir), "status": status, "reason": reason, **facts})


class Interrupted(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler's preemption) as an exception, so that the run can say it was stopped."""


def _interrupt(signum, frame):
    raise Interrupted("SIGTERM")


def why_stopped(error: BaseException | None) -> tuple[str, str]:
    """-> (status, reason); Lightning turns Ctrl-C and SIGTERM into ``SystemExit``, so the chain is read."""
    first = error
    while error is not None and not isinstance(error, KeyboardInterrupt):
        error = error.__context__
    if error is not None:
        return "interrupted", str(error) if isinstance(error, Interrupted) else "SIGINT"
    return "failed", " ".join(f"{type(first).__name__}: {one_line(first)}".split())[:500]  # a worker's error unwrapped


def keeps_run_evidence(train):
    """Decorates ``train(cfg)``: a run refused before its first epoch removes the run dir it started (unless the dir
    held anything before); one that trained keeps it, its log and ``status.json`` (why it failed or was stopped,
    SIGTERM included: each engine writes ``running`` as an epoch starts). DDP ranks other than 0 leave it alone."""

    @functools.wraps(train)
    def wrapper(cfg: DictConfig, *args, **kwargs):
        run_dir = Path(cfg.paths.run_dir)
        started_empty = not run_dir.exists() or all(p.name == ".hydra" or p.suffix == ".log" for p in run_dir.iterdir())
        rank_zero = is_rank_zero()  # srun's ranks too: a second rank must not remove what the first one kept
        ours = threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is SIG_DFL
        previous = signal.signal(signal.SIGTERM, _interrupt) if ours else None
        try:
            result = train(cfg, *args, **kwargs)
        except BaseException as error:
            status = read_status(cfg.paths.run_dir).get("status")  # train may move the run dir
            if rank_zero and status == "running":
                write_status(cfg.paths.run_dir, *why_stopped(error))
            elif started_empty and rank_zero and status is None:  # a run that trained is never removed
                shutil.rmtree(run_dir, ignore_errors=True)
                _remove_empty_parents(run_dir, Path(cfg.paths.output_dir))
            raise
        finally:
            signal.signal(signal.SIGTERM, previous) if ours else None
        if rank_zero and read_status(cfg.paths.run_dir):
            write_status(cfg.paths.run_dir, "finished")
        return result

    return wrapper
