"""Serving latency: /predict p50/p95 and requests/s for resnet18 at 224x224, float32 vs int8 (ONNX Runtime).

    python bench/serve_latency.py [--requests 200]

Renders resnet-cpu, trains resnet18 a few steps on a generated 224 px image folder (latency does not
depend on the weights), exports ONNX, quantizes it, starts `scripts/serve.py` on a loopback port and
runs the project's own `scripts/bench_serve.py` against it, one model after the other.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import numpy as np
from common import render, report
from PIL import Image


def image_folder(root, classes=3, per_class=8) -> None:
    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for label in range(classes):
            folder = root / split / f"class{label}"
            folder.mkdir(parents=True)
            for i in range(per_class):
                pixels = rng.integers(0, 255, (256, 256, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{i}.jpg")


def run(project, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, check=True, capture_output=True, text=True
    ).stdout


def latency(project, model_file: str, image, requests: int) -> list[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    server = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "outputs/r18/export", "--port", str(port), "--model-file", model_file],
        cwd=project,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        out = run(
            project,
            "scripts/bench_serve.py",
            str(image),
            "--url",
            f"http://127.0.0.1:{port}",
            "--requests",
            str(requests),
            "--seconds",
            "120",
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    p50, p95, rps = re.search(r"p50 ([\d.]+) ms, p95 ([\d.]+) ms, ([\d.]+) req/s", out).groups()
    return [model_file, p50, p95, rps]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    project = render("resnet-cpu")
    image_folder(project / "data" / "images")
    run(
        project,
        "scripts/train.py",
        "model=resnet18",
        "data=imagefolder",
        "data.num_classes=3",
        "data.batch_size=4",
        "data.num_workers=0",
        "trainer.max_epochs=1",
        "trainer.limit_train_batches=2",
        "test=false",
        "hydra.run.dir=outputs/r18",
        "trainer.enable_progress_bar=false",
    )
    run(project, "scripts/export.py", "ckpt_path=outputs/r18/checkpoints/best.ckpt", "format=onnx")
    run(project, "scripts/quantize.py", "outputs/r18/export")
    image = project / "data" / "images" / "val" / "class0" / "0.jpg"
    rows = [latency(project, name, image, args.requests) for name in ("model.onnx", "model.int8.onnx")]
    report("serve_latency", ["model (resnet18 224px)", "p50 ms", "p95 ms", "req/s"], rows)


if __name__ == "__main__":
    main()
