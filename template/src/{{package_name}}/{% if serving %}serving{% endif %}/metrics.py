"""Prometheus metrics of the server: request counts by endpoint and status, latency histogram."""

from prometheus_client import CollectorRegistry, Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)  # seconds


class ServerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # one per app: tests can build many apps
        self.requests = Counter("requests", "HTTP requests", ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram(
            "request_latency_seconds", "Request latency", ["endpoint"], buckets=LATENCY_BUCKETS, registry=self.registry
        )
