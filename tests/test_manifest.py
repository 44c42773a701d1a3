"""The manifest: copier.yml's ``part`` table says which parts of template/ make a project.

template/ holds the files every project gets; template/{{part.X}}/ holds part X's files, laid out as in the
project (parts nest: {{part.serving}}/{{part.classification}}/ is serving for classification). Here every
answer combination the validators allow is rendered and its tree checked against the table: the project has
exactly the files of its parts, no two parts write the same file, and no file name carries a condition.
"""

import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
import yaml
from conftest import FEATURES, REPO, TEMPLATE_PARTS, render
from copier._template import load_template_config

TEMPLATE = REPO / "template"
PART = re.compile(r"\{\{part\.([a-z_]+)\}\}")
NAMES = {"{{package_name}}": "my_vision_project", "{{_copier_conf.answers_file}}": ".copier-answers.yml"}
CONFIG = load_template_config(REPO / "copier.yml")
SPEC = CONFIG["spec"]["default"]
KINDS = [(framework, task) for framework, tasks in SPEC["models"].items() for task in tasks]  # what validators allow
FLAGS = itertools.product([True, False], repeat=len(FEATURES))
COMBINATIONS = [(framework, task, dict(zip(FEATURES, flags, strict=True)))
                for (framework, task), flags in itertools.product(KINDS, FLAGS)]


def project_name(piece: str) -> str:
    for placeholder, value in NAMES.items():
        piece = piece.replace(placeholder, value)
    return piece


def template_files() -> list[tuple[frozenset[str], str]]:
    """Every file of template/: (the parts it belongs to, its path in a project named my_vision_project)."""
    files = []
    for path in sorted(TEMPLATE.rglob("*")):
        if not path.is_file():
            continue
        pieces = path.relative_to(TEMPLATE).parts
        parts = frozenset(m.group(1) for piece in pieces if (m := PART.fullmatch(piece)))
        out = "/".join(project_name(piece) for piece in pieces if not PART.fullmatch(piece))
        files.append((parts, out.removesuffix(".jinja")))
    return files


def flags(framework: str, task: str, features: dict) -> dict[str, bool]:
    """copier.yml's own ``engine`` and ``part`` expressions, evaluated for these answers."""
    env = jinja2.Environment()
    answers = {"framework": framework, "task": task, **features}
    engine = env.from_string(CONFIG["engine"]["default"]).render(answers)
    table = yaml.safe_load(env.from_string(CONFIG["part"]["default"]).render(answers | {"engine": engine}))
    return {name: value == "." for name, value in table.items()}


def expected(on: dict[str, bool]) -> list[str]:
    return sorted(out for parts, out in template_files() if all(on[part] for part in parts))


def test_file_names_carry_one_part_each_and_no_condition():
    table = flags("pytorch", "classification", dict.fromkeys(FEATURES, True))
    for path in TEMPLATE.rglob("*"):
        for piece in path.relative_to(TEMPLATE).parts:
            assert "{%" not in piece, path  # conditions live in the part table, not in names
            if match := PART.fullmatch(piece):
                assert match.group(1) in table, path
            else:
                assert "{{" not in project_name(piece), path  # only the package's and the answers file's names
    used = {part for parts, _ in template_files() for part in parts}
    assert used == set(table)  # every part of the table has files, and no file names an unknown part


def test_no_two_parts_write_the_same_file_in_any_combination():
    for framework, task, features in COMBINATIONS:
        tree = expected(flags(framework, task, features))
        assert len(tree) == len(set(tree)), [f for f in tree if tree.count(f) > 1]


def test_spec_lists_every_model_and_dataset_that_has_a_config():
    """spec.yml's model and dataset choices and the config folders are the same lists (per framework and task)."""
    for framework, task in KINDS:
        tree = expected(flags(framework, task, dict.fromkeys(FEATURES, False)))
        configs = {group: {Path(f).stem for f in tree if f.startswith(f"configs/{group}/") and "/_" not in f}
                   for group in ("model", "data")}
        assert set(SPEC["models"][framework][task]) <= configs["model"], (framework, task)
        assert set(SPEC["datasets"][task]) == configs["data"], (framework, task)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """The template as a plain directory: a render reads it without cloning the repository each time."""
    copy = tmp_path_factory.mktemp("template")
    for name in TEMPLATE_PARTS:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, copy / name)
    return copy


# Each kind of project with every feature on and every feature off: the fast tier's share of the combinations.
CORNERS = [c for c in COMBINATIONS if len(set(c[2].values())) == 1]
# Rendered (the table above checks all 640): every combination of the features with nested parts, `report` (no
# nested part: its files sit beside the others' and the table proves they never collide) on in half of them, so
# that each other feature's value meets both of report's.
RENDERED = [c for c in COMBINATIONS if c in CORNERS or c[2]["report"] == (sum(c[2].values()) - c[2]["report"]) % 2]


@pytest.mark.parametrize(("framework", "task", "features"), [
    pytest.param(*c, marks=() if c in CORNERS else pytest.mark.slow) for c in RENDERED],
                         ids=[f"{f}-{t}-{''.join('1' if v else '0' for v in feats.values())}"
                              for f, t, feats in RENDERED])
def test_every_combination_renders_exactly_the_files_of_its_parts(tmp_path, snapshot, framework, task, features):
    answers = {"framework": framework, "task": task, **features}
    derived = render(tmp_path / "p", answers, template=snapshot, vcs_ref=None)
    on = flags(framework, task, features)
    assert {name: value == "." for name, value in derived["part"].items()} == on  # Copier agrees with the table
    tree = sorted(str(p.relative_to(tmp_path / "p")) for p in (tmp_path / "p").rglob("*") if p.is_file())
    assert tree == expected(on)
    leftovers = [f for f in tree if re.search(r"\{\{|\{%", (tmp_path / "p" / f).read_text(errors="ignore"))]
    assert leftovers == []
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "."], cwd=tmp_path / "p",
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout[-2000:]
