"""``evaluate(cfg)``: box precision, recall, mAP50 and mAP50-95 of trained weights on a split of the run's data."""

import hydra
import yaml
from omegaconf import DictConfig, OmegaConf

from .errors import UserError
from .models.yolo import load_weights
from .runs.run_dir import load_run_config, results_dir, run_dir_of, write_json
from .training.arguments import box_metrics, device
from .training.rules import check_eval_config


def evaluate(cfg: DictConfig) -> dict[str, float]:
    check_eval_config(cfg)
    run_dir = run_dir_of(cfg.ckpt_path, suffix=".pt")
    data = hydra.utils.instantiate(OmegaConf.merge(load_run_config(run_dir).data, cfg.data))
    data.prepare_data()
    if cfg.split not in yaml.safe_load(data.data_yaml.read_text()):
        raise UserError(f"split={cfg.split}: the run's data ({data.data_yaml}) has no {cfg.split} split; use split=val")
    out_dir = results_dir(cfg.output_dir, run_dir, "eval")

    results = load_weights(cfg.ckpt_path).val(
        data=str(data.data_yaml), split=cfg.split, imgsz=data.image_size, batch=cfg.batch_size or data.batch_size,
        workers=data.num_workers, device=device(cfg.accelerator, 1),
        project=str(out_dir.parent.resolve()), name=out_dir.name, exist_ok=True,  # plots and curves go to out_dir
    )
    metrics = {f"{cfg.split}/{name}": value for name, value in box_metrics(results.results_dict).items()}
    write_json(out_dir / "metrics.json", metrics)
    print(f"{metrics} -> {out_dir}")
    return metrics
