"""The generated CPU image built and run: resnet-cpu's docker tier (`pytest -m docker`, buildah, no daemon).

One preset (Lightning) in CI, to stay within CI's time budget; the Paddle and Ultralytics images are not yet
built by any test (README, "What cannot run here")."""

import shutil

import pytest
from conftest import passed, run_project_tests

pytestmark = pytest.mark.skipif(not shutil.which("buildah"), reason="no image builder: apt-get install buildah")


def test_resnet_cpu_image_builds_trains_serves_and_passes_its_healthcheck(rendered):
    result = run_project_tests(rendered("resnet-cpu"), "-m", "docker", "-s", "tests/test_docker_image.py",
                               timeout=3600)
    assert passed(result) == 3
    print(result.stdout[-3000:])
