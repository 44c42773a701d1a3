"""Prometheus metrics of the server: request counts by route and status, latency histogram.

Requests are labelled by the route template that served them (unknown paths share one label), so random URLs
cannot grow the metrics; every status is counted, 5xx included (an exception counts as the 500 it becomes).
"""

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)  # seconds
UNMATCHED = "<unmatched>"


class ServerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # one per app: tests can build many apps
        self.requests = Counter("requests", "HTTP requests", ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram(
            "request_latency_seconds", "Request latency", ["endpoint"], buckets=LATENCY_BUCKETS, registry=self.registry
        )


class MeasureRequests:
    """ASGI middleware, outside every other one of the app's: counts and times each HTTP request."""

    def __init__(self, app: ASGIApp, *, metrics: ServerMetrics, router: Router) -> None:
        self.app, self.metrics, self.router = app, metrics, router

    def endpoint(self, scope: Scope) -> str:
        route = scope.get("route")  # set by the router when the request got that far
        if route is None:
            route = next((r for r in self.router.routes if r.matches(scope)[0] != Match.NONE), None)
        return getattr(route, "path", UNMATCHED)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), 500  # unless a response starts, the server answers 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            endpoint = self.endpoint(scope)
            self.metrics.requests.labels(endpoint, str(status)).inc()
            self.metrics.latency.labels(endpoint).observe(time.perf_counter() - start)
