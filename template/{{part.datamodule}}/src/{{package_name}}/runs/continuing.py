"""``ckpt_path=last`` (or a run's ``checkpoints/last.ckpt``) with no ``hydra.run.dir``: the training continues in its
own run directory instead of a new dated one, as Ultralytics' ``resume=True`` does. One training keeps one folder:
its log appended, its CSV rows continued, and ``best.ckpt`` competing across all its epochs (Lightning's
ModelCheckpoint reloads its best score only in the directory it saved it in)."""

from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.errors import HydraException
from omegaconf import OmegaConf

from ..errors import UserError
from .run_dir import CONFIG_FILE, LAST, newest_last

LAST_CHECKPOINT = "checkpoints/last.ckpt"


def continue_in_its_run(script: str, argv: list[str]) -> list[str]:
    """``argv`` with ``hydra.run.dir=<the resumed run>`` added when it resumes a run of this project's outputs;
    unchanged otherwise (a search's ``-m``, a given run dir, a best.ckpt, nothing to resume: train says why)."""
    given = dict(argument.partition("=")[::2] for argument in argv[1:])
    ckpt = given.get("ckpt_path")
    if not ckpt or "hydra.run.dir" in given or any(argument.startswith("-") for argument in argv[1:]):
        return argv
    if ckpt == "last":
        try:
            with initialize_config_dir(str(Path(script).resolve().parents[1] / "configs"), version_base="1.3"):
                output_dir = Path(OmegaConf.select(compose("config", overrides=argv[1:]), "paths.output_dir"))
            ckpt = newest_last("last", output_dir / LAST["last"], output_dir, (LAST_CHECKPOINT,))
        except (HydraException, UserError):
            return argv
    run = Path(ckpt).resolve().parent.parent
    if not Path(ckpt).is_file() or Path(ckpt).resolve() != run / LAST_CHECKPOINT or not (run / CONFIG_FILE).is_file():
        return argv
    return [*argv, f"hydra.run.dir={run}"]


def set_aside_csv(run_dir: Path, resume_from: str | None) -> None:
    """Lightning's CSVLogger deletes the ``csv/metrics.csv`` it finds (Paddle's writes the fit's epochs over it): a
    run continued in its own directory moves its earlier rows to ``csv.1/`` (``csv.2/`` after a second resume...)."""
    csv = run_dir / "csv"
    if resume_from and Path(resume_from).resolve().is_relative_to(run_dir.resolve()) and csv.is_dir():
        csv.rename(run_dir / f"csv.{1 + len(list(run_dir.glob('csv.*')))}")
