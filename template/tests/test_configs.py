"""Every config composes, and every model fits every dataset's image size and class count."""

import pytest
import torch
from conftest import config_names, make_cfg
from hydra.utils import instantiate

# imagefolder learns its class count from the folders; any count works for the shape check.
EXTRA = {"imagefolder": ["data.num_classes=7"]}


@pytest.mark.parametrize("data", config_names("data"))
@pytest.mark.parametrize("model", config_names("model"))
def test_model_fits_data(tmp_path, model, data):
    cfg = make_cfg(tmp_path, f"model={model}", f"data={data}", *EXTRA.get(data, []))
    net = instantiate(cfg.model).net.eval()
    size = cfg.data.image_size
    with torch.no_grad():
        logits = net(torch.randn(2, 3, size, size))
    assert logits.shape == (2, cfg.data.num_classes)


@pytest.mark.parametrize("trainer", config_names("trainer"))
def test_trainer_configs_compose(tmp_path, trainer):
    cfg = make_cfg(tmp_path, f"trainer={trainer}")
    assert cfg.trainer._target_ == "lightning.pytorch.Trainer"
    if cfg.trainer.accelerator == "cpu":
        trainer = instantiate(cfg.trainer, logger=False)
        assert type(trainer.accelerator).__name__ == "CPUAccelerator"
        assert trainer.fast_dev_run == cfg.trainer.get("fast_dev_run", False)


@pytest.mark.parametrize("logger", config_names("logger"))
def test_logger_configs_compose(tmp_path, logger):
    cfg = make_cfg(tmp_path, f"logger={logger}")
    for conf in (cfg.logger or {}).values():
        assert conf._target_.startswith("lightning.pytorch.loggers.")


@pytest.mark.parametrize("experiment", config_names("experiment"))
def test_experiments_compose(tmp_path, experiment):
    assert make_cfg(tmp_path, f"experiment={experiment}").trainer.max_epochs > 0


def test_unknown_model_is_refused(tmp_path):
    with pytest.raises(Exception, match="model"):
        make_cfg(tmp_path, "model=no_such_model")
