"""The MLflow run a training logged to (``logger=mlflow``), remembered in its run directory, so that what is made
from its checkpoints later, the export, joins that run as artifacts. MLflow is imported only to log."""

import json
import os
from pathlib import Path

from .cli import one_line
from .run_dir import write_json

MLFLOW_RUN_FILE = "mlflow_run.json"


def remember(run_dir: Path, tracking_uri: str, run_id: str) -> None:
    write_json(run_dir / MLFLOW_RUN_FILE, {"tracking_uri": tracking_uri, "run_id": run_id})


def log_export(run_dir: Path, export_dir: Path) -> None:
    """``export_dir``'s files under ``export/`` in the run's artifacts; one line either way. An export is kept when
    the tracking server cannot be reached: it is said, not raised."""
    record = run_dir / MLFLOW_RUN_FILE
    if not record.is_file():
        return
    run = json.loads(record.read_text())
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")  # MLflow's default: 4 minutes for a server down
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    try:
        from mlflow import MlflowClient

        MlflowClient(run["tracking_uri"]).log_artifacts(run["run_id"], str(export_dir), artifact_path="export")
        print(f"MLflow: {export_dir} logged as export/ of run {run['run_id']} ({run['tracking_uri']})")
    except Exception as error:  # noqa: BLE001  (a server down, a deleted run: the export itself stands)
        print(f"MLflow: the export was not logged to run {run['run_id']} ({run['tracking_uri']}): {one_line(error)}")
