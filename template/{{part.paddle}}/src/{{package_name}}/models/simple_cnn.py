"""A small CNN for quick runs and tests: three conv blocks and a linear head."""

from paddle import nn


def _block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2D(in_channels, out_channels, 3, padding=1, bias_attr=False),
        nn.BatchNorm2D(out_channels),
        nn.ReLU(),
    )


class SimpleCNN(nn.Sequential):
    def __init__(self, num_classes: int, width: int = 32) -> None:
        super().__init__(
            _block(3, width),
            nn.MaxPool2D(2),
            _block(width, 2 * width),
            nn.MaxPool2D(2),
            _block(2 * width, 4 * width),
            nn.AdaptiveAvgPool2D(1),
            nn.Flatten(),
            nn.Linear(4 * width, num_classes),
        )
