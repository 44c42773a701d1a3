"""Models: the networks and what trains them, built from ``configs/model/`` by their ``_target_``. May import
``datasets`` (label conventions such as the ignored mask value), ``runs`` and ``errors``; never the training
services or the entry points."""
