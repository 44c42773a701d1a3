"""Serving latency: /predict p50/p95 and requests/s, float32 vs static and dynamic int8 (ONNX Runtime), per preset.

    python bench/serve_latency.py [--requests 200] [--presets resnet-cpu paddle-cpu yolo-cpu]

Renders each preset and runs its `scripts/quantize.py --mode both` (size, val score, single-image
latency of float32, static int8 and dynamic int8) twice: on a model trained for real at its data's
size (resnet18 2 epochs on digits, 32 px; yolov10n `experiment=shapes_quick`, 96 px), where the
score change means something, and on a model trained a few steps at serving size (resnet18 224 px on
a generated image folder, yolov10n 640 px on the built-in shapes; latency does not depend on the
weights). Then starts `scripts/serve.py` on a loopback port with each file of the serving-size export
and runs the project's own `scripts/bench_serve.py` against it, one model after the other.
"""

import argparse
import os
import re
import socket
import subprocess
import sys

import numpy as np
from common import render, report, wait_for_health
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_health(port)
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
SCORED = {  # preset -> a real training whose val score int8 must keep (at the data's own size)
    "resnet-cpu": ["model=resnet18", "data=digits", "trainer=cpu", "trainer.max_epochs=2", "test=false"],
    "paddle-cpu": ["model=resnet18", "data=digits", "trainer=cpu", "trainer.max_epochs=1", "test=false"],  # 3 min/epoch
    "yolo-cpu": ["experiment=shapes_quick", "trainer=cpu", "model=yolov10n"],
}
SETUPS = {  # preset -> (model described, train overrides, checkpoint)
    "resnet-cpu": ("Lightning resnet18 224px", CLASSIFIER, "best.ckpt"),
    "paddle-cpu": ("Paddle resnet18 224px", CLASSIFIER, "best.ckpt"),
    "yolo-cpu": ("YOLOv10n 640px", DETECTOR, "best.pt"),
}
FILES = ("model.onnx", "model.int8.onnx", "model.int8-dynamic.onnx")  # float32, static int8, dynamic int8


def train_export_quantize(project, run_name: str, overrides: list[str], ckpt: str) -> str:
    """Train into outputs/<run_name>, export ONNX, quantize both ways; -> the quantize script's table."""
    run(project, "scripts/train.py", *overrides, f"hydra.run.dir=outputs/{run_name}")
    run(project, "scripts/export.py", f"ckpt_path=outputs/{run_name}/checkpoints/{ckpt}", "format=onnx")
    return run(project, "scripts/quantize.py", f"outputs/{run_name}/export", "--mode", "both")


def measure(preset: str, requests: int) -> list[list[str]]:
    described, overrides, ckpt = SETUPS[preset]
    project = render(preset)
    table = train_export_quantize(project, "scored", SCORED[preset], ckpt)
    print(f"{preset}, trained for real ({' '.join(SCORED[preset])}):\n{table}", flush=True)
    image_folder(project / "data" / "images")
    table = train_export_quantize(project, "r18", overrides, ckpt)
    print(f"{preset}, {described}, a few steps (latency only; the score is of random data):\n{table}", flush=True)
    image = project / "data" / "images" / "val" / "class0" / "0.jpg"
    return [[described, *latency(project, name, image, requests)] for name in FILES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--presets", nargs="+", default=list(SETUPS), choices=list(SETUPS))
    args = parser.parse_args()
    rows = [row for preset in args.presets for row in measure(preset, args.requests)]
    report("serve_latency", ["model", "file", "p50 ms", "p95 ms", "req/s"], rows)


if __name__ == "__main__":
    main()
