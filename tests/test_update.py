"""Updates, on a template history the tests build themselves (v1.0.0 -> v2.0.0), not on our tags."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, TEMPLATE_PARTS, run_project_tests
from typer.testing import CliRunner

from scaffolder import ScaffoldError, create_project, update_project
from scaffolder.cli import UPDATE_AVAILABLE, app

RENAME = ("configs/experiment/digits_quick.yaml", "configs/experiment/quick_digits.yaml")


def in_template(rendered_path: str, part: str = "{{part.lightning}}") -> str:
    """A project file's source in template/: the existing file whose path, its parts left out, is this one;
    for a new file, the path in ``part``."""
    for source in (REPO / "template").rglob("*"):
        pieces = [piece for piece in source.relative_to(REPO / "template").parts if not piece.startswith("{{part.")]
        if "/".join(pieces).removesuffix(".jinja") == rendered_path:
            return str(source.relative_to(REPO))
    return f"template/{part}/{rendered_path}"


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def commit(cwd, message, tag=None):
    git(cwd, "add", "--all")
    git(cwd, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", message)
    if tag:
        git(cwd, "tag", tag)


def edit(path, old, new):
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def template_v1(tmp_path):
    """A copy of this repository's template, committed and tagged v1.0.0."""
    repo = tmp_path / "template-repo"
    repo.mkdir()
    for part in TEMPLATE_PARTS:
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / part)
    git(repo, "init", "--quiet")
    commit(repo, "v1", tag="v1.0.0")
    return repo


def release_v2(repo):
    """A spec change as a maintainer makes one: version bump, new config, Dockerfile line, a rename."""
    edit(repo / "spec.yml", 'torch: "2.15.0"', 'torch: "2.16.0"')
    (repo / in_template("configs/trainer/fast.yaml")).write_text("defaults:\n  - cpu\n\nmax_epochs: 2\n")
    edit(repo / "template/deploy/cpu/Dockerfile.jinja", "PYTHONUNBUFFERED=1", "PYTHONUNBUFFERED=1 MALLOC_ARENA_MAX=2")
    edit(repo / in_template("configs/trainer/default.yaml"), "max_epochs: 10", "max_epochs: 20")
    shutil.move(repo / in_template(RENAME[0]), repo / in_template(RENAME[1], "{{part.classification}}"))
    (repo / "migrations" / "v2.0.0.yml").write_text(yaml.safe_dump({RENAME[0]: RENAME[1]}))
    migration = {
        "version": "v2.0.0",
        "when": "{{ _stage == 'after' }}",
        "command": ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/migrations/moved.py",
                    "{{ _copier_conf.src_path }}", "{{ _version_from }}",
                    "{{ _copier_conf.src_path }}/migrations/v2.0.0.yml"],
    }
    config = (repo / "copier.yml").read_text()
    start = config.index("_migrations:")
    (repo / "copier.yml").write_text(config[:start] + yaml.safe_dump({"_migrations": [migration]}, width=200))
    commit(repo, "v2: torch 2.16, trainer=fast, rename digits_quick", tag="v2.0.0")


@pytest.fixture
def project_v1(tmp_path, template_v1):
    """A project from v1 with a user's edits committed, including one that will conflict."""
    dest = create_project(tmp_path / "proj", preset="resnet-cpu", template=str(template_v1), vcs_ref="v1.0.0").path
    edit(dest / "configs/model/_classifier.yaml", "lr: 0.001", "lr: 0.0005")  # a hyper-parameter
    (dest / "configs/model/my_net.yaml").write_text("defaults:\n  - resnet18\n  - _self_\n\nnet:\n  name: resnet34\n")
    edit(dest / "README.md", "## Quick start", "## Our lab notes\n\nUse the shared GPU box.\n\n## Quick start")
    edit(dest / RENAME[0], "max_epochs: 5", "max_epochs: 3")  # in a file the template will rename
    edit(dest / "configs/trainer/default.yaml", "max_epochs: 10", "max_epochs: 30")  # conflicts with v2's 20
    commit(dest, "our edits")
    return dest


@pytest.mark.slow
def test_update_brings_the_spec_keeps_edits_and_marks_the_conflict(template_v1, project_v1):
    release_v2(template_v1)
    report = update_project(project_v1)
    dest = project_v1

    assert (report.old_version, report.new_version) == ("v1.0.0", "v2.0.0")
    # the spec change arrived
    assert "torch==2.16.0" in (dest / "requirements-cpu.txt").read_text()
    assert (dest / "configs/trainer/fast.yaml").is_file()
    assert "MALLOC_ARENA_MAX=2" in (dest / "deploy/cpu/Dockerfile").read_text()
    # every user edit survived
    assert "lr: 0.0005" in (dest / "configs/model/_classifier.yaml").read_text()
    assert (dest / "configs/model/my_net.yaml").is_file()
    assert "## Our lab notes" in (dest / "README.md").read_text()
    # the migration moved the user's edited file to its new name
    assert not (dest / RENAME[0]).exists()
    assert "max_epochs: 3" in (dest / RENAME[1]).read_text()
    # the real conflict is marked and named
    trainer = (dest / "configs/trainer/default.yaml").read_text()
    assert "<<<<<<< before updating" in trainer and "max_epochs: 30" in trainer and "max_epochs: 20" in trainer
    assert report.conflicts == ["configs/trainer/default.yaml"]
    assert "requirements-cpu.txt" in report.changed and "configs/trainer/fast.yaml" in report.added

    # resolved as the user would (keep ours), the project's own fast tests pass
    resolved = (
        trainer.split("<<<<<<< before updating\n")[0]
        + "max_epochs: 30\n"
        + trainer.split(">>>>>>> after updating\n")[1]
    )
    (dest / "configs/trainer/default.yaml").write_text(resolved)
    result = run_project_tests(dest, "-m", "not slow")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_conflict_in_a_moved_file_is_named_like_copiers_own(template_v1, project_v1):
    """The release changes the line the user edited in the file it renames: the migration marks the clash in
    the new file, and the update's report names it with Copier's conflicts."""
    edit(template_v1 / in_template(RENAME[0]), "max_epochs: 5", "max_epochs: 4")  # becomes part of v2
    release_v2(template_v1)
    report = update_project(project_v1)
    moved = (project_v1 / RENAME[1]).read_text()
    assert "<<<<<<< your edits" in moved and "max_epochs: 3" in moved and "max_epochs: 4" in moved
    assert report.conflicts == sorted(["configs/trainer/default.yaml", RENAME[1]])


def test_update_reanswers_a_question(template_v1, project_v1):
    release_v2(template_v1)
    update_project(project_v1, data={"hardware": "gpu"})
    assert yaml.safe_load((project_v1 / ".copier-answers.yml").read_text())["hardware"] == "gpu"
    assert "- trainer: gpu" in (project_v1 / "configs/config.yaml").read_text()


def test_reanswering_says_what_changed_and_conflicts_nowhere_the_user_did_not_edit(template_v1, project_v1):
    """Same template version, one answer changed: an honest summary, and the files the template
    alone wrote (the build log, the answers file) re-render cleanly instead of conflicting."""
    result = CliRunner().invoke(app, ["update", str(project_v1), "-d", "hardware=gpu", "-d", "python_version=3.12"])
    assert result.exit_code == 0, result.output
    headline, *rows = result.output.strip().splitlines()
    assert headline.startswith(
        "Re-rendered at v1.0.0 (same template version); hardware: cpu -> gpu, python_version: 3.11 -> 3.12: "
    )
    assert "CONFLICT" not in result.output and "<<<<<<<" not in (project_v1 / "PROJECT_BUILD_LOG.md").read_text()
    assert (
        "  changed   PROJECT_BUILD_LOG.md" in rows
        and "| hardware | gpu |" in (project_v1 / "PROJECT_BUILD_LOG.md").read_text()
    )
    assert "## Our lab notes" in (project_v1 / "README.md").read_text()  # the user's edit stays


def test_check_reports_a_newer_version_by_exit_code(template_v1, project_v1):
    runner = CliRunner()
    assert runner.invoke(app, ["update", str(project_v1), "--check"]).exit_code == 0
    release_v2(template_v1)
    result = runner.invoke(app, ["update", str(project_v1), "--check"])
    assert result.exit_code == UPDATE_AVAILABLE and "v1.0.0 -> v2.0.0" in result.output


def _snapshot(dest):
    return git(dest, "status", "--porcelain", "--untracked-files=all"), git(dest, "rev-parse", "HEAD")


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda d: (d / "README.md").write_text("wip"), "has uncommitted changes (README.md"),
        (lambda d: shutil.rmtree(d / ".git"), "is not the top of a git repository"),
        (
            lambda d: (d / ".copier-answers.yml").unlink() or commit(d, "drop answers"),
            "is not a project made by ml-template",
        ),
    ],
)
def test_update_refuses_and_touches_nothing(template_v1, project_v1, spoil, message):
    release_v2(template_v1)
    spoil(project_v1)
    before = sorted(p.relative_to(project_v1) for p in project_v1.rglob("*"))
    result = CliRunner().invoke(app, ["update", str(project_v1)])
    assert result.exit_code == 1 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.relative_to(project_v1) for p in project_v1.rglob("*")) == before


def test_update_refuses_a_downgrade(template_v1, project_v1):
    release_v2(template_v1)
    update_project(project_v1)
    (project_v1 / "configs/trainer/default.yaml").write_text(
        (project_v1 / "configs/trainer/default.yaml").read_text().split("<<<<<<<")[0]
    )
    commit(project_v1, "resolved")
    head = _snapshot(project_v1)
    with pytest.raises(ScaffoldError, match="downgrading from 2.0.0 to 1.0.0"):
        update_project(project_v1, to="v1.0.0")
    assert _snapshot(project_v1) == head


def test_unreachable_source_is_a_clear_message(template_v1, project_v1):
    shutil.rmtree(template_v1)  # as if offline, or the checkout moved
    with pytest.raises(ScaffoldError, match="template source .* is unreachable .* point _src_path"):
        update_project(project_v1)


def test_a_feature_turned_on_later_arrives_whole(tmp_path, template_v1):
    """A lean project (every optional feature off), then `scaffold update -d search=true -d serving=true`: the
    features' files, configs and tests arrive, the user's edits stay, nothing conflicts."""
    lean = {feature: False for feature in ("serving", "search", "distributed", "memory", "data_tools", "report", "ci")}
    dest = create_project(tmp_path / "lean", preset="resnet-cpu", data=lean, template=str(template_v1),
                          vcs_ref="v1.0.0").path
    assert not (dest / "src/my_vision_project/search").exists() and not (dest / "scripts/serve.py").exists()
    edit(dest / "configs/model/_classifier.yaml", "lr: 0.001", "lr: 0.0005")
    commit(dest, "our edit")

    report = update_project(dest, data={"search": True, "serving": True})
    assert report.conflicts == [] and report.reanswered == {"search": (False, True), "serving": (False, True)}
    for path in ["src/my_vision_project/search/study.py", "src/my_vision_project/search/pruning.py",
                 "src/hydra_plugins/my_vision_project_sweeper/optuna_study.py", "configs/hparams_search/optuna.yaml",
                 "tests/test_search.py", "src/my_vision_project/serving/app.py", "scripts/serve.py",
                 "tests/test_serving.py"]:
        assert (dest / path).is_file() and path in report.added, path
    assert "hparams_search: null" in (dest / "configs/config.yaml").read_text()
    assert "fastapi==" in (dest / "requirements.txt").read_text()
    assert "lr: 0.0005" in (dest / "configs/model/_classifier.yaml").read_text()
    lint = subprocess.run(["lint-imports", "--no-cache"], cwd=dest, capture_output=True, text=True,
                          env={"PYTHONPATH": str(dest / "src"), "PATH": str(Path(sys.executable).parent)})
    assert lint.returncode == 0, lint.stdout[-2000:]
