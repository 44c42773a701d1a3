"""Merge preset answers with ``-d key=value`` overrides, and check them against the questions."""

import yaml

from .errors import ScaffoldError

_YAML_TYPES = {"bool": bool, "int": int, "float": (int, float), "str": str}


def parse_overrides(pairs: list[str]) -> dict:
    """``["hardware=gpu", "ci=false"]`` -> ``{"hardware": "gpu", "ci": False}`` (values read as YAML)."""
    answers = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ScaffoldError(f"-d {pair}: expected key=value, e.g. -d hardware=gpu")
        answers[key.strip()] = yaml.safe_load(value) if value else ""
    return answers


def check_answers(answers: dict, questions: dict[str, dict], origin: str) -> None:
    """Unknown keys, wrong types and impossible choices fail here, before anything is written."""
    for key, value in answers.items():
        if questions and key not in questions:
            raise ScaffoldError(f"{origin}: unknown question '{key}'; known: {', '.join(questions)}")
        if key not in questions:
            continue
        expected = _YAML_TYPES.get(questions[key].get("type", "str"))
        if expected and (not isinstance(value, expected) or (expected is not bool and isinstance(value, bool))):
            kind = questions[key].get("type", "str")
            raise ScaffoldError(f"{origin}: {key}={value!r} must be of type {kind}")
        choices = questions[key].get("choices")
        if isinstance(choices, dict):
            choices = list(choices.values())
        if isinstance(choices, list) and value not in choices:
            raise ScaffoldError(
                f"{origin}: {key}={value!r} is not allowed; choose one of: {', '.join(map(str, choices))}"
            )
