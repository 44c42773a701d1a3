"""A local HTTP server on 127.0.0.1 for the download tests: one folder of files, served the way real mirrors
misbehave. The first part of the path picks the behaviour, the rest names the file:

    /range/<file>     honours Range requests (206 + Content-Range; 416 past the end)
    /norange/<file>   ignores Range and sends the whole file (200)
    /cut/<file>       the first request for the file stops half-way through the body and closes the connection;
                      later ones honour Range
    /bad/<file>       the right length, the wrong bytes
    /flaky/<file>     the first request for the file gets 503, later ones honour Range
    anything else     404
"""

import re
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    files: dict[str, bytes]
    log: list[tuple[str, str, str | None, int]]  # (mode, file, Range header, status)
    seen: set[tuple[str, str]]

    def do_GET(self):
        mode, _, name = self.path.lstrip("/").partition("/")
        body = self.files.get(name)
        first = (mode, name) not in self.seen
        self.seen.add((mode, name))
        if body is None or mode not in {"range", "norange", "cut", "bad", "flaky"}:
            return self._status(mode, name, 404)
        if mode == "flaky" and first:
            return self._status(mode, name, 503)
        if mode == "bad":
            body = bytes(byte ^ 0xFF for byte in body)
        start = 0
        header = self.headers.get("Range")
        if header and mode != "norange":
            start = int(re.fullmatch(r"bytes=(\d+)-", header).group(1))
            if start >= len(body):
                self.log.append((mode, name, header, 416))
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        status = 206 if start else 200
        self.log.append((mode, name, header, status))
        self.send_response(status)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if mode == "cut" and first:  # half the body, then the connection drops
            self.wfile.write(body[start : start + (len(body) - start) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body[start:])

    def _status(self, mode: str, name: str, status: int) -> None:
        self.log.append((mode, name, self.headers.get("Range"), status))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server:
    def __init__(self, httpd: ThreadingHTTPServer, handler: type[Handler]) -> None:
        self.port = httpd.server_port
        self.files, self.log = handler.files, handler.log

    def base(self, mode: str) -> str:
        """A mirror's base URL: ``base("range") + "/" + file``."""
        return f"http://127.0.0.1:{self.port}/{mode}"

    def url(self, mode: str, name: str) -> str:
        return f"{self.base(mode)}/{name}"


@contextmanager
def serve(files: dict[str, bytes]):
    """Serve ``files`` (name -> bytes) on a free loopback port for the duration of the block."""
    handler = type("FilesHandler", (Handler,), {"files": dict(files), "log": [], "seen": set()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Server(httpd, handler)
    finally:
        httpd.shutdown()
        httpd.server_close()


def refused_url() -> str:
    """A loopback URL nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
