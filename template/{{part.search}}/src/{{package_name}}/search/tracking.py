"""A search's MLflow parent run: when the trials log to MLflow (``logger=mlflow``, or ``tracking=mlflow`` for
YOLO), each sweep process opens one parent run named after the study, its trials become child runs
(``mlflow.parentRunId``), and it gets the best trial's value and parameters at the end. Runs in the sweeper's
process; MLflow is imported only then."""

import os

from omegaconf import DictConfig

PARENT_KEY = "mlflow_parent_run"  # the sweeper adds `+mlflow_parent_run=<run id>` to every trial it launches


def destination(config: DictConfig) -> tuple[str, str] | None:
    """(tracking URI, experiment) the trials of this search log to; None when they do not use MLflow."""
    mlflow_logger = (config.get("logger") or {}).get("mlflow")
    if mlflow_logger:
        return str(mlflow_logger.tracking_uri), str(mlflow_logger.experiment_name)
    if config.get("tracking") == "mlflow":  # Ultralytics' integration: models/yolo_env.use_tracking's defaults
        uri = os.environ.get("MLFLOW_TRACKING_URI", f"sqlite:///{config.paths.output_dir}/mlflow.db")
        return uri, os.environ.get("MLFLOW_EXPERIMENT_NAME", __package__.split(".")[0])
    return None


class ParentRun:
    """One MLflow run for this sweep process's trials of ``study_name``."""

    def __init__(self, uri: str, experiment: str, study_name: str) -> None:
        from mlflow import MlflowClient
        from mlflow.exceptions import MlflowException

        self.client = MlflowClient(uri)
        found = self.client.get_experiment_by_name(experiment)
        try:
            experiment_id = found.experiment_id if found else self.client.create_experiment(experiment)
        except MlflowException:  # another worker created it first
            experiment_id = self.client.get_experiment_by_name(experiment).experiment_id
        self.run_id = self.client.create_run(experiment_id, run_name=study_name,
                                             tags={"optuna.study": study_name}).info.run_id

    def finish(self, summary: dict) -> None:
        """The study's summary (``search.study.write_results``): best value and parameters, trial counts."""
        if "best_value" in summary:
            self.client.log_metric(self.run_id, "best_value", float(summary["best_value"]))
            self.client.set_tag(self.run_id, "best_trial", str(summary["best_trial"]))
            for key, value in summary["best_params"].items():
                self.client.log_param(self.run_id, key, value)
        for state, count in summary.get("trials", {}).items():
            self.client.log_metric(self.run_id, f"trials/{state}", count)
        self.client.set_terminated(self.run_id, "FINISHED")
