"""Entry-point helper: a ``UserError`` ends the script with one line and exit code 1."""

import functools
import sys

from ..errors import UserError


def exit_on_user_error(main):
    @functools.wraps(main)
    def wrapper(*args, **kwargs):
        try:
            return main(*args, **kwargs)
        except UserError as error:
            sys.exit(f"error: {error}")

    return wrapper
