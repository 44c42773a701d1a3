"""Training memory (feature ``memory``): real training steps measured at two batch sizes, for
``scripts/estimate_memory.py``. May import ``models`` (built from the config), ``runs`` and ``errors``;
``estimate`` <- ``probe`` <- ``step`` <- ``report``, in that order only."""
