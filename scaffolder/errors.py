"""One error family: every ``ScaffoldError`` is a user mistake, shown as one line (exit code 1)."""


class ScaffoldError(Exception):
    """The message says what is wrong and how to fix it."""
