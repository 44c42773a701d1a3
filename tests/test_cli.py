"""The ``scaffold`` CLI: presets table, new project, and one-line refusals that write nothing."""

import subprocess

import pytest
import yaml
from conftest import PRESETS
from typer.testing import CliRunner

from scaffolder.cli import app

runner = CliRunner()


def test_presets_lists_every_preset_with_its_columns():
    result = runner.invoke(app, ["presets"])
    assert result.exit_code == 0
    header, *rows = result.output.strip().splitlines()
    assert header.split()[:4] == ["NAME", "FRAMEWORK", "TASK", "HARDWARE"]
    assert sorted(row.split()[0] for row in rows) == PRESETS
    assert any(row.split()[:4] == ["resnet-gpu", "pytorch", "classification", "gpu"] for row in rows)


def test_new_renders_a_git_project_that_copier_can_update(tmp_path):
    dest = tmp_path / "proj"
    args = ["new", str(dest), "--preset", "resnet-gpu", "-d", "project_name=Cell Counter", "--vcs-ref", "HEAD"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["_src_path"] and answers["_commit"]  # where `copier update` looks later
    assert (answers["model"], answers["hardware"], answers["package_name"]) == ("resnet50", "gpu", "cell_counter")
    assert "precision: 16-mixed" in (dest / "configs/trainer/gpu.yaml").read_text()
    assert "- trainer: gpu" in (dest / "configs/config.yaml").read_text()
    log = subprocess.run(["git", "log", "--format=%s"], cwd=dest, capture_output=True, text=True).stdout
    assert log.strip().startswith("New project from ml-template") and "preset resnet-gpu" in log
    status = subprocess.run(["git", "status", "--porcelain"], cwd=dest, capture_output=True, text=True).stdout
    assert status == ""  # everything committed


# Bad input on the scaffold surface: each row is what the user now sees (one line, exit 1, nothing written).
BAD_INPUT = [
    (["--preset", "nope"], "unknown preset 'nope'; choose one of: " + ", ".join(PRESETS)),
    (["-d", "preset=nope"], "unknown preset 'nope'; choose one of: " + ", ".join(PRESETS)),
    (["--preset", "resnet-cpu", "-d", "colour=red"], "-d: unknown question 'colour'; known: preset, project_name"),
    (["--preset", "resnet-cpu", "-d", "ci=maybe"], "-d: ci='maybe' must be of type bool"),
    (["--preset", "resnet-cpu", "-d", "hardware"], "-d hardware: expected key=value"),
    (["--preset", "resnet-cpu", "-d", "hardware=tpu"], "-d: hardware='tpu' is not allowed; choose one of: cpu, gpu"),
    (["-d", "python_version=3.9"], "Invalid choice for 'python_version': '3.9' is not in ['3.10', '3.11', '3.12']"),
    (["--preset", "resnet-cpu", "-d", "model=vgg"], "Invalid choice for 'model': 'vgg' is not in ['resnet18',"),
    (
        ["--preset", "yolo-cpu", "-d", "model=resnet18"],
        "Invalid choice for 'model': 'resnet18' is not in ['yolov8n', 'yolov10n', 'yolo11n']",
    ),
    (
        ["--preset", "yolo-cpu", "-d", "dataset=digits"],
        "Invalid choice for 'dataset': 'digits' is not in ['shapes', 'coco128', 'coco2017', 'yolo_folder']",
    ),
    (["-d", "model=yolov8n", "-d", "dataset=shapes"], "Invalid choice for 'model': 'yolov8n' is not in ['resnet18',"),
    (
        ["-d", "framework=paddle", "-d", "task=detection"],
        "Invalid choice for 'task': task 'detection' is not available for framework paddle; choose one of: "
        "classification",
    ),
    (
        ["-d", "framework=paddle", "-d", "model=efficientnet_b0"],
        "Invalid choice for 'model': 'efficientnet_b0' is not in ['resnet18', 'resnet50', 'mobilenet_v2',",
    ),
    (["-d", "framework=paddle", "-d", "tracking=mlflow"], "tracking 'mlflow' is not available for paddle"),
    (["--preset", "yolo-cpu", "-d", "task=classification"], "Invalid choice for 'model': 'yolov10n' is not in"),
    (["-d", "project_name=1st"], "project_name '1st' must start with a letter"),
    (["-d", "package_name=1st"], "package_name '1st' is not a valid Python identifier"),
    (["-d", "package_name=import"], "package_name 'import' is reserved"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_exit_1_and_writes_nothing(tmp_path, args, message):
    dest = tmp_path / "proj"
    result = runner.invoke(app, ["new", str(dest), *args])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert not dest.exists()


def test_new_never_touches_a_non_empty_destination(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["new", str(tmp_path), "--preset", "resnet-cpu"])
    assert result.exit_code == 1 and "exists and is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"] and (tmp_path / "notes.txt").read_text() == "mine"


def test_a_preset_with_an_unknown_key_is_refused(tmp_path, monkeypatch):
    from scaffolder import presets

    (tmp_path / "broken.yml").write_text("framework: pytorch\nbatch: 12\n")
    monkeypatch.setattr(presets, "PRESETS_DIR", tmp_path)
    monkeypatch.setattr(presets.load_preset, "__defaults__", (tmp_path,))
    result = runner.invoke(app, ["new", str(tmp_path / "proj"), "--preset", "broken"])
    assert result.exit_code == 1 and "preset broken: unknown question 'batch'" in result.stderr
    assert not (tmp_path / "proj").exists()


def test_ci_runs_the_readme_test_command():
    from conftest import REPO

    readme = (REPO / "README.md").read_text().splitlines()
    test_command = readme[
        readme.index("# 2. Set up and run the tests (every preset is rendered and its own tests train it):") + 1
    ]
    assert test_command in (REPO / ".ci" / "run").read_text().splitlines()


def test_an_unreachable_template_source_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_TEMPLATE_SOURCE", str(tmp_path / "no-such-template"))
    result = runner.invoke(app, ["new", str(tmp_path / "proj"), "--preset", "resnet-cpu"])
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "no-such-template" in result.stderr and not (tmp_path / "proj").exists()


def test_package_version_matches_the_newest_release_tag():
    from conftest import REPO

    from scaffolder import __version__

    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=REPO, capture_output=True, text=True).stdout.split()
    if not tags:
        pytest.skip("this clone has no release tags")
    newest = max(tags, key=lambda tag: tuple(int(part) for part in tag[1:].split(".")))
    assert newest == f"v{__version__}"


@pytest.mark.slow
def test_the_wheel_carries_the_presets_and_renders_from_the_published_source(tmp_path):
    import sys
    import zipfile

    from conftest import REPO

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)], check=True
    )
    (wheel,) = tmp_path.glob("ml_template-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"scaffolder/presets_data/{p}.yml" for p in PRESETS} <= set(names)
    assert not any(name.startswith("template/") for name in names)  # rendered from git, so it can update
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = "from scaffolder import list_presets, template; print(len(list_presets()), template.default_source())"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(len(PRESETS)), "gh:org/ml-template"]
