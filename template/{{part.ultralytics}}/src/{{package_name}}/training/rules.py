"""The config keys of a YOLO run and what each accepts, checked before anything is built or written.

``training/arguments.py`` maps them onto Ultralytics' arguments; any other ``trainer`` key goes to
Ultralytics as is, which rejects unknown names itself.
"""

from omegaconf import DictConfig

from ..runs.checks import (
    Rule,
    check,
    device_list,
    either,
    flag,
    fraction,
    non_negative,
    null,
    one_of,
    path,
    whole,
)

ACCELERATORS = ("auto", "cpu", "gpu")
PRECISIONS = ("32-true", "32", "16-mixed", "bf16-mixed", "16")
OPTIMIZERS = ("auto", "SGD", "MuSGD", "Adam", "Adamax", "AdamW", "NAdam", "RAdam", "RMSprop")

TRAIN: dict[str, Rule] = {
    "seed": whole(0),
    "data.batch_size": either(whole(1), one_of(-1)),  # -1: Ultralytics AutoBatch picks it (GPU)
    "data.num_workers": whole(0),
    "data.image_size": whole(8),
    "model.compile": flag(),  # Ultralytics' own torch.compile argument
    "trainer.max_epochs": whole(1),
    "trainer.accelerator": one_of(*ACCELERATORS),
    "trainer.devices": either(one_of("auto", -1), whole(1), device_list()),
    "trainer.precision": one_of(*PRECISIONS),
    "trainer.deterministic": flag(),
    "trainer.lr0": non_negative(),
    "trainer.weight_decay": non_negative(),
    "trainer.patience": whole(0),
    "trainer.optimizer": one_of(*OPTIMIZERS),
    "trainer.close_mosaic": whole(0),
    "trainer.mosaic": fraction(),
    "ckpt_path": either(null(), one_of("last", "last:multirun"), path()),  # resume: a run's weights/last.pt
}

EVAL: dict[str, Rule] = {
    "ckpt_path": path(),
    "split": one_of("val", "test", "train"),
    "batch_size": either(null(), whole(1)),
    "accelerator": one_of(*ACCELERATORS),
    "output_dir": either(null(), path()),
}

EXAMPLES = {"ckpt_path": "outputs/runs/<run>/checkpoints/best.pt"}  # what to write for a key left at ???


def check_train_config(cfg: DictConfig) -> None:
    """Called first thing in ``train(cfg)``: nothing is built or written before this passes."""
    check(cfg, TRAIN, EXAMPLES)


def check_eval_config(cfg: DictConfig) -> None:
    check(cfg, EVAL, EXAMPLES)
