"""Merge preset answers with ``-d key=value`` overrides, and check them against the questions."""

import yaml

from .errors import ScaffoldError

_YAML_TYPES = {"bool": bool, "int": int, "float": (int, float), "str": str}


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["hardware=gpu", "ci=false"]`` -> ``{"hardware": "gpu", "ci": "false"}``: text, typed by ``coerce``."""
    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ScaffoldError(f"-d {pair}: expected key=value, e.g. -d hardware=gpu")
        answers[key.strip()] = value
    return answers


def coerce(answers: dict, questions: dict[str, dict]) -> dict:
    """Command-line text -> the question's type, as Copier reads ``-d``: a ``str`` question keeps
    the text as typed (``python_version=3.10`` stays ``"3.10"``), other types are read as YAML."""
    typed = {}
    for key, value in answers.items():
        kind = questions.get(key, {}).get("type", "str")
        if kind == "str" or not isinstance(value, str) or not value:
            typed[key] = value
            continue
        try:
            typed[key] = yaml.safe_load(value)
        except yaml.YAMLError as error:
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise ScaffoldError(f"-d {key}={value}: not a valid {kind} ({problem}); e.g. -d {key}="
                                f"{'true' if kind == 'bool' else '1'}") from None
    return typed


def _allowed(choices) -> list | None:
    """The values of static choices (plain, labelled, or ``{value, validator}``); None for Jinja choices."""
    if isinstance(choices, dict):
        choices = list(choices.values())
    if not isinstance(choices, list):
        return None  # rendered per answer ("{{ spec.models[framework][task] }}"): Copier checks them
    return [choice["value"] if isinstance(choice, dict) else choice for choice in choices]


def check_answers(answers: dict, questions: dict[str, dict], origin: str) -> None:
    """Unknown keys, wrong types and impossible choices fail here, before anything is written."""
    for key, value in answers.items():
        if questions and key not in questions:
            raise ScaffoldError(f"{origin}: unknown question '{key}'; known: {', '.join(questions)}")
        if isinstance(value, str) and not value.isprintable():  # a line break would cut every message in two
            raise ScaffoldError(f"{origin}: {key}={value!r} holds a line break or control character; give it on one "
                                "line")
        if key not in questions:
            continue
        kind = questions[key].get("type", "str")
        expected = _YAML_TYPES.get(kind)
        if expected and (not isinstance(value, expected) or (expected is not bool and isinstance(value, bool))):
            hint = " (write it in quotes)" if kind == "str" and isinstance(value, int | float) else ""
            raise ScaffoldError(f"{origin}: {key}={value!r} must be of type {kind}{hint}")
        allowed = _allowed(questions[key].get("choices"))
        if allowed is not None and value not in allowed:
            raise ScaffoldError(
                f"{origin}: {key}={value!r} is not allowed; choose one of: {', '.join(map(str, allowed))}"
            )
