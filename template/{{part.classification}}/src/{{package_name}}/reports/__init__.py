"""Evaluation reports: the per-class report, the confusion matrix and the metrics file ``evaluate`` writes. May
import ``runs`` and ``errors``."""
