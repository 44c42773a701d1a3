"""Entry-point helpers: a ``UserError`` ends the script with one line and exit code 1; the value a sweep optimises."""

import functools
import sys

from omegaconf import DictConfig

from ..errors import UserError


def one_line(error: UserError) -> str:
    """The error's message. Raised in a DataLoader worker process, it comes back wrapped by torch ("Caught
    UserError in DataLoader worker process 0." and the worker's traceback, whose last line is the message)."""
    text = str(error).strip()
    if text.startswith("Caught ") and "\n" in text:
        return text.splitlines()[-1].split(": ", 1)[-1]
    return text


def exit_on_user_error(main):
    @functools.wraps(main)
    def wrapper(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except UserError as error:
            sys.exit(f"error: {one_line(error)}")

    return wrapper


def optimized_value(cfg: DictConfig, metrics: dict[str, float]) -> float | None:
    """What ``scripts/train.py`` returns to a Hydra sweeper: ``metrics[cfg.optimized_metric]`` (None when unset)."""
    name = cfg.get("optimized_metric")
    if not name:
        return None
    if name not in metrics:
        raise UserError(f"optimized_metric '{name}' is not among this run's metrics: {', '.join(sorted(metrics))}")
    return float(metrics[name])
