"""Limits applied before any endpoint runs, as plain ASGI middleware.

- the framing: a request with both Transfer-Encoding and Content-Length is refused (400, RFC 9112 6.1);
- the body: refused from its Content-Length when that is too large, else counted while it streams in, with a
  deadline between two reads and one for the whole body (413, 408): nothing larger than ``max_body`` bytes is
  ever held, and at most ``max_reading`` bodies are read at once (503 beyond);
- overload: the body is read first, then at most ``max_concurrent`` requests are decoded and run at once; one
  more gets 503 with Retry-After. A slow upload holds a reading place, never one of the model's slots.
"""

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str, **headers: str) -> None:
    await JSONResponse({"detail": detail}, status, headers=headers or None)(scope, receive, send)


class RequestLimits:
    def __init__(self, app: ASGIApp, *, guarded: set[str], max_body: int, body_timeout: float,
                 body_idle_timeout: float, max_reading: int, max_concurrent: int, retry_after: int = 1) -> None:
        self.app, self.guarded, self.max_body, self.max_reading = app, guarded, max_body, max_reading
        self.body_timeout, self.body_idle_timeout = body_timeout, body_idle_timeout
        self.max_concurrent, self.retry_after, self.reading, self.busy = max_concurrent, retry_after, 0, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])  # names in lower case (ASGI)
        length = headers.get(b"content-length")
        if length is not None and b"transfer-encoding" in headers:  # proxies disagree on which wins: smuggling
            return await refuse(scope, receive, send, 400, "both Transfer-Encoding and Content-Length: send one")
        if length is not None and not length.isdigit():
            return await refuse(scope, receive, send, 400, "invalid Content-Length header")
        if length is not None and int(length) > self.max_body:
            return await refuse(scope, receive, send, 413, f"request body larger than {self.max_body} bytes")
        if scope["method"] != "POST" or scope["path"] not in self.guarded:
            return await self.app(scope, receive, send)
        # one event loop: no lock needed between a check and its increment
        if self.reading >= self.max_reading:
            return await self._busy(scope, receive, send, f"{self.max_reading} uploads are being received")
        self.reading += 1
        try:
            body = await self._read_body(scope, receive, send)
        finally:
            self.reading -= 1
        if body is None:
            return None
        if self.busy >= self.max_concurrent:
            return await self._busy(scope, receive, send, "too many requests at once")
        self.busy += 1
        try:
            await self.app(scope, replay(body, receive), send)
        finally:
            self.busy -= 1

    async def _busy(self, scope: Scope, receive: Receive, send: Send, why: str) -> None:
        await refuse(scope, receive, send, 503, f"server busy: {why}, retry shortly",
                     **{"Retry-After": str(self.retry_after)})

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once a refusal was sent (or the client left)."""
        chunks, size = [], 0
        try:
            with anyio.fail_after(self.body_timeout):
                while True:
                    try:
                        with anyio.fail_after(self.body_idle_timeout):
                            message = await receive()
                    except TimeoutError:
                        await refuse(scope, receive, send, 408,
                                     f"no request body data for {self.body_idle_timeout:g} s")
                        return None
                    if message["type"] == "http.disconnect":
                        return None
                    chunks.append(message.get("body", b""))
                    size += len(chunks[-1])
                    if size > self.max_body:
                        await refuse(scope, receive, send, 413, f"request body larger than {self.max_body} bytes")
                        return None
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            await refuse(scope, receive, send, 408, f"request body not received within {self.body_timeout:g} s")
            return None


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that gives the buffered body once, then waits on the client (for its disconnect)."""
    sent = False

    async def receive_again():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive_again
