"""ONNX Runtime session settings for the server, chosen by measurement: intra-op threads x graph optimisation.

    python bench/ort_settings.py [--runs 60]

Renders resnet-cpu, trains resnet18 a few steps at 224 px (latency does not depend on the weights), exports
ONNX and quantizes it (static int8); then, for float32 and int8 and each setting, measures one session
in-process: single-image p50 (one request at a time) and images/s with 4 threads sharing the session (the
server's default --max-concurrent 4).
"""

import argparse
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnxruntime as ort
from common import render, report
from serve_latency import CLASSIFIER, image_folder, train_export_quantize

LEVELS = {
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


def session(model, threads: int, level: str) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.graph_optimization_level = LEVELS[level]
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


def measure(sess: ort.InferenceSession, runs: int) -> tuple[float, float]:
    image = {"images": np.random.default_rng(0).random((1, 3, 224, 224), dtype=np.float32)}
    for _ in range(5):
        sess.run(None, image)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, image)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: sess.run(None, image), range(runs)))
    return 1000 * float(np.median(times)), runs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    project = render("resnet-cpu")
    image_folder(project / "data" / "images")
    train_export_quantize(project, "r18", CLASSIFIER, "best.ckpt")
    cores, rows = len(os.sched_getaffinity(0)), []
    for name in ("model.onnx", "model.int8.onnx"):
        for threads in sorted({1, cores}):
            for level in LEVELS:
                p50, rate = measure(session(project / "outputs" / "r18" / "export" / name, threads, level), args.runs)
                rows.append([name, str(threads), level, f"{p50:.1f}", f"{rate:.1f}"])
                print(rows[-1], flush=True)
    report(
        "ort_settings",
        ["file", "intra-op threads", "graph optimisation", "p50 ms (1 at a time)", "img/s (4 at once)"],
        rows,
    )


if __name__ == "__main__":
    main()
