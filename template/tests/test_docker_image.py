"""The CPU image, built from deploy/cpu/Dockerfile as shipped and run (marker docker: pytest -m docker).

buildah builds it (no Docker daemon needed) and runs commands in the image's filesystem with the image's
environment, as uid 10001, on the host network. Where the base image cannot be pulled, a stand-in of the same
OS and Python (Debian bookworm, mmdebstrap) is built under the base's name. Pip in the build reaches the package
index through the host's pip configuration and CA bundle, mounted read-only, never copied into a layer;
DOCKER_WHEELS=<folder> mounts a folder of wheels (e.g. the pinned torch) as pip's find-links.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import conftest
import pytest

ROOT = conftest.ROOT
QUICK = getattr(conftest, "QUICK", ["model=simple_cnn", "data=digits"])  # the engine's quick run, else digits
BUILDAH = shutil.which("buildah")
DOCKERFILE = ROOT / "deploy/cpu/Dockerfile"
TAG = "localhost/project-under-test:cpu"
SERVING = (ROOT / "scripts/serve.py").is_file()
STAND_IN = {"3.11": "bookworm"}  # Python of the slim base -> Debian release whose python3 is that version

pytestmark = [pytest.mark.docker,
              pytest.mark.skipif(not BUILDAH, reason="no image builder: apt-get install buildah")]


def buildah(*args: str, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([BUILDAH, *args], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, f"buildah {' '.join(args)}\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result


def has_image(name: str) -> bool:
    return subprocess.run([BUILDAH, "inspect", "--type", "image", name], capture_output=True).returncode == 0


def stand_in_base(base: str, work: Path) -> None:
    """Debian with the base's Python under the base's name, as python:X.Y-slim has it (`python`, pip, venv)."""
    release = STAND_IN.get(base.partition(":")[2].split("-")[0])
    if not release or not shutil.which("mmdebstrap"):
        pytest.skip(f"cannot pull {base} and cannot make a stand-in (needs mmdebstrap and Python {list(STAND_IN)})")
    rootfs = work / "rootfs.tar"
    subprocess.run(["mmdebstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates", release,
                    str(rootfs)], check=True, capture_output=True, timeout=900)
    box = buildah("from", "scratch").stdout.strip()
    buildah("add", box, str(rootfs), "/")  # the tar is unpacked
    buildah("config", "--env", "PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "--cmd", "python", box)
    buildah("run", "--isolation", "chroot", box, "--", "ln", "-s", "/usr/bin/python3", "/usr/local/bin/python")
    first = base.split("/")[0]
    qualified = base if "." in first and "/" in base else f"docker.io/{'' if '/' in base else 'library/'}{base}"
    buildah("commit", "--rm", box, qualified)
    rootfs.unlink()


def pip_mounts(work: Path) -> list[str]:
    """The host's pip configuration and CA bundle (and DOCKER_WHEELS), mounted read-only into the build; ``work``
    is the same folder every run: a mount's path is part of buildah's layer cache key."""
    mounts = ["/etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro"]
    extra = ["[global]", "retries = 0"]  # an unreachable extra index fails at once, not after ~8 s per package
    if Path("/etc/pip.conf").is_file():
        mounts.append("/etc/pip.conf:/etc/pip.conf:ro")
    if os.environ.get("DOCKER_WHEELS"):
        mounts.append(f"{os.environ['DOCKER_WHEELS']}:/wheels:ro")
        extra.append("find-links = /wheels")
    (work / "pip.conf").write_text("\n".join(extra) + "\n")
    mounts.append(f"{work / 'pip.conf'}:/etc/xdg/pip/pip.conf:ro")
    return [arg for mount in mounts for arg in ("-v", mount)]


@pytest.fixture(scope="module")
def image(pytestconfig):
    """The image built from the Dockerfile as shipped (minutes, GBs): its config. Only when asked for."""
    if "docker" not in (pytestconfig.getoption("markexpr") or "") or "not docker" in pytestconfig.getoption("markexpr"):
        pytest.skip("the image tier runs only when asked for: pytest -m docker")
    work = Path(tempfile.gettempdir()) / f"docker-tier-{os.getuid()}"
    work.mkdir(exist_ok=True)
    base = re.search(r"^FROM (\S+)", DOCKERFILE.read_text(), re.M).group(1)
    if not has_image(base):
        stand_in_base(base, work)
    start = time.monotonic()
    buildah("build", "--isolation", "chroot", "--pull=never", "--layers", "--format", "docker", *pip_mounts(work),
            "-f", str(DOCKERFILE), "-t", TAG, str(ROOT), timeout=3600)
    seconds = time.monotonic() - start
    config = json.loads(buildah("inspect", "--type", "image", TAG).stdout)
    size = buildah("images", "--format", "{" + "{.Size}}", TAG).stdout.strip()  # a Go template, not Jinja
    print(f"\nimage {TAG}: built in {seconds:.0f} s, {size}")
    return config


@pytest.fixture
def container(image):
    """A working container of the image (removed after the test): run(*command, mounts) runs in it as uid 10001."""
    name = buildah("from", "--pull=never", TAG).stdout.strip()

    def run(*command: str, volumes=(), **kwargs):
        mounts = [arg for volume in volumes for arg in ("-v", volume)]
        return [BUILDAH, "run", "--isolation", "chroot", "--user", "10001", *mounts, name, "--", *command], kwargs

    yield run
    subprocess.run([BUILDAH, "rm", name], capture_output=True)


def test_no_pip_configuration_or_secret_in_any_layer(image, container):
    history = " ".join(step.get("created_by", "") for step in image["Docker"]["history"])
    assert not re.search(r"pip\.conf|PIP_(INDEX|EXTRA_INDEX|CERT|FIND_LINKS)|TOKEN|PASSWORD|/wheels", history)
    command, _ = container("sh", "-c", "find / -xdev \\( -name pip.conf -o -name pip.ini \\) -size +0 2>/dev/null")
    assert subprocess.run(command, capture_output=True, text=True, timeout=120).stdout.strip() == ""
    assert image["Docker"]["config"]["User"] == "10001"


def test_trains_one_epoch_into_a_mounted_outputs_folder(container, tmp_path):
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    os.chown(outputs, 10001, 10001) if os.geteuid() == 0 else outputs.chmod(0o777)
    command, _ = container("python", "scripts/train.py", "trainer=cpu", "logger=csv", *QUICK, "trainer.max_epochs=1",
                           "hydra.run.dir=outputs/docker-run", volumes=[f"{outputs}:/app/outputs"])
    result = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-3000:]
    written = sorted(str(path.relative_to(outputs)) for path in outputs.rglob("*") if path.is_file())
    print("\ntraining wrote on the host:", written)
    assert (outputs / "docker-run/metrics.json").is_file() and any(name.endswith(".ckpt") for name in written)


@pytest.mark.skipif(not SERVING, reason="serving is off in this project")
def test_serves_a_mounted_export_and_passes_its_healthcheck(image, container, tmp_path):
    from tiny_export import tiny_export

    models = tiny_export(tmp_path / "models")
    for path in [models, *models.iterdir()]:
        os.chown(path, 10001, 10001) if os.geteuid() == 0 else path.chmod(0o755)
    cmd = image["Docker"]["config"]["Cmd"]
    command, _ = container(*cmd, volumes=[f"{models}:/app/models:ro"])
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        health = wait_for("http://127.0.0.1:8000/health", server)
        assert health["status"] == "ok", health
        picture = subprocess.run([sys.executable, "-c", "import io, sys; from PIL import Image; b = io.BytesIO(); "
                                  "Image.new('RGB', (40, 30), (200, 30, 30)).save(b, 'PNG'); "
                                  "sys.stdout.buffer.write(b.getvalue())"], capture_output=True).stdout
        answer = post_png("http://127.0.0.1:8000/predict", picture)
        print("\n/predict from the container:", answer)
        classes = json.loads((models / "preprocess.json").read_text())["classes"]
        assert answer and answer.get("class", classes[0]) in classes  # a classifier names one of its classes
        assert "<input" in urllib.request.urlopen("http://127.0.0.1:8000/", timeout=10).read().decode()
        check = image["Docker"]["config"]["Healthcheck"]["Test"]
        assert check[0] == "CMD"
        probe, _ = container(*check[1:])
        result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
        print("HEALTHCHECK", check[1:], "exit", result.returncode)
        assert result.returncode == 0, result.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(url: str, server: subprocess.Popen) -> dict:
    for _ in range(240):
        assert server.poll() is None, server.stdout.read()[-3000:]
        try:
            return json.loads(urllib.request.urlopen(url, timeout=2).read())
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer in 120 s")


def post_png(url: str, data: bytes) -> dict:
    boundary = "imageboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return json.loads(urllib.request.urlopen(request, timeout=30).read())
