"""Latency and throughput of a running server, bounded in requests and time:
python scripts/bench_serve.py IMAGE [--url http://127.0.0.1:8000] [--requests 200] [--concurrency 1]

Latencies are of answered (200) requests; refusals (503: the server is at its --max-concurrent), other statuses
and connection errors are counted and reported, not fatal."""

import argparse
import collections
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def one_request(client: httpx.Client, url: str, image: bytes, name: str) -> tuple[str, float]:
    """(outcome, seconds): outcome is the HTTP status, or the error's class name when no answer came."""
    start = time.perf_counter()
    try:
        status = str(client.post(f"{url}/predict", files={"file": (name, image, "image/png")}).status_code)
    except httpx.HTTPError as error:
        status = error.__class__.__name__
    return status, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("image", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="loopback only: this measures your server")
    parser.add_argument("--requests", type=int, default=200, help="stop after this many requests")
    parser.add_argument("--seconds", type=float, default=60, help="... or after this long")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if not args.image.is_file():
        sys.exit(f"error: {args.image} not found; pass an image file")
    image = args.image.read_bytes()
    outcomes, latencies = collections.Counter(), []
    with httpx.Client(timeout=30) as client:
        for _ in range(args.warmup):
            one_request(client, args.url, image, args.image.name)
        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            while sum(outcomes.values()) < args.requests and time.perf_counter() - start < args.seconds:
                futures = [pool.submit(one_request, client, args.url, image, args.image.name)
                           for _ in range(args.concurrency)]
                for status, seconds in (future.result() for future in futures):
                    outcomes[status] += 1
                    if status == "200":
                        latencies.append(seconds)
        elapsed = time.perf_counter() - start
    other = ", ".join(f"{n} x {status}" for status, n in sorted(outcomes.items()) if status not in ("200", "503"))
    print(f"{sum(outcomes.values())} requests in {elapsed:.1f} s, concurrency {args.concurrency}: "
          f"{outcomes['200']} answered, {outcomes['503']} refused (503){f'; other: {other}' if other else ''}")
    if len(latencies) < 2:
        sys.exit("error: fewer than 2 requests were answered; is the server up, and is IMAGE an image?")
    cuts = statistics.quantiles(latencies, n=100)
    print(f"answered: p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms, {len(latencies) / elapsed:.1f} req/s")


if __name__ == "__main__":
    main()
