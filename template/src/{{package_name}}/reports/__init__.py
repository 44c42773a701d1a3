"""Reports people look at: an evaluation's per-class report and confusion matrix (classification), and, with the
report feature, the run report a training writes (report.html: curves, samples, config, environment). May import
``runs`` and ``errors``."""
