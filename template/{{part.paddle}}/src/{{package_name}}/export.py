"""``export(cfg)``: a Paddle inference model (``paddle.jit.save``) and ONNX (Paddle2ONNX); each checked."""

import json
import tempfile
from pathlib import Path

import numpy as np
import paddle
from omegaconf import DictConfig

from .errors import UserError
from .runs.checks import export_formats
from .runs.run_dir import PREPROCESS_FILE, results_dir
from .training.checkpoint import load_trained

FORMATS = ("paddle", "onnx")


def _input_spec(preprocess: dict) -> list[paddle.static.InputSpec]:
    return [paddle.static.InputSpec([None, *preprocess["input_size"]], "float32", name="images")]


def _to_paddle(net: paddle.nn.Layer, example: np.ndarray, path: Path, spec) -> np.ndarray:
    paddle.jit.save(net, str(path), input_spec=spec)  # model.json/.pdmodel + .pdiparams
    loaded = paddle.jit.load(str(path))
    loaded.eval()
    return loaded(paddle.to_tensor(example)).numpy()


def _to_onnx(net: paddle.nn.Layer, example: np.ndarray, path: Path, spec) -> np.ndarray:
    import onnxruntime as ort
    import paddle2onnx

    with tempfile.TemporaryDirectory() as tmp:
        paddle.jit.save(net, f"{tmp}/model", input_spec=spec)
        # No optimize_tool: the default (Polygraphy) may pip-install packages while exporting.
        paddle2onnx.export(f"{tmp}/model.json", f"{tmp}/model.pdiparams", save_file=str(path), opset_version=13,
                           optimize_tool="None")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"images": example})[0]


EXPORTERS = {"paddle": (_to_paddle, "inference/model"), "onnx": (_to_onnx, "model.onnx")}


def export(cfg: DictConfig) -> dict[str, float]:
    """Returns the max abs difference to the dynamic graph per format; raises if one exceeds the tolerance."""
    formats = export_formats(cfg, FORMATS)
    model, _, run_dir = load_trained(cfg.ckpt_path)
    preprocess = json.loads((run_dir / PREPROCESS_FILE).read_text())
    out_dir = results_dir(cfg.output_dir, run_dir, "export")
    out_dir.mkdir(parents=True, exist_ok=True)

    example = np.random.default_rng(0).standard_normal((cfg.batch_size, *preprocess["input_size"]), dtype=np.float32)
    with paddle.no_grad():
        reference = model.network(paddle.to_tensor(example)).numpy()
    differences = {}
    for fmt in formats:
        exporter, filename = EXPORTERS[fmt]
        output = exporter(model.network, example, out_dir / filename, _input_spec(preprocess))
        differences[fmt] = float(np.abs(output - reference).max())
        print(f"{fmt}: {out_dir / filename}  max abs difference to the dynamic graph: {differences[fmt]:.2e}")
    (out_dir / PREPROCESS_FILE).write_text(json.dumps(preprocess | {"formats": formats}, indent=2) + "\n")
    if bad := {fmt: diff for fmt, diff in differences.items() if diff > cfg.tolerance}:
        raise UserError(f"exported output differs from the dynamic graph by {bad} (> tolerance={cfg.tolerance})")
    return differences
