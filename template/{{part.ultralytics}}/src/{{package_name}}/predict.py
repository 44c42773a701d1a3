"""``predict(cfg)``: boxes for an image or a folder of images: annotated copies and ``boxes.json``."""

from pathlib import Path

from omegaconf import DictConfig

from .datasets.images import IMAGE_SUFFIXES
from .errors import UserError
from .models.yolo import load_weights
from .runs.checks import check
from .runs.run_dir import results_dir, write_json
from .training.arguments import device


def images_in(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise UserError(f"source={source} does not exist; pass an image file or a folder of images")
    found = sorted(p for p in source.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    if not found:
        raise UserError(f"source={source} holds no images ({' '.join(IMAGE_SUFFIXES)})")
    return found


def predict(cfg: DictConfig) -> list[dict]:
    check(cfg, {}, examples={"ckpt_path": "outputs/runs/<run>/checkpoints/best.pt", "source": "path/to/images"})
    ckpt = Path(cfg.ckpt_path)
    if not ckpt.is_file():
        raise UserError(f"ckpt_path={ckpt} does not exist; pass a .pt file from <run_dir>/checkpoints/")
    model, records = load_weights(ckpt), []
    images = images_in(Path(cfg.source))
    out_dir = results_dir(cfg.output_dir, ckpt.resolve().parent.parent, "predict")  # <run>/checkpoints/<file>
    out_dir.mkdir(parents=True, exist_ok=True)
    options = {"imgsz": cfg.image_size} if cfg.image_size else {}

    for path in images:  # one at a time: constant memory for any folder size
        result = model.predict(str(path), conf=cfg.conf, iou=cfg.iou, device=device(cfg.accelerator, 1),
                               verbose=False, **options)[0]
        result.save(filename=str(out_dir / path.name))  # the image with its boxes drawn
        outlines = result.masks.xy if result.masks is not None else [None] * len(result.boxes)  # -seg models
        records.append({"image": str(path), "boxes": [
            {"class": result.names[int(cls)], "class_id": int(cls), "confidence": round(float(score), 4),
             "xyxy": [round(float(v), 2) for v in xyxy]}  # pixels of the original image
            | ({} if outline is None else {"polygon": [[round(float(x), 1), round(float(y), 1)] for x, y in outline]})
            for xyxy, score, cls, outline in zip(result.boxes.xyxy.tolist(), result.boxes.conf, result.boxes.cls,
                                                 outlines, strict=True)
        ]})
    write_json(out_dir / "boxes.json", {"images": records})
    print(f"{sum(len(r['boxes']) for r in records)} boxes in {len(records)} images -> {out_dir}")
    return records
