"""The server under attack: a legitimate /predict's latency alone and while each attack of issue 22 runs, and the
server's worst memory (RSS of the server and its decoding processes), on the four servers (classification,
detection, semantic and instance segmentation), before (an older commit) and after (the working tree).

    python bench/serve_attacks.py [--before 9fcbaf1] [--presets resnet-cpu yolo-cpu seg-cpu yolo-seg-cpu]

Each server is `scripts/serve.py` with its defaults, on a tiny real export (the project's tests/tiny_export.py),
on loopback, started fresh for each attack. The attack files are made here. A legitimate request is a 64x48 PNG;
up to 4 are sent during an attack, within 40 s (a request still waiting then counts as 40 s).
"""

import argparse
import io
import os
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import httpx
import numpy as np
import psutil
from common import report, wait_for_health
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scaffolder import create_project  # noqa: E402

SIDE = 4898  # 4898 x 4898 = 23.99 Mpx: just inside the server's default 24 Mpx budget
WINDOW = 40.0


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def legit_image() -> bytes:
    return png(np.full((48, 64, 3), 90, np.uint8))


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (SIDE, SIDE), colour) for colour in ((0, 0, 0), (255, 255, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True, quality=0, method=0)
    return buffer.getvalue()


def repeated_scans(count: int = 3000) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)).save(
        buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    last_scan, end = data.rfind(b"\xff\xda"), data.rfind(b"\xff\xd9")
    return data[:end] + data[last_scan:end] * count + data[end:]


def comment_markers(count: int = 1_200_000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (90, 90, 90)).save(buffer, "JPEG")
    return b"\xff\xd8" + b"\xff\xfe\x00\x02" * count + buffer.getvalue()[2:]


def empty_chunks(count: int = 400_000) -> bytes:
    data = legit_image()
    chunk = struct.pack(">I", 0) + b"prVt" + struct.pack(">I", zlib.crc32(b"prVt"))
    return data[:33] + chunk * count + data[33:]


def pixel_limit_png() -> bytes:
    rows, columns = np.indices((SIDE, SIDE), dtype=np.uint16)
    return png(np.stack([(rows * 3 + columns * 7) % 256, columns % 256, rows % 256], -1).astype(np.uint8))


def multipart(field: str, files: list[bytes]) -> tuple[bytes, str]:
    boundary = "attackboundary"
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{i}\"\r\n"
                    f"Content-Type: image/png\r\n\r\n".encode() + data + b"\r\n" for i, data in enumerate(files))
    return body + f"--{boundary}--\r\n".encode(), boundary


def raw_post(port: int, path: str, body: bytes, boundary: str, send: int | None = None) -> socket.socket:
    """A POST over a socket, of which only ``send`` body bytes are sent (all when None); the socket is left open."""
    connection = socket.create_connection(("127.0.0.1", port))
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    connection.sendall(head + body[:send])
    return connection


class Server:
    def __init__(self, project: Path, export: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "scripts/serve.py", str(export), "--port", str(self.port)], cwd=project,
            env={**os.environ, "PYTHONPATH": str(project / "src")}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        self.process.stdout.readline()
        wait_for_health(self.port)
        self.peak, self.stop = 0, threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        server = psutil.Process(self.process.pid)
        while not self.stop.is_set():
            try:
                rss = sum(p.memory_info().rss for p in [server, *server.children(recursive=True)])
                self.peak = max(self.peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def predict(self) -> tuple[int, float]:
        start = time.perf_counter()
        try:
            answer = httpx.post(f"http://127.0.0.1:{self.port}/predict", timeout=WINDOW,
                                files={"file": ("legit.png", legit_image(), "image/png")})
            return answer.status_code, time.perf_counter() - start
        except httpx.HTTPError:
            return 0, time.perf_counter() - start

    def close(self) -> None:
        self.stop.set()
        self.process.terminate()
        self.process.wait(timeout=30)


def one_bit_png() -> bytes:
    """A 24-Mpx 1-bit PNG of stripes, about 100 KB: within every limit, seconds to decode 32 of them."""
    return png(np.indices((SIDE, SIDE))[1] % 64 < 32)


def looping(server: Server, path: str, field: str, files: list[bytes], clients: int = 1):
    """``clients`` attackers that send the same request again and again until stopped."""
    stop = threading.Event()
    body, boundary = multipart(field, files)

    def attack() -> None:
        while not stop.is_set():
            try:
                httpx.post(f"http://127.0.0.1:{server.port}{path}", content=body, timeout=120,
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
            except httpx.HTTPError:
                pass

    for _ in range(clients):
        threading.Thread(target=attack, daemon=True).start()
    return stop.set


def holding(make_sockets):
    sockets = make_sockets()

    def release() -> None:
        for connection in sockets:
            connection.close()

    return release


def attacks(files: dict[str, bytes]) -> dict:
    """name -> a function(server) that starts the attack and returns the function that ends it."""
    webp = files["webp"]
    batch16, boundary16 = multipart("files", [files["pixel_limit"]] * 16)
    slow_body, slow_boundary = multipart("file", [legit_image()])

    def abandoned(server: Server):
        def again() -> None:  # send the batch and leave, every second
            while not done.is_set():
                raw_post(server.port, "/predict/batch", batch16, boundary16).close()
                time.sleep(1)

        done = threading.Event()
        threading.Thread(target=again, daemon=True).start()
        return done.set

    def open_heads(server: Server) -> list:
        sockets = []
        for _ in range(300):
            connection = socket.create_connection(("127.0.0.1", server.port))
            connection.sendall(b"POST /predict HTTP/1.1\r\nHost: x\r\n")
            sockets.append(connection)
        return sockets

    return {
        "progressive JPEG, 3,000 repeated scans": lambda s: looping(s, "/predict", "file", [files["scans"]]),
        f"animated WebP, {SIDE}x{SIDE} canvas ({len(webp)} B)": lambda s: looping(s, "/predict", "file", [webp]),
        "batch of 32 of those WebPs": lambda s: looping(s, "/predict/batch", "files", [webp] * 32),
        "4 clients looping batches of 32 x 24-Mpx 1-bit PNGs": lambda s: looping(
            s, "/predict/batch", "files", [files["one_bit"]] * 32, clients=4),
        "PNG, 400k empty chunks": lambda s: looping(s, "/predict", "file", [files["chunks"]]),
        "JPEG, 1.2M comment markers": lambda s: looping(s, "/predict", "file", [files["comments"]]),
        "abandoned 16-image batch at the pixel limit": abandoned,
        "4 slow senders (6 body bytes each)": lambda s: holding(lambda: [
            raw_post(s.port, "/predict", slow_body, slow_boundary, send=6) for _ in range(4)]),
        "300 connections that never finish their headers": lambda s: holding(lambda: open_heads(s)),
    }


def measure(project: Path, export: Path, attack=None) -> dict:
    server = Server(project, export)
    try:
        end = attack(server) if attack else None
        time.sleep(0.5)
        answers, start = [], time.monotonic()
        while len(answers) < 4 and time.monotonic() - start < WINDOW:
            answers.append(server.predict())
        if end:
            end()
    finally:
        server.close()
    seconds = [t for _, t in answers]
    return {"median_s": round(statistics.median(seconds), 3), "worst_s": round(max(seconds), 3),
            "ok": f"{sum(status == 200 for status, _ in answers)}/{len(answers)}",
            "statuses": sorted({status for status, _ in answers}), "rss_mb": round(server.peak / 2**20)}


def tiny_export(project: Path) -> Path:
    sys.path.insert(0, str(project / "tests"))
    from tiny_export import tiny_export as build

    sys.path.pop(0)
    sys.modules.pop("tiny_export", None)
    return build(project / "outputs" / "tiny_export")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default="9fcbaf1", help="commit of the template before the change")
    parser.add_argument("--presets", nargs="+", default=["resnet-cpu", "yolo-cpu", "seg-cpu", "yolo-seg-cpu"])
    parser.add_argument("--versions", nargs="+", default=["before", "after"])
    parser.add_argument("--only", default="", help="run only the attacks whose name contains this")
    args = parser.parse_args()
    files = {"webp": animated_webp(), "scans": repeated_scans(), "comments": comment_markers(),
             "chunks": empty_chunks(), "pixel_limit": pixel_limit_png(), "one_bit": one_bit_png()}
    rows = []
    for preset in args.presets:
        for version in args.versions:
            project = Path(os.environ.get("TMPDIR", "/tmp")) / f"attacks-{preset}-{version}"
            if not project.exists():
                create_project(project, preset=preset, vcs_ref=args.before if version == "before" else "HEAD",
                               git=False)
            export = tiny_export(project)
            alone = measure(project, export)
            rows.append({"preset": preset, "version": version, "attack": "none (alone)", **alone})
            print(rows[-1], flush=True)
            for name, attack in attacks(files).items():
                if args.only not in name:
                    continue
                rows.append({"preset": preset, "version": version, "attack": name, **measure(project, export, attack)})
                print(rows[-1], flush=True)
    report("serve_attacks", list(rows[0]), [list(row.values()) for row in rows])


if __name__ == "__main__":
    main()
