"""tracking=mlflow for real: Ultralytics' own MLflow integration, sent to a real MLflow tracking server
(tests/mlflow_server.py), or by default to one local SQLite store. Skipped where MLflow is not installed.
(Ultralytics logs to MLflow under pytest only in tests whose name holds ``test_mlflow``.)"""

import os
import subprocess
import sys

import pytest
from conftest import ROOT
from mlflow_server import mlflow_server  # noqa: F401  (a fixture)

mlflow = pytest.importorskip("mlflow", reason="MLflow is not installed: `pip install mlflow` or answer tracking=mlflow")
PACKAGE = next(p.name for p in (ROOT / "src").iterdir() if (p / "train.py").is_file())


def train(tmp_path, env: dict) -> None:
    args = ["scripts/train.py", "experiment=shapes_quick", "tracking=mlflow", "trainer=cpu", "trainer.max_epochs=2",
            "data.num_train=16", "data.num_val=8", f"paths.data_dir={tmp_path}/data", f"hydra.run.dir={tmp_path}/run",
            f"paths.output_dir={tmp_path}/outputs"]
    env = {**env, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def one_run(client):
    [run] = client.search_runs([client.get_experiment_by_name(PACKAGE).experiment_id])
    return run


@pytest.mark.slow
def test_mlflow_gets_parameters_and_metrics_per_epoch_on_a_server(mlflow_server, tmp_path):  # noqa: F811
    env = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    train(tmp_path, env | {"MLFLOW_TRACKING_URI": mlflow_server})
    client = mlflow.MlflowClient(mlflow_server)
    run = one_run(client)
    assert run.info.status == "FINISHED" and run.data.params["epochs"] == "2"
    history = client.get_metric_history(run.info.run_id, "metrics/mAP50-95B")
    assert len(history) >= 2 and all(0.0 <= point.value <= 1.0 for point in history)
    assert not (tmp_path / "outputs" / "mlflow.db").exists()  # sent to the server, not kept locally

    # the export made later from the run's checkpoint joins the same run, as export/
    result = subprocess.run([sys.executable, "scripts/export.py", f"ckpt_path={tmp_path}/run/checkpoints/best.pt",
                             "format=onnx"], cwd=ROOT, env=env | {"MLFLOW_TRACKING_URI": mlflow_server,
                                                                  "PYTHONPATH": str(ROOT / "src")},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"logged as export/ of run {run.info.run_id}" in result.stdout
    exported = {artifact.path for artifact in client.list_artifacts(run.info.run_id, "export")}
    assert {"export/model.onnx", "export/preprocess.json"} <= exported


@pytest.mark.slow
def test_mlflow_defaults_to_a_local_sqlite_store(tmp_path):
    """MLflow 3 refuses its old ``file:`` store; without $MLFLOW_TRACKING_URI the run goes to outputs/mlflow.db."""
    train(tmp_path, {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")})
    run = one_run(mlflow.MlflowClient(f"sqlite:///{tmp_path}/outputs/mlflow.db"))
    assert run.info.status == "FINISHED" and "metrics/mAP50-95B" in run.data.metrics
