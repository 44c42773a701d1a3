"""An export directory as the server loads it: an ONNX Runtime session and preprocess.json, checked at startup
so that a broken or mismatched export stops the server with one line instead of answering 500 later."""

from __future__ import annotations

import json
import os
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # imported where a session is made: decoding workers unpickle a predictor without one
    import onnxruntime as ort

from ..errors import UserError

AGAIN = "export the model again (scripts/export.py format=onnx)"


def session_options(threads: int | None = None) -> ort.SessionOptions:
    """Chosen by measurement (bench/ort_settings.py, resnet18 224 px, 2 cores): every graph optimisation (it
    fuses static int8's QDQ pairs into int8 kernels: p50 11.4 ms against 30.2 at the basic level) and, by
    default, every core this process may use for each request (p50 20.8 ms float32 / 11.4 ms int8 against
    40.2 / 21.8 with one thread). ``threads=1`` serves about 14 % more images/s when 4 requests run at once,
    each at twice the latency."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return options


def open_session(model: str | Path, threads: int | None = None) -> ort.InferenceSession:
    """A CPU session in the server's settings."""
    import onnxruntime as ort

    return ort.InferenceSession(str(model), session_options(threads), providers=["CPUExecutionProvider"])


def describe(options: ort.SessionOptions) -> str:
    """The settings, for the server's startup line."""
    import onnxruntime as ort

    level = str(options.graph_optimization_level).rsplit(".", 1)[-1]
    mode = str(options.execution_mode).rsplit(".", 1)[-1].removeprefix("ORT_").lower()
    return (f"ONNX Runtime {ort.__version__} on CPU, {options.intra_op_num_threads} intra-op threads, "
            f"graph optimisation {level}, {mode} execution")


def numbers(value, count: int) -> bool:
    return isinstance(value, list) and len(value) == count and all(isinstance(v, Real) for v in value)


class ExportedModel:
    """``model_dir/model_file`` and ``model_dir/preprocess.json``; subclasses turn images into answers.

    Subclasses name their own preprocess.json keys (``KEYS``: key -> check) and check the model's output
    on a blank image (``check_output``)."""

    KEYS: dict = {}

    def __init__(self, model_dir: str | Path, model_file: str = "model.onnx", threads: int | None = None) -> None:
        model_dir = Path(model_dir)
        self.spec = self._read_spec(model_dir / "preprocess.json")
        self.classes = self.spec["classes"]
        self.session = self._open(model_dir / model_file, threads)
        self.name = f"{model_dir.name}/{model_file}"
        self.fixed_batch = self._check_input(model_dir / model_file)
        blank = np.zeros((1, *self.spec["input_size"]), np.float32)
        try:
            outputs = self.session.run(None, {"images": blank})
        except Exception as error:  # ONNX Runtime raises its own exception types
            raise UserError(f"{self.name} fails on a blank {self.spec['input_size']} image ({first_line(error)}); "
                            f"{AGAIN}") from error
        self.check_output(outputs)

    def _read_spec(self, path: Path) -> dict:
        if not path.is_file():
            raise UserError(f"{path} not found; {AGAIN}")
        try:
            spec = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise UserError(f"{path} is not valid JSON ({first_line(error)}); {AGAIN}") from error
        checks = {
            "input_size": lambda v: numbers(v, 3) and v[0] == 3 and all(isinstance(d, int) and d > 0 for d in v),
            "scale": lambda v: isinstance(v, Real) and v > 0,
            "classes": lambda v: isinstance(v, list) and v and all(isinstance(name, str) for name in v),
            **self.KEYS,
        }
        if not isinstance(spec, dict):
            raise UserError(f"{path} is not a JSON object; {AGAIN}")
        missing = [key for key in checks if key not in spec]
        if missing:
            raise UserError(f"{path} lacks {', '.join(missing)}; {AGAIN}")
        wrong = [key for key, check in checks.items() if not check(spec[key])]
        if wrong:
            raise UserError(f"{path} has invalid {', '.join(f'{key}={spec[key]!r}' for key in wrong)}; {AGAIN}")
        return spec

    def _open(self, path: Path, threads: int | None) -> ort.InferenceSession:
        if not path.is_file():
            raise UserError(f"{path} not found; {AGAIN}")
        try:
            return open_session(path, threads)
        except Exception as error:  # truncated, empty or foreign files: ONNX Runtime's own exception types
            raise UserError(f"{path} is not a model ONNX Runtime can load ({first_line(error)}); {AGAIN}") from error

    def _check_input(self, path: Path) -> bool:
        """True if the model takes a fixed batch of one image."""
        inputs = {node.name: node.shape for node in self.session.get_inputs()}
        shape, size = inputs.get("images"), self.spec["input_size"]
        if shape is None or len(shape) != 4:
            raise UserError(f"{path} has no 4-d input named 'images' (inputs: {inputs}); {AGAIN}")
        if any(isinstance(dim, int) and dim != want for dim, want in zip(shape[1:], size, strict=True)):
            raise UserError(f"{path} takes images of shape {shape[1:]} but preprocess.json says input_size={size}; "
                            "export the model and preprocess.json from the same run")
        return shape[0] == 1

    def check_output(self, outputs: list[np.ndarray]) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict:
        """Pickled without its session: the decoding workers (serving/decoding.py) call ``prepare`` only."""
        return {key: value for key, value in self.__dict__.items() if key != "session"}


def first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else error.__class__.__name__)[:200]
