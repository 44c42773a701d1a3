"""``export(cfg)``: TorchScript and ONNX files, each checked against the PyTorch output on validation images."""

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from omegaconf import DictConfig

from .errors import UserError
from .runs import mlflow_run
from .runs.checks import export_formats
from .runs.cli import one_line
from .runs.run_dir import PREPROCESS_FILE, results_dir
from .training.checkpoint import load_trained

FORMATS = ("onnx", "torchscript")


def _to_torchscript(net: torch.nn.Module, example: torch.Tensor, path: Path) -> np.ndarray:
    torch.jit.trace(net, example).save(str(path))
    return torch.jit.load(str(path))(example).detach().numpy()


def _to_onnx(net: torch.nn.Module, example: torch.Tensor, path: Path) -> np.ndarray:
    # The TorchScript-based exporter needs no onnxscript; the batch dimension stays dynamic.
    torch.onnx.export(
        net, example, str(path), input_names=["images"], output_names=["logits"],
        dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False,
    )
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"images": example.numpy()})[0]


def _example(datamodule, batch_size: int, input_size: list[int]) -> torch.Tensor:
    """``batch_size`` validation images as the network sees them, where the run's data can be read here; random ones
    otherwise. Real images are what the outputs must match on: random noise drives some trained networks (an
    EfficientNet with little-varying BatchNorm channels) to outputs of 1e5, where float32 rounding alone fails."""
    try:
        datamodule.setup("validate")  # never downloads: prepare_data is not called
        batch = datamodule.on_before_batch_transfer(next(iter(datamodule.val_dataloader())), 0)  # data.decode=gpu
        images = batch[0][:batch_size].float().cpu()
        if list(images.shape[1:]) == list(input_size):
            print(f"checking on {len(images)} validation images")
            return images
        reason = f"they are {list(images.shape[1:])}, the export takes {list(input_size)}"
    except Exception as error:  # noqa: BLE001  (missing or moved data: the check still runs)
        reason = (one_line(error) or type(error).__name__).splitlines()[0]
    print(f"checking on random inputs (the validation images cannot be used: {reason})")
    return torch.randn(batch_size, *input_size, generator=torch.Generator().manual_seed(0))


EXPORTERS = {"onnx": (_to_onnx, "model.onnx"), "torchscript": (_to_torchscript, "model.torchscript.pt")}


def export(cfg: DictConfig) -> dict[str, float]:
    """Returns the max abs difference to PyTorch per format, as a share of the largest output when that is
    above 1 (an untrained segmentation network's logits reach the hundreds); raises above the tolerance."""
    formats = export_formats(cfg, FORMATS)
    model, datamodule, run_dir = load_trained(cfg.ckpt_path)
    preprocess = json.loads((run_dir / PREPROCESS_FILE).read_text())
    out_dir = results_dir(cfg.output_dir, run_dir, "export")
    out_dir.mkdir(parents=True, exist_ok=True)

    example = _example(datamodule, cfg.batch_size, preprocess["input_size"])
    with torch.no_grad():
        reference = model.net(example).numpy()
    scale = max(1.0, float(np.abs(reference).max()))  # float32 rounding grows with the outputs' size
    differences = {}
    for fmt in formats:
        exporter, filename = EXPORTERS[fmt]
        output = exporter(model.net, example, out_dir / filename)
        differences[fmt] = float(np.abs(output - reference).max()) / scale
        print(f"{fmt}: {out_dir / filename}  max difference to PyTorch: {differences[fmt]:.2e}"
              + (f" of the largest output ({scale:.3g})" if scale > 1 else ""))
    (out_dir / PREPROCESS_FILE).write_text(json.dumps(preprocess | {"formats": list(formats)}, indent=2) + "\n")
    if bad := {fmt: diff for fmt, diff in differences.items() if diff > cfg.tolerance}:
        raise UserError(f"exported output differs from PyTorch by {bad} (> tolerance={cfg.tolerance})")
    mlflow_run.log_export(run_dir, out_dir)  # logger=mlflow: the export joins the run that trained it
    return differences
