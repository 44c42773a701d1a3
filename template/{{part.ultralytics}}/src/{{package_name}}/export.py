"""``export(cfg)``: ONNX and TorchScript files via Ultralytics' exporter, each checked against PyTorch.

The check: the exported model's boxes on a validation image match the PyTorch model's (same classes,
corners within ``tolerance`` pixels). Export runs offline: no ONNX simplification (it would need
onnxslim, which Ultralytics would otherwise try to pip-install), CPU, static input size.

The ONNX model has NMS inside (``N x 300 x 6`` out: x1, y1, x2, y2, confidence, class) and keeps every
box above ``EXPORT_CONF``, so validation can score it; ``preprocess.json`` beside it tells the server
how to letterbox an image and which confidence to report from (``conf``).
"""

import json
import shutil
from pathlib import Path

import hydra
import numpy as np
from omegaconf import DictConfig

from .errors import UserError
from .models.yolo import load_weights
from .models.yolo_env import YOLO
from .runs import mlflow_run
from .runs.checks import export_formats
from .runs.run_dir import PREPROCESS_FILE, load_run_config, results_dir, run_dir_of

FORMATS = ("onnx", "torchscript")
MARGIN = 0.05  # confidence: a box just above `conf` in one model may fall just below it in the other
EXPORT_CONF = 0.001  # boxes kept by the ONNX model's NMS (Ultralytics' validation threshold)


def boxes(model: YOLO, image: Path, imgsz: int, conf: float) -> np.ndarray:
    """``N x 6``: x1, y1, x2, y2 (pixels), confidence, class."""
    result = model.predict(str(image), imgsz=imgsz, conf=conf, device="cpu", verbose=False)[0]
    return result.boxes.data.cpu().numpy()


def _gap(strict: np.ndarray, loose: np.ndarray) -> float:
    """Largest corner distance from each box of ``strict`` to its nearest same-class box of ``loose``."""
    gaps = [0.0]
    for box in strict:
        same = loose[loose[:, 5] == box[5]]
        gaps.append(float(np.abs(same[:, :4] - box[:4]).max(axis=1).min()) if len(same) else float("inf"))
    return max(gaps)


def box_gap(reference: np.ndarray, exported: np.ndarray, conf: float) -> float:
    def above(found, threshold):
        return found[found[:, 4] >= threshold]

    return max(_gap(above(reference, conf), above(exported, conf - MARGIN)),
               _gap(above(exported, conf), above(reference, conf - MARGIN)))


def preprocessing(model: YOLO, imgsz: int, conf: float) -> dict:
    """What the server needs to feed the ONNX model: Ultralytics' letterbox, scaling and class names."""
    return {
        "task": "instance_segmentation" if model.task == "segment" else "detection",
        "input_size": [3, imgsz, imgsz],
        "letterbox_pad": 114,  # grey, centred padding to a square after an aspect-preserving resize
        "scale": 1 / 255,
        "classes": [model.names[index] for index in sorted(model.names)],
        "conf": conf,
        "output": "boxes: x1 y1 x2 y2 confidence class, in input pixels, after NMS"
        + (", then mask coefficients; second output: the mask prototypes" if model.task == "segment" else ""),
    }


def export(cfg: DictConfig) -> dict[str, float]:
    """Returns the box gap (pixels) per format and the number of reference boxes; raises above the tolerance."""
    formats = export_formats(cfg, FORMATS)
    run_dir = run_dir_of(cfg.ckpt_path, suffix=".pt")
    model = load_weights(cfg.ckpt_path)
    data = hydra.utils.instantiate(load_run_config(run_dir).data)
    data.prepare_data()
    image = data.val_images()[0]
    out_dir = results_dir(cfg.output_dir, run_dir, "export")
    out_dir.mkdir(parents=True, exist_ok=True)

    reference = boxes(model, image, data.image_size, cfg.conf - MARGIN)
    result = {"boxes": float((reference[:, 4] >= cfg.conf).sum())}
    onnx_options = {"simplify": False, "nms": True, "conf": EXPORT_CONF} | ({"opset": cfg.opset} if cfg.opset else {})
    for fmt in formats:
        options = onnx_options if fmt == "onnx" else {}
        written = Path(model.export(format=fmt, imgsz=data.image_size, device="cpu", **options))
        target = out_dir / f"model{written.suffix}"
        shutil.move(written, target)
        exported = boxes(YOLO(str(target), task=model.task), image, data.image_size, cfg.conf - MARGIN)
        result[fmt] = box_gap(reference, exported, cfg.conf)
        print(f"{fmt}: {target}  largest box difference to PyTorch: {result[fmt]:.3f} px on {image.name}")
    (out_dir / PREPROCESS_FILE).write_text(json.dumps(preprocessing(model, data.image_size, cfg.conf), indent=2) + "\n")
    if bad := {fmt: gap for fmt, gap in result.items() if fmt in FORMATS and gap > cfg.tolerance}:
        raise UserError(f"exported boxes differ from PyTorch's by {bad} px (> tolerance={cfg.tolerance})")
    mlflow_run.log_export(run_dir, out_dir)  # tracking=mlflow: the export joins the run that trained it
    return result
