"""Runs: the run directory (resolved config, metrics, checkpoints found and resumed), what the terminal shows,
the checks of config values, and how the entry points end on a user's mistake. The layer below everything but
``errors``: it may import nothing else of the project."""
