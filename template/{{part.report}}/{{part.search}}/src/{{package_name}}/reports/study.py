"""The study report: ``report.html`` beside a search's ``optimization_results.yaml``, with Optuna's own plots (the
optimisation history, the parameter importances) and a table of the trials. The sweeper writes it at the end."""

import warnings
from pathlib import Path

import optuna
from optuna.trial import TrialState
from optuna.visualization import matplotlib as optuna_plots

from .run import environment, save_figure, write_run_report

PLOTS = {"history.png": optuna_plots.plot_optimization_history, "importances.png": optuna_plots.plot_param_importances}


def trial_rows(study: optuna.Study) -> list[dict]:
    rows = []
    for trial in study.get_trials(deepcopy=False):
        took = trial.duration  # None while running
        rows.append({"trial": trial.number, "state": trial.state.name.lower(), "value": trial.value,
                     "seconds": round(took.total_seconds(), 1) if took else None, **trial.params})
    return rows


def write_study_report(study: optuna.Study, results_file: Path) -> Path:
    folder = results_file.parent
    complete = [trial for trial in study.get_trials(deepcopy=False) if trial.state == TrialState.COMPLETE]
    pictures = []
    for name, plot in PLOTS.items():
        if name == "importances.png" and (len(complete) < 2 or not study.best_trial.params):
            continue  # importances need two finished trials and a parameter
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            figure = plot(study).figure
            figure.set_layout_engine("tight")  # Optuna's labels kept inside the picture
            pictures.append(save_figure(figure, folder / name))
    best = {"best trial": study.best_trial.number, "best value": study.best_value} if complete else {}
    facts = environment() | {"study": study.study_name, "direction": study.direction.name.lower()}
    return write_run_report(folder, best, pictures, facts, trial_rows(study), results_file, "Study report")
