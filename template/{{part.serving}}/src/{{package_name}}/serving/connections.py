"""Connections, below the app: uvicorn's HTTP/1.1 protocol with a deadline for request heads, and the server's
connection cap.

Uvicorn closes an idle keep-alive connection, but restarts that timer on every byte, and sets none before the
first request: a client that sends its head a byte at a time, or never finishes it, holds its connection (and a
file descriptor) for ever. Here every request head must arrive whole within ``header_timeout`` seconds of the
connection (or of the previous response); otherwise the connection is closed. Beyond ``max_connections`` open
connections (by default just under the file descriptor limit), uvicorn answers 503 (its ``limit_concurrency``).
"""

import asyncio
import resource

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


def head_deadline(header_timeout: float) -> type[H11Protocol]:
    """Uvicorn's h11 protocol class, with a ``header_timeout`` (seconds) for each request head."""

    class HeadDeadline(H11Protocol):
        deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            super().handle_events()
            if self.conn.their_state is not h11.IDLE:  # the head arrived (or the connection is done with)
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.conn.their_state is h11.IDLE:  # waiting for the next head
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self.deadline = self.loop.call_later(header_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
                self.deadline = None

        def _too_slow(self) -> None:
            self.deadline = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeadDeadline


def connection_cap() -> int:
    """The default cap: this process's file descriptor limit, less 100 for its own files and pipes. Above it, a
    server that runs out of descriptors fails to accept; under it, the cap answers 503 first."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(64, min(soft, 100_000) - 100)


def serve(app, host: str, port: int, *, header_timeout: float = 10.0, max_connections: int | None = None) -> None:
    """Run ``app`` with uvicorn: request heads within ``header_timeout`` s, at most ``max_connections`` open."""
    uvicorn.run(app, host=host, port=port, http=head_deadline(header_timeout),
                limit_concurrency=max_connections or connection_cap())
