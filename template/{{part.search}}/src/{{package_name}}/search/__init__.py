"""Hyper-parameter search (feature ``search``): Optuna study storage, search space, the trial a sweep job runs,
its results, and the pruning callback. Used only by the Hydra sweeper (``src/hydra_plugins/``) and
``configs/hparams_search/``; may import ``training``, ``runs`` and ``errors``."""
