"""The ``scaffold`` CLI: presets table, new project, and one-line refusals that write nothing."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import PRESETS, REPO, TEMPLATE_PARTS
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
    (["-d", "project_name=1st"], "project_name '1st' must start with a letter"),
    (["-d", "package_name=1st"], "package_name '1st' is not a valid Python identifier"),
    (["-d", "package_name=import"], "package_name 'import' is a Python keyword"),
    (["-d", "package_name=paddle"], "package_name 'paddle' would hide the module of that name the project imports"),
    (["-d", "package_name=numpy"], "package_name 'numpy' would hide the module"),
    (["-d", "package_name=json"], "package_name 'json' would hide the module"),
    (["-d", "package_name=__init__"], "package_name '__init__' is a name Python keeps for itself"),
    (["-d", "package_name=_"], "package_name '_' has no letters"),
    (["--preset", "resnet-cpu", "-d", "ci=[1"], "-d ci=[1: not a valid bool"),
    (["--preset", "resnet-cpu", "-d", "serving=a: b: c"], "-d serving=a: b: c: not a valid bool"),
    (["--preset", "yolo-cpu", "-d", "framework=paddle"],
     "-d framework=paddle contradicts preset yolo-cpu (framework: pytorch); drop the preset or pick one for paddle"),
    (["--preset", "resnet-cpu", "-d", "task=detection"],
     "-d task=detection contradicts preset resnet-cpu (task: classification); use --preset yolo-cpu instead"),
    (["--preset", "resnet-cpu", "-d", "hardware=gpu"],
     "-d hardware=gpu contradicts preset resnet-cpu (hardware: cpu); use --preset resnet-gpu instead"),
    (["--preset", "../spec"], "preset '../spec' is not a preset name: use lower-case letters, digits, '-' and '_'"),
    (["-d", "preset=../spec"], "preset '../spec' is not a preset name"),
    (["--preset", "resnet-cpu", "-d", "project_name=a\nb"],
     "-d: project_name='a\\nb' holds a line break or control character; give it on one line"),
    (["--preset", "resnet-cpu", "-d", "author_email=<>", "--vcs-ref", "HEAD"],
     "author_email '<>' is not an e-mail address like name@example.org; give one, or an empty one for none"),
    (["--preset", "resnet-cpu", "-d", "preset=yolo-cpu"], "--preset resnet-cpu and -d preset=yolo-cpu disagree"),
    (["--preset", ""], "--preset needs a name"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_exit_1_and_writes_nothing(tmp_path, args, message):
    dest = tmp_path / "proj"
    result = runner.invoke(app, ["new", str(dest), *args])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert not dest.exists()


def test_a_template_version_older_than_the_scaffold_is_one_line_and_leaves_nothing(tmp_path):
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=REPO, capture_output=True, text=True)
    ref = first.stdout.split()[0] if first.returncode == 0 and first.stdout.strip() else None
    shown = subprocess.run(["git", "show", f"{ref}:copier.yml"], cwd=REPO, capture_output=True, text=True)
    if not ref or "quick_start:" in shown.stdout:
        pytest.skip("this clone does not reach back to the first template version (shallow)")
    (tmp_path / "empty").mkdir()
    for dest, source in ((tmp_path / "new", str(REPO)), (tmp_path / "empty", f"git+file://{REPO}")):  # local: before
        args = ["new", str(dest), "--preset", "seg-cpu", "--template", source, "--vcs-ref", ref]  # writing; a URL:
        result = runner.invoke(app, args)  # Copier renders it, then it is removed
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        assert result.stderr.startswith(f"error: template version {ref} does not have ")
        assert "quick_start" in result.stderr and "use a newer --vcs-ref" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists() and list((tmp_path / "empty").iterdir()) == []


def test_a_destination_that_is_a_symlink_loop_is_one_line(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    result = runner.invoke(app, ["new", str(loop), "--preset", "resnet-cpu"])
    assert result.exit_code == 1 and result.stderr.strip() == (
        f"error: destination {loop} is a symbolic link that loops; remove it or choose another directory")
    assert loop.is_symlink() and os.readlink(loop) == str(loop) and list(tmp_path.iterdir()) == [loop]


@pytest.mark.parametrize(("name", "email"), [("", ""), ("", "ada@lab.org"), ("Ada \"Q\" Lovelace", "")])
def test_an_empty_author_name_or_email_is_left_out_and_pyproject_stays_valid(tmp_path, name, email):
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    dest = tmp_path / "proj"
    args = ["--preset", "resnet-cpu", "--vcs-ref", "HEAD", "-d", f"author_name={name}", "-d", f"author_email={email}"]
    result = runner.invoke(app, ["new", str(dest), *args])
    assert result.exit_code == 0, result.output
    pyproject = tomllib.loads((dest / "pyproject.toml").read_text())
    expected = [{key: value for key, value in (("name", name), ("email", email)) if value}]
    assert pyproject["project"].get("authors", [{}]) == expected
    try:
        from setuptools.config._validate_pyproject import validate  # what pip install -e . checks (PEP 621)
    except ImportError:
        return
    assert validate(pyproject)


def test_an_empty_destination_name_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["new", "", "--preset", "resnet-cpu"])
    assert result.exit_code == 1 and result.stderr.strip() == (
        "error: give the new project's directory, e.g. scaffold new my-project")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["read-only", "too long"])
def test_a_destination_the_file_system_refuses_is_one_line(tmp_path, where):
    if where == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only directories")
        parent = tmp_path / "locked"
        parent.mkdir(mode=0o555)
        dest, reason = parent / "proj", "Permission denied"
    else:
        dest, reason = tmp_path / ("x" * 300), "File name too long"
    result = runner.invoke(app, ["new", str(dest), "--preset", "resnet-cpu", "--vcs-ref", "HEAD"])
    assert result.exit_code == 1 and result.stderr.startswith(f"error: cannot write the project to {dest}: {reason}")
    assert len(result.stderr.strip().splitlines()) == 1 and not os.path.exists(dest)


def test_no_git_identity_signs_with_the_author_and_no_git_leaves_nothing(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no ~/.gitconfig: git has no user.name or user.email
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)
    monkeypatch.delenv("GIT_AUTHOR_EMAIL", raising=False)
    result = runner.invoke(app, ["new", str(tmp_path / "a"), "--preset", "resnet-cpu", "--vcs-ref", "HEAD",
                                 "-d", "author_name=Ada", "-d", "author_email=ada@lab.org"])
    assert result.exit_code == 0, result.output
    author = subprocess.run(["git", "log", "--format=%an <%ae>"], cwd=tmp_path / "a", capture_output=True, text=True)
    assert author.stdout.strip() == "Ada <ada@lab.org>"

    plain = tmp_path / "plain-template"  # not a git repository: rendering needs no git, the first commit does
    plain.mkdir()
    for part in TEMPLATE_PARTS:
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, plain / part)
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    result = runner.invoke(app, ["new", str(tmp_path / "b"), "--preset", "resnet-cpu", "--template", str(plain)])
    assert result.exit_code == 1 and result.stderr.startswith("error: git could not make the project's first commit")
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "b").exists()


def test_new_never_touches_a_non_empty_destination(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["new", str(tmp_path), "--preset", "resnet-cpu"])
    assert result.exit_code == 1 and "exists and is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"] and (tmp_path / "notes.txt").read_text() == "mine"


@pytest.fixture
def template_copy(tmp_path):
    """This repository's template as a committed git repository of its own (a --template to point at)."""
    repo = tmp_path / "template-repo"
    repo.mkdir()
    for part in TEMPLATE_PARTS:
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, repo / part)
    for args in (
        ["init", "--quiet"],
        ["add", "--all"],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "t"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


def test_values_the_help_shows_are_accepted(tmp_path):
    args = ["-d", "python_version=3.10", "-d", "ci=no", "-d", "serving=false", "-d", "hardware=gpu"]
    result = runner.invoke(app, ["new", str(tmp_path / "proj"), *args, "--vcs-ref", "HEAD"])
    assert result.exit_code == 0, result.output
    answers = yaml.safe_load((tmp_path / "proj/.copier-answers.yml").read_text())
    assert (answers["python_version"], answers["ci"], answers["serving"], answers["hardware"]) == (
        "3.10",
        False,
        False,
        "gpu",
    )


def test_presets_come_from_the_template_and_a_broken_one_is_one_line(tmp_path, template_copy):
    presets = template_copy / "presets"
    (presets / "lab-gpu.yml").write_text("description: our lab's box\nhardware: gpu\ntracking: csv\n")
    (presets / "broken.yml").write_text("framework: pytorch\n  task: [detection\n")
    (presets / "typo.yml").write_text("framework: pytorch\nbatch: 12\n")
    subprocess.run(["git", "add", "--all"], cwd=template_copy, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "p"], cwd=template_copy, check=True
    )

    listed = runner.invoke(app, ["presets", "--template", str(template_copy)])
    assert listed.exit_code == 1
    assert "lab-gpu" in listed.stdout and "resnet-cpu" in listed.stdout  # the others still list
    assert listed.stderr.strip() == f"error: preset file {presets / 'broken.yml'} is not valid YAML: " + (
        "mapping values are not allowed here at line 2, column 7"
    )

    broken = runner.invoke(app, ["new", str(tmp_path / "a"), "--template", str(template_copy), "--preset", "broken"])
    assert broken.exit_code == 1 and broken.stderr == listed.stderr and not (tmp_path / "a").exists()
    typo = runner.invoke(app, ["new", str(tmp_path / "b"), "--template", str(template_copy), "--preset", "typo"])
    assert typo.exit_code == 1 and "preset typo: unknown question 'batch'" in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1 and not (tmp_path / "b").exists()

    made = runner.invoke(app, ["new", str(tmp_path / "c"), "--template", str(template_copy), "--preset", "lab-gpu"])
    assert made.exit_code == 0, made.output
    answers = yaml.safe_load((tmp_path / "c/.copier-answers.yml").read_text())
    assert (answers["preset"], answers["hardware"], answers["tracking"]) == ("lab-gpu", "gpu", "csv")
    assert runner.invoke(app, ["new", str(tmp_path / "d"), "--preset", "lab-gpu"]).exit_code == 1  # not ours


@pytest.mark.parametrize("preset", ["resnet-cpu", "paddle-gpu", "yolo-seg-cpu"])  # one per engine
def test_scaffold_preset_and_plain_copier_preset_give_the_same_project(tmp_path, template_copy, preset):
    ours = runner.invoke(app, ["new", str(tmp_path / "ours"), "--template", str(template_copy), "--preset", preset])
    assert ours.exit_code == 0, ours.output
    plain = [sys.executable, "-m", "copier", "copy", "--defaults", "-d", f"preset={preset}", str(template_copy)]
    result = subprocess.run([*plain, str(tmp_path / "plain")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    files = {p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*") if p.is_file()}
    assert files == {
        p.relative_to(tmp_path / "ours")
        for p in (tmp_path / "ours").rglob("*")
        if p.is_file() and ".git" not in p.parts
    }
    different = [f for f in files if (tmp_path / "ours" / f).read_bytes() != (tmp_path / "plain" / f).read_bytes()]
    assert different == []
    answers = yaml.safe_load((tmp_path / "plain/.copier-answers.yml").read_text())
    preset_file = yaml.safe_load((template_copy / "presets" / f"{preset}.yml").read_text())
    assert {key: answers[key] for key in preset_file if key != "description"} | {"preset": preset} == {
        key: value for key, value in preset_file.items() if key != "description"
    } | {"preset": preset}


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
