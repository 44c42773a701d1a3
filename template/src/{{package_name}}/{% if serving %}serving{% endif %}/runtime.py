"""An export directory as the server loads it: an ONNX Runtime session and preprocess.json."""

import json
import os
from pathlib import Path

import onnxruntime as ort


def open_session(model: str | Path) -> ort.InferenceSession:
    """A CPU session using the cores this process may use."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = len(os.sched_getaffinity(0))
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


class ExportedModel:
    """``model_dir/model_file`` and ``model_dir/preprocess.json``; subclasses turn images into answers."""

    def __init__(self, model_dir: str | Path, model_file: str = "model.onnx") -> None:
        model_dir = Path(model_dir)
        self.spec = json.loads((model_dir / "preprocess.json").read_text())
        self.classes = self.spec["classes"]
        self.session = open_session(model_dir / model_file)
        self.name = f"{model_dir.name}/{model_file}"
