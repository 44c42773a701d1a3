"""Datasets: one module per dataset (its config in ``configs/data/``), the checks that name the config key to fix,
and downloads that arrive whole (resumed, checksummed). May import ``runs`` and ``errors``; never the models, the
training services or the entry points."""
