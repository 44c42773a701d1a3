"""The Copier template: questions, presets, and what every preset renders."""

import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import PRESETS, REPO
from hydra import compose, initialize_config_dir

from scaffolder.answers import check_answers
from scaffolder.presets import load_preset
from scaffolder.template import questions

EXPECTED_FILES = [
    "README.md",
    "PROJECT_BUILD_LOG.md",
    "pyproject.toml",
    ".gitignore",
    ".dockerignore",
    ".copier-answers.yml",
    "requirements.txt",
    "requirements-cpu.txt",
    "requirements-gpu.txt",
    "requirements-dev.txt",
    "configs/config.yaml",
    "configs/eval.yaml",
    "configs/export.yaml",
    "docker-compose.yml",
    "deploy/cpu/Dockerfile",
    "deploy/gpu/Dockerfile",
    "scripts/train.py",
    "scripts/eval.py",
    "scripts/export.py",
    "scripts/check_env.py",
    "scripts/download.py",
]


def copier_copy(dest, *answers: str) -> subprocess.CompletedProcess:
    """Plain `copier copy --defaults` as a user runs it (no --trust), with `-d` answers."""
    data = [arg for answer in answers for arg in ("-d", answer)]
    command = [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", *data, str(REPO), str(dest)]
    return subprocess.run(command, capture_output=True, text=True)


def test_every_question_has_type_help_and_default():
    for name, spec in questions().items():
        assert {"type", "help", "default"} <= set(spec), name


@pytest.mark.parametrize("preset", PRESETS)
def test_presets_answer_known_questions_with_allowed_values(preset):
    loaded = load_preset(preset)
    assert loaded.description
    check_answers(loaded.answers, questions(), f"preset {preset}")  # raises on a bad key or value


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_renders_a_complete_project(rendered, preset):
    """Rendered once per test run (``rendered``), shared with the slow tier that runs its tests."""
    answers = load_preset(preset).answers
    project = rendered(preset)
    for name in EXPECTED_FILES:
        assert (project / name).is_file(), name
    assert (project / "src/my_vision_project/train.py").is_file()
    leftovers = [p for p in project.rglob("*") if p.is_file() and ("{{" in p.read_text() or "{%" in p.read_text())]
    assert leftovers == []
    assert f"- trainer: {answers['hardware']}" in (project / "configs/config.yaml").read_text()
    requirements = (project / f"requirements-{answers['hardware']}.txt").read_text()
    spec = yaml.safe_load((REPO / "spec.yml").read_text())["spec"]["default"]
    framework_pin = "paddlepaddle" if answers["framework"] == "paddle" else "torch"
    assert (
        f"{framework_pin}{'-gpu' if framework_pin == 'paddlepaddle' and answers['hardware'] == 'gpu' else ''}=="
        f"{spec['packages'][framework_pin]}" in requirements
    )
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=project, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout
    with initialize_config_dir(str(project / "configs"), version_base="1.3"):  # the preset's defaults compose
        cfg = compose("config", overrides=["paths.output_dir=/tmp/unused"])
    assert cfg.data._target_ and cfg.model._target_ and cfg.trainer


def test_plain_copier_renders_with_defaults_and_without_trust(tmp_path):
    """`copier copy --defaults` as a user runs it: no --trust, no tasks, nothing but files."""
    dest = tmp_path / "proj"
    result = copier_copy(dest)
    assert result.returncode == 0, result.stderr
    assert (dest / "src/my_vision_project/train.py").is_file()
    assert yaml.safe_load((dest / ".copier-answers.yml").read_text())["dataset"] == "digits"


# Bad input on the plain Copier surface (`copier copy --defaults -d ...`): the last line the user sees.
COPIER_BAD_INPUT = [
    (["preset=nope"], "unknown preset 'nope': no presets/nope.yml in the template"),
    (["preset=../copier"], "preset '../copier' is not a preset name"),
    (
        ["framework=paddle", "task=detection"],
        "Invalid choice for 'task': task 'detection' is not available for framework paddle",
    ),
    (
        ["framework=paddle", "task=segmentation"],
        "Invalid choice for 'task': task 'segmentation' is not available for framework paddle; choose one of: "
        "classification",
    ),
    (
        ["framework=paddle", "task=instance_segmentation"],
        "Invalid choice for 'task': task 'instance_segmentation' is not available for framework paddle",
    ),
    (["task=instance_segmentation", "model=yolov10n"], "Invalid choice for 'model': 'yolov10n' is not in"),
    (
        ["framework=paddle", "model=efficientnet_b0"],
        "Invalid choice for 'model': 'efficientnet_b0' is not in ['resnet18', 'resnet50', 'mobilenet_v2',",
    ),
    (["model=yolov8n", "dataset=shapes"], "Invalid choice for 'model': 'yolov8n' is not in ['resnet18',"),
    (["task=detection", "dataset=digits"], "Invalid choice for 'dataset': 'digits' is not in ['shapes',"),
    (["framework=paddle", "tracking=mlflow"], "tracking 'mlflow' is not available for paddle"),
    (["python_version=3.9"], "Invalid choice for 'python_version': '3.9' is not in ['3.10', '3.11', '3.12']"),
    (["package_name=my-pkg"], "package_name 'my-pkg' is not a valid Python identifier"),
    (["author_email=<>"], "author_email '<>' is not an e-mail address like name@example.org"),
    (["author_email=ada"], "author_email 'ada' is not an e-mail address"),
]


@pytest.mark.parametrize(("answers", "message"), COPIER_BAD_INPUT)
def test_copier_refuses_bad_answers_and_impossible_combinations(tmp_path, answers, message):
    dest = tmp_path / "proj"
    result = copier_copy(dest, *answers)
    assert result.returncode != 0 and message in result.stderr.strip().splitlines()[-1]
    assert not dest.exists()


def test_a_preset_default_that_an_answer_rules_out_falls_back_to_the_task_default(tmp_path):
    """yolo-cpu's model and dataset are defaults, not answers: with task=classification they
    give way to the classification defaults instead of failing (or crashing the prompt)."""
    dest = tmp_path / "proj"
    result = copier_copy(dest, "preset=yolo-cpu", "task=classification")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (answers["task"], answers["model"], answers["dataset"]) == ("classification", "resnet18", "digits")


def test_task_detection_alone_gives_a_yolo_project(tmp_path):
    """Model and dataset defaults follow the task: `-d task=detection` is enough."""
    dest = tmp_path / "proj"
    result = copier_copy(dest, "task=detection")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (answers["model"], answers["dataset"]) == ("yolov8n", "shapes")
    assert "ultralytics==" in (dest / "requirements.txt").read_text()
    assert (dest / "scripts/predict.py").is_file() and not (dest / "configs/callbacks").exists()


def test_task_segmentation_alone_gives_a_lightning_segmentation_project(tmp_path):
    """`-d task=segmentation`: torchvision's DeepLabV3 on Lightning, the built-in shapes, the shared training code."""
    dest = tmp_path / "proj"
    result = copier_copy(dest, "task=segmentation")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (answers["model"], answers["dataset"]) == ("deeplabv3_mobilenet_v3_large", "shapes")
    package = dest / "src" / "my_vision_project"
    assert (package / "models/segmenter.py").is_file() and (package / "train.py").is_file()
    assert not (package / "models/classifier.py").exists() and not (dest / "configs/data/digits.yaml").exists()
    assert "monitor: val/miou" in (dest / "configs/callbacks/default.yaml").read_text()
    assert "python scripts/train.py experiment=shapes_quick" in result.stdout + result.stderr


def test_task_instance_segmentation_alone_gives_a_yolo_seg_project(tmp_path):
    """`-d task=instance_segmentation`: Ultralytics' -seg models, shapes with outlines, the detection engine."""
    dest = tmp_path / "proj"
    result = copier_copy(dest, "task=instance_segmentation")
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (answers["model"], answers["dataset"]) == ("yolov8n-seg", "shapes")
    assert "architecture: yolov8n-seg.yaml" in (dest / "configs/model/yolov8n-seg.yaml").read_text()
    assert not (dest / "configs/model/yolov10n.yaml").exists() and not (dest / "configs/data/coco2017.yaml").exists()
    assert "segments: true" in (dest / "configs/data/shapes.yaml").read_text()
    assert (dest / "src/my_vision_project/serving/outlines.py").is_file()


def test_a_new_test_of_the_trained_run_is_slow_without_saying_so(rendered, tmp_path):
    """The fast tier never trains the quick start: the project's conftest marks every test asking for
    ``trained_run`` (itself or through another fixture) slow, so a test added without the mark stays out.
    (Lightning and Paddle projects share that conftest; one of them is checked.)"""
    project = shutil.copytree(rendered("resnet-cpu"), tmp_path / "project")
    (project / "tests/test_added.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef exported(trained_run):\n    return trained_run\n\n\n"
        "def test_direct(trained_run):\n    pass\n\n\ndef test_through_a_fixture(exported):\n    pass\n\n\n"
        "def test_untrained():\n    pass\n"
    )
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-m", "not slow",
               "tests/test_added.py"]
    collected = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert "tests/test_added.py::test_untrained" in collected.stdout
    assert "test_direct" not in collected.stdout and "test_through_a_fixture" not in collected.stdout
    assert "2 deselected" in collected.stdout
