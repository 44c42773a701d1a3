"""Training services of this project's engine: callbacks (non-finite loss, BatchNorm refresh, ...), checkpoints,
device and distributed settings, and the table of config rules. May import ``models``, ``datasets``, ``runs`` and
``errors``; never the entry points, ``search`` or ``serving``."""
