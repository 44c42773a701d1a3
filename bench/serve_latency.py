"""Serving latency: /predict p50/p95 and requests/s, float32 vs int8 (ONNX Runtime), per preset family.

    python bench/serve_latency.py [--requests 200] [--presets resnet-cpu paddle-cpu yolo-cpu]

Renders each preset, trains its model a few steps (latency does not depend on the weights): resnet18
at 224x224 on a generated image folder (PyTorch and Paddle), yolov10n at 640x640 on the built-in
shapes; exports ONNX, quantizes it, starts `scripts/serve.py` on a loopback port and runs the
project's own `scripts/bench_serve.py` against it, one model after the other.
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


CLASSIFIER = [  # resnet18 at 224 px, a few steps on the generated image folder
    "model=resnet18",
    "data=imagefolder",
    "data.num_classes=3",
    "data.batch_size=4",
    "data.num_workers=0",
    "trainer.max_epochs=1",
    "trainer.limit_train_batches=2",
    "test=false",
    "trainer.enable_progress_bar=false",
]
DETECTOR = [  # yolov10n at 640 px, one epoch on a few generated shapes images
    "experiment=shapes_quick",
    "trainer=cpu",
    "model=yolov10n",
    "data.image_size=640",
    "data.num_train=8",
    "data.num_val=4",
    "trainer.max_epochs=1",
]
SETUPS = {  # preset -> (model described, train overrides, checkpoint)
    "resnet-cpu": ("Lightning resnet18 224px", CLASSIFIER, "best.ckpt"),
    "paddle-cpu": ("Paddle resnet18 224px", CLASSIFIER, "best.ckpt"),
    "yolo-cpu": ("YOLOv10n 640px", DETECTOR, "best.pt"),
}


def measure(preset: str, requests: int) -> list[list[str]]:
    described, overrides, ckpt = SETUPS[preset]
    project = render(preset)
    image_folder(project / "data" / "images")
    run(project, "scripts/train.py", *overrides, "hydra.run.dir=outputs/r18")
    run(project, "scripts/export.py", f"ckpt_path=outputs/r18/checkpoints/{ckpt}", "format=onnx")
    score = run(project, "scripts/quantize.py", "outputs/r18/export").strip().splitlines()[-1]
    image = project / "data" / "images" / "val" / "class0" / "0.jpg"
    rows = [[described, *latency(project, name, image, requests)] for name in ("model.onnx", "model.int8.onnx")]
    print(f"{preset}: {score}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--presets", nargs="+", default=list(SETUPS), choices=list(SETUPS))
    args = parser.parse_args()
    rows = [row for preset in args.presets for row in measure(preset, args.requests)]
    report("serve_latency", ["model", "file", "p50 ms", "p95 ms", "req/s"], rows)


if __name__ == "__main__":
    main()
