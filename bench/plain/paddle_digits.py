"""Plain Paddle dygraph loop (no paddle.Model, no Hydra) doing what the paddle-cpu project's train run does on digits.

    python bench/plain/paddle_digits.py --epochs 2 --out DIR

Mirrors `python scripts/train.py model=resnet18 data=digits trainer=cpu logger=csv`: Paddle's CPU
threads set to the cores this process may use (as the project's utils/paddle_device.py does);
seeds 42 (python, numpy, paddle); the project's digits split (bilinear 8 -> 32 px, grey x3,
mean 0.3 / std 0.4, stratified 70/15/15, split seed 0); paddle.vision resnet18 with the small-image
stem (3x3 stride-1 conv, no max-pool); AdamW (lr 1e-3, weight decay 1e-4) on a CosineAnnealingDecay
schedule stepped per epoch (T_max = epochs); batch 64, shuffled, last partial batch dropped;
before each validation BatchNorm statistics averaged over 10 training batches (the project's
PreciseBatchNorm callback; --precise-bn 0 leaves it out); validation every epoch; best.ckpt and
last.ckpt each epoch; a test pass with the best weights; DIR/metrics.json.
"""

import argparse
import json
import os
import random
from itertools import islice
from pathlib import Path

import numpy as np
import paddle
from paddle import nn
from paddle.io import DataLoader
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED, SPLIT_SEED, VAL, TEST, BATCH = 42, 0, 0.15, 0.15, 64


def digits() -> list[list]:
    """Train, val, test: (image, label) pairs, the same as the project's digits_splits() gives."""
    data = load_digits()
    grey = paddle.to_tensor(data.images.astype(np.float32)[:, None] / 16)
    upscaled = nn.functional.interpolate(grey, size=[32, 32], mode="bilinear", align_corners=False).numpy()
    images = (np.repeat(upscaled, 3, axis=1) - 0.3) / 0.4
    labels = data.target.astype(np.int64)
    held_out = VAL + TEST
    train, rest = train_test_split(np.arange(len(labels)), test_size=held_out, stratify=labels, random_state=SPLIT_SEED)
    val, test = train_test_split(rest, test_size=TEST / held_out, stratify=labels[rest], random_state=SPLIT_SEED)
    return [list(zip(images[idx], labels[idx], strict=True)) for idx in (train, val, test)]


def resnet18() -> nn.Layer:
    net = paddle.vision.models.resnet18(num_classes=10)
    net.conv1 = nn.Conv2D(3, 64, 3, stride=1, padding=1, bias_attr=False)  # 32 px: CIFAR-style stem
    net.maxpool = nn.Identity()
    return net


@paddle.no_grad()
def precise_bn(net: nn.Layer, loader: DataLoader, batches: int) -> None:
    """BatchNorm statistics reset, then averaged over ``batches`` training batches run forward (momentum i/(i+1))."""
    layers = [layer for layer in net.sublayers() if isinstance(layer, nn.BatchNorm2D)]
    momenta = [layer._momentum for layer in layers]
    for layer in layers:
        layer._mean.set_value(paddle.zeros_like(layer._mean))
        layer._variance.set_value(paddle.ones_like(layer._variance))
    net.train()
    for index, (images, _) in enumerate(islice(loader, batches)):
        for layer in layers:
            layer._momentum = index / (index + 1)
        net(images)
    for layer, momentum in zip(layers, momenta, strict=True):
        layer._momentum = momentum


@paddle.no_grad()
def accuracy(net: nn.Layer, loader: DataLoader) -> float:
    net.eval()
    correct = sum(int((net(images).argmax(1) == labels).sum()) for images, labels in loader)
    return correct / len(loader.dataset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--precise-bn", type=int, default=10, help="training batches for BatchNorm statistics")
    parser.add_argument("--max-epochs", type=int, help="stop after this many epochs (the schedule keeps --epochs)")
    parser.add_argument("--stop-at", type=float, help="stop after the first epoch whose val/acc reaches this")
    args = parser.parse_args()
    paddle.set_device("cpu")
    paddle.base.core.set_num_threads(len(os.sched_getaffinity(0)))  # Paddle's CPU kernels default to one thread
    random.seed(SEED)
    np.random.seed(SEED)
    paddle.seed(SEED)
    train_set, val_set, test_set = digits()
    train = DataLoader(train_set, batch_size=BATCH, shuffle=True, drop_last=True)
    val, test = DataLoader(val_set, batch_size=BATCH), DataLoader(test_set, batch_size=BATCH)
    net = resnet18()
    schedule = paddle.optimizer.lr.CosineAnnealingDecay(learning_rate=1e-3, T_max=args.epochs)
    optimizer = paddle.optimizer.AdamW(learning_rate=schedule, weight_decay=1e-4, parameters=net.parameters())
    checkpoints = args.out / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    best = -1.0
    for epoch in range(min(args.epochs, args.max_epochs or args.epochs)):
        net.train()
        for images, labels in train:
            nn.functional.cross_entropy(net(images), labels).backward()
            optimizer.step()
            optimizer.clear_grad()
        schedule.step()
        if args.precise_bn:
            precise_bn(net, train, args.precise_bn)
        val_acc = accuracy(net, val)
        state = {"state_dict": net.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
        if val_acc > best:
            best = val_acc
            paddle.save(state, str(checkpoints / "best.ckpt"))
        paddle.save(state, str(checkpoints / "last.ckpt"))
        print(f"epoch {epoch}: val/acc {val_acc:.4f}")
        if args.stop_at is not None and val_acc >= args.stop_at:
            break
    net.set_state_dict(paddle.load(str(checkpoints / "best.ckpt"))["state_dict"])
    metrics = {"val/acc": val_acc, "best/val/acc": best, "test/acc": accuracy(net, test), "epochs": epoch + 1}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
