"""A real MLflow tracking server for the tracking tests: ``mlflow server`` on a fresh SQLite database, on loopback,
artifacts served by the server. Skips its tests, with the reason, where MLflow is missing or cannot start."""

import socket
import subprocess
import sys
import time

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    """The server's URL (``http://127.0.0.1:<port>``), stopped after the module's tests."""
    pytest.importorskip("mlflow", reason="MLflow is not installed: `pip install mlflow` or answer tracking=mlflow")
    root, port = tmp_path_factory.mktemp("mlflow"), free_port()
    log = open(root / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{root}/mlflow.db", "--artifacts-destination", str(root / "artifacts")],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.skip(f"mlflow server did not start: {(root / 'server.log').read_text()[-500:]}")
            time.sleep(0.5)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)
    log.close()
