"""`scaffold new` asking the questions on a real terminal (a pseudo-terminal, keys as a user types them).

The interactive path enforces the same rules as `--defaults`: a refused answer is asked again,
choices that the other answers rule out are shown disabled with the reason (or not offered),
and the project it writes is one that `--defaults` would accept.
"""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time

import pytest
import yaml
from conftest import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ENTER, UP, DOWN, CLEAR_LINE = "\r", "\x1b[A", "\x1b[B", "\x15"  # Ctrl-U clears the pre-filled default
SPEC = yaml.safe_load((REPO / "spec.yml").read_text())["spec"]["default"]
FEATURES = ["Serving:", "Search:", "Distributed:", "Memory:", "Data tools:", "Report:", "GitHub Actions"]  # yes/no


class Terminal:
    """A child process on a pseudo-terminal: ``expect`` text on its screen, ``send`` keys."""

    def __init__(self, *argv: str):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.screen = ""  # everything shown, escape sequences removed
        self.seen = 0  # expect() looks only after what the previous expect() matched

    def _read(self, wait: float) -> None:
        if select.select([self.master], [], [], wait)[0]:
            try:
                chunk = os.read(self.master, 65536).decode(errors="replace")
            except OSError:  # the child closed the terminal
                return
            self.screen += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]", "", chunk)

    def expect(self, text: str, timeout: float = 60) -> str:
        """Wait until ``text`` is on screen; -> what appeared since the previous match."""
        deadline = time.monotonic() + timeout
        while (found := self.screen.find(text, self.seen)) < 0:
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen ends with:\n{self.screen[-2000:]}")
            self._read(0.1)
        shown, self.seen = self.screen[self.seen : found + len(text)], found + len(text)
        return shown

    def send(self, keys: str) -> None:
        """Type ``keys`` once the screen has been still for half a second (the prompt is ready)."""
        before = None
        while before != len(self.screen):
            before = len(self.screen)
            self._read(0.5)
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        os.close(self.master)
        return self.process.wait(timeout=5)


def scaffold(dest) -> Terminal:
    command = [sys.executable, "-c", "from scaffolder.cli import app; app()"]
    return Terminal(*command, "new", str(dest), "--vcs-ref", "HEAD")


def answer_rest_with_enter(term: Terminal, prompts: list[str]) -> None:
    for prompt in prompts:
        term.expect(prompt)
        term.send(ENTER)


def test_refused_answers_are_asked_again_and_ruled_out_choices_cannot_be_picked(tmp_path):
    dest = tmp_path / "proj"
    term = scaffold(dest)
    term.expect("Preset")
    term.send(ENTER)  # no preset
    term.expect("Project name")
    term.send(CLEAR_LINE + "1bad" + ENTER)
    term.expect("project_name '1bad' must start with a letter")  # refused: the same question again
    term.send(CLEAR_LINE + "Demo Lab" + ENTER)
    answer_rest_with_enter(term, ["Python package name", "Author name", "Author e-mail"])
    term.expect("Deep-learning framework")
    term.send(DOWN)  # PaddlePaddle
    term.send(ENTER)
    term.expect("Object detection (task 'detection' is not available for framework paddle")
    term.send(DOWN)  # the cursor cannot land on the disabled choice
    term.send(ENTER)
    models = term.expect("Default model")
    models += term.expect("simple_cnn")
    assert "mobilenet_v2" in models and "efficientnet_b0" not in models and "yolov8n" not in models
    term.send(ENTER)
    answer_rest_with_enter(term, ["Default dataset", "Target hardware", "Python version"])
    term.expect("mlflow (tracking 'mlflow' is not available for paddle")
    term.send(ENTER)
    answer_rest_with_enter(term, FEATURES)
    term.expect("Created")
    assert term.finish() == 0, term.screen[-2000:]

    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (answers["project_name"], answers["framework"], answers["task"]) == ("Demo Lab", "paddle", "classification")
    assert answers["model"] in SPEC["models"]["paddle"]["classification"] and answers["tracking"] == "tensorboard"
    assert (dest / "src/demo_lab/train.py").is_file()
    log = subprocess.run(["git", "log", "--format=%s"], cwd=dest, capture_output=True, text=True, check=True).stdout
    assert log.startswith("New project from ml-template")


def test_an_unknown_preset_is_asked_again_and_the_chosen_one_sets_the_defaults(tmp_path):
    dest = tmp_path / "proj"
    term = scaffold(dest)
    term.expect("Preset")
    term.send("nope" + ENTER)
    term.expect("unknown preset 'nope'")
    term.send(CLEAR_LINE + "yolo-cpu" + ENTER)
    prompts = ["Project name", "Python package name", "Author name", "Author e-mail", "Deep-learning framework"]
    prompts += ["Vision task", "Default model", "Default dataset", "Target hardware", "Python version"]
    answer_rest_with_enter(term, [*prompts, "Experiment tracking", *FEATURES])
    term.expect("python scripts/train.py experiment=shapes_quick")  # the detection project's next step
    assert term.finish() == 0, term.screen[-2000:]

    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    preset = yaml.safe_load((REPO / "presets/yolo-cpu.yml").read_text())
    assert {key: answers[key] for key in preset if key != "description"} == {
        key: value for key, value in preset.items() if key != "description"
    }
    assert answers["preset"] == "yolo-cpu"


def test_changing_the_task_after_a_preset_offers_that_tasks_models(tmp_path):
    dest = tmp_path / "proj"
    term = scaffold(dest)
    term.expect("Preset")
    term.send("yolo-cpu" + ENTER)
    answer_rest_with_enter(term, ["Project name", "Python package name", "Author name", "Author e-mail"])
    answer_rest_with_enter(term, ["Deep-learning framework"])
    term.expect("Vision task")
    term.send(UP)  # classification instead of the preset's detection
    term.send(ENTER)
    models = term.expect("Default model") + term.expect("simple_cnn")
    assert "resnet18" in models and "yolov10n" not in models
    term.send(ENTER)
    answer_rest_with_enter(term, ["Default dataset", "Target hardware", "Python version", "Experiment tracking"])
    answer_rest_with_enter(term, [*FEATURES, "GPU input:"])  # asked for Lightning classification only
    term.expect("python scripts/train.py experiment=digits_quick")
    assert term.finish() == 0, term.screen[-2000:]
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert (answers["task"], answers["model"], answers["dataset"]) == ("classification", "resnet18", "digits")
