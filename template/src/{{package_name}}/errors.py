"""The one exception type for mistakes a user can fix (a config value, a path, the network)."""


class UserError(Exception):
    """Shown to the user as one line, without a traceback; the message says how to fix it."""
