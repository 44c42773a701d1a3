"""The config keys of a Paddle run and what each accepts, checked before anything is built or written.

The keys are Lightning's; ``training/device.py`` refuses the values Paddle cannot honour on this machine.
"""

from omegaconf import DictConfig

from ..runs.checks import (
    LIMIT,
    Rule,
    check,
    device_list,
    either,
    existing_file,
    flag,
    fraction,
    infer_num_classes,
    non_negative,
    null,
    one_of,
    path,
    whole,
)

ACCELERATORS = ("auto", "cpu", "gpu")
PRECISIONS = ("32-true", "32", "16-mixed", "bf16-mixed")

TRAIN: dict[str, Rule] = {
    "seed": whole(0),
    "data.root": path(),
    "data.batch_size": whole(1),
    "data.num_workers": whole(0),
    "data.image_size": whole(8),
    "data.num_classes": whole(1),
    "data.val_fraction": fraction(),
    "data.test_fraction": fraction(),
    "model.optimizer.learning_rate": non_negative(),
    "model.optimizer.weight_decay": non_negative(),
    "model.compile": (lambda v: v is False, "false (torch.compile is PyTorch's; a Paddle project has no such switch)"),
    "trainer.max_epochs": whole(1),
    "trainer.accelerator": one_of(*ACCELERATORS),
    "trainer.devices": either(one_of("auto", -1), whole(1), device_list()),
    "trainer.precision": one_of(*PRECISIONS),
    "trainer.deterministic": flag(),
    "trainer.log_every_n_steps": whole(1),
    "trainer.check_val_every_n_epoch": whole(1),
    "trainer.accumulate_grad_batches": whole(1),
    "trainer.gradient_clip_val": either(null(), non_negative()),  # 0 or null: no clipping
    "trainer.limit_train_batches": LIMIT,
    "trainer.limit_val_batches": LIMIT,
    "trainer.limit_test_batches": LIMIT,
    "trainer.fast_dev_run": either(flag(), whole(1)),
    "trainer.enable_progress_bar": flag(),
    "trainer.enable_model_summary": flag(),
    "trainer.num_threads": either(null(), whole(1)),
    "ckpt_path": either(null(), one_of("last", "last:multirun"), existing_file()),  # resume from a checkpoint
    "test": flag(),
    "callbacks.precise_bn.num_batches": whole(0),  # 0 keeps the running statistics as training left them
}

EVAL: dict[str, Rule] = {
    "ckpt_path": path(),
    "split": one_of("test", "val"),  # the training split is augmented and shuffled: no honest score
    "accelerator": one_of(*ACCELERATORS),
    "output_dir": either(null(), path()),
}

EXAMPLES = {"ckpt_path": "outputs/runs/<run>/checkpoints/best.ckpt"}  # what to write for a key left at ???


def check_train_config(cfg: DictConfig) -> None:
    """Called first thing in ``train(cfg)``: nothing is built or written before this passes."""
    if "data" in cfg:
        infer_num_classes(cfg)
    check(cfg, TRAIN, EXAMPLES)


def check_eval_config(cfg: DictConfig) -> None:
    check(cfg, EVAL, EXAMPLES)
