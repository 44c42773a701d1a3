"""Hydra discovers plugins in the ``hydra_plugins`` namespace package: this project's Optuna sweeper."""
