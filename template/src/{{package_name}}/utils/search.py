"""Hyper-parameter search with Optuna: study storage, search space, the trial a sweep job runs, results.

Used by the project's Hydra sweeper (``src/hydra_plugins/``, ``hydra/sweeper=optuna_study``) and by
``train(cfg)`` (the metric it returns, the pruning callback's trial). Optuna is imported only here,
and only when a search runs.
"""

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from ..errors import UserError

try:
    import fcntl  # POSIX file locks
except ImportError:  # Windows: one worker per sweep dir
    fcntl = None

RESULTS_FILE = "optimization_results.yaml"
TRIAL_KEY = "optuna_trial"  # the sweeper adds `+optuna_trial=<number>` to every job it launches


def open_storage(location: str | None):
    """A database URL (``sqlite:///s.db``, ``postgresql://...``) or a file path (Optuna's journal file).

    Every process or machine given the same location works on the same study.
    """
    import optuna

    if not location:
        raise UserError("hydra.sweeper.storage is empty: give a file path or a database URL shared by the workers")
    if "://" in str(location):
        return optuna.storages.RDBStorage(str(location))
    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))


def _distribution(override) -> Any:
    """One parsed Hydra override -> an Optuna distribution, or its plain value when it is not a sweep."""
    from hydra.core.override_parser.types import ChoiceSweep, IntervalSweep, RangeSweep, Transformer
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    if not override.is_sweep_override():
        return override.get_value_element_as_str()
    value = override.value()
    if isinstance(value, ChoiceSweep) or (isinstance(value, RangeSweep) and value.shuffle):
        return CategoricalDistribution(list(override.sweep_iterator(transformer=Transformer.encode)))
    if isinstance(value, RangeSweep):  # range(start, stop, step): stop excluded, as in Python
        values = list(override.sweep_iterator())
        if all(isinstance(v, int) for v in values):
            return IntDistribution(values[0], values[-1], step=int(value.step))
        return FloatDistribution(values[0], values[-1], step=float(value.step))
    if isinstance(value, IntervalSweep):  # interval(low, high), tag(log, interval(low, high))
        log = "log" in value.tags
        if isinstance(value.start, int) and isinstance(value.end, int):
            return IntDistribution(value.start, value.end, log=log)
        return FloatDistribution(float(value.start), float(value.end), log=log)
    raise UserError(f"search space '{override.input_line}': use choice(...), range(...) or interval(...)")


def search_space(arguments: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Overrides (``hydra.sweeper.params`` and the command line) -> (distributions, fixed values)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from optuna.distributions import BaseDistribution

    distributions, fixed = {}, {}
    for override in OverridesParser.create().parse_overrides(arguments):
        value = _distribution(override)
        target = distributions if isinstance(value, BaseDistribution) else fixed
        target[override.get_key_element()] = value
    return distributions, fixed


def objective(cfg: DictConfig, metrics: dict[str, float]) -> float | None:
    """The value a sweep optimises: ``metrics[cfg.optimized_metric]`` (None when no metric is named)."""
    name = cfg.get("optimized_metric")
    if not name:
        return None
    if name not in metrics:
        raise UserError(f"optimized_metric '{name}' is not among this run's metrics: {', '.join(sorted(metrics))}")
    return float(metrics[name])


def current_trial(cfg: DictConfig):
    """The Optuna trial a sweep job runs (None outside a search), joined through the shared storage."""
    number = cfg.get(TRIAL_KEY)
    if number is None:
        return None
    import hydra
    import optuna
    from hydra.core.hydra_config import HydraConfig

    sweeper = HydraConfig.get().sweeper
    storage = open_storage(sweeper.storage)
    study_id = storage.get_study_id_from_name(sweeper.study_name)
    trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, int(number))
    pruner = hydra.utils.instantiate(sweeper.pruner) if sweeper.get("pruner") else None
    study = optuna.load_study(study_name=sweeper.study_name, storage=storage, pruner=pruner)
    return optuna.trial.Trial(study, trial_id)


def write_results(study, sweep_dir: str | Path) -> Path:
    """``optimization_results.yaml``: best parameters and value, trial counts (of the whole study).

    Workers sharing a sweep dir take turns (a lock file), so the last one to finish leaves the final counts.
    """
    from optuna.trial import TrialState

    path = Path(sweep_dir) / RESULTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        if fcntl:
            fcntl.flock(lock, fcntl.LOCK_EX)
        states = [trial.state for trial in study.get_trials(deepcopy=False)]
        results = {"name": "optuna", "study_name": study.study_name, "direction": study.direction.name.lower()}
        if TrialState.COMPLETE in states:
            best = study.best_trial
            results |= {"best_trial": best.number, "best_params": best.params, "best_value": best.value}
        results["trials"] = {state.name.lower(): states.count(state) for state in TrialState if states.count(state)}
        OmegaConf.save(OmegaConf.create(results), path)
    return path
