"""Limits applied before any endpoint runs, as plain ASGI middleware.

- the body: refused from its Content-Length when that is too large, else counted while it streams in, with a
  deadline for slow senders (413, 408): nothing larger than ``max_body`` bytes is ever held;
- overload: at most ``max_concurrent`` requests to the model's routes are read, decoded and run at once; one more
  gets 503 with Retry-After at once, before its body is read.
"""

import anyio
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


async def refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str, **headers: str) -> None:
    await JSONResponse({"detail": detail}, status, headers=headers or None)(scope, receive, send)


class RequestLimits:
    def __init__(self, app: ASGIApp, *, guarded: set[str], max_body: int, body_timeout: float,
                 max_concurrent: int, retry_after: int = 1) -> None:
        self.app, self.guarded, self.max_body, self.body_timeout = app, guarded, max_body, body_timeout
        self.max_concurrent, self.retry_after, self.busy = max_concurrent, retry_after, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and not length.isdigit():
            return await refuse(scope, receive, send, 400, "invalid Content-Length header")
        if length is not None and int(length) > self.max_body:
            return await refuse(scope, receive, send, 413, f"request body larger than {self.max_body} bytes")
        if scope["method"] != "POST" or scope["path"] not in self.guarded:
            return await self.app(scope, receive, send)
        if self.busy >= self.max_concurrent:  # one event loop: no lock needed between the check and the increment
            return await refuse(scope, receive, send, 503, "server busy: too many requests at once, retry shortly",
                                **{"Retry-After": str(self.retry_after)})
        self.busy += 1
        try:
            body = await self._read_body(scope, receive, send)
            if body is not None:
                await self.app(scope, replay(body, receive), send)
        finally:
            self.busy -= 1

    async def _read_body(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or None once a refusal was sent (or the client left)."""
        chunks, size = [], 0
        try:
            with anyio.fail_after(self.body_timeout):
                while True:
                    message = await receive()
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
