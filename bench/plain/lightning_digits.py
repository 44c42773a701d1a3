"""Plain PyTorch (no Lightning, no Hydra) doing what the resnet-cpu project's train run does on digits.

    python bench/plain/lightning_digits.py --epochs 2 --out DIR

Mirrors `python scripts/train.py model=resnet18 data=digits trainer=cpu logger=csv`: seed 42; the
project's digits split (bilinear 8 -> 32 px, grey x3, mean 0.3 / std 0.4, stratified 70/15/15,
split seed 0); torchvision resnet18 with the small-image stem (3x3 stride-1 conv, no max-pool);
AdamW (lr 1e-3, weight decay 1e-4) with CosineAnnealingLR stepped per epoch (T_max = epochs);
batch 64, shuffled, last partial batch dropped; before each validation BatchNorm statistics refreshed
over 10 training batches (the project's PreciseBatchNorm callback; --precise-bn 0 leaves it out);
validation every epoch; best.pt and last.pt each epoch; a test pass with the best weights; DIR/metrics.json.
"""

import argparse
import json
import random
from itertools import islice
from pathlib import Path

import numpy as np
import torch
import torchvision
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.optim.swa_utils import update_bn
from torch.utils.data import DataLoader, TensorDataset

SEED, SPLIT_SEED, VAL, TEST, BATCH = 42, 0, 0.15, 0.15, 64


def digits() -> list[TensorDataset]:
    """Train, val, test: the same images and labels as the project's digits_splits()."""
    data = load_digits()
    grey = torch.from_numpy(data.images.astype(np.float32) / 16)[:, None]
    upscaled = nn.functional.interpolate(grey, size=32, mode="bilinear", align_corners=False)  # half-pixel centres
    images = (upscaled.repeat(1, 3, 1, 1) - 0.3) / 0.4
    labels = data.target
    held_out = VAL + TEST
    train, rest = train_test_split(np.arange(len(labels)), test_size=held_out, stratify=labels, random_state=SPLIT_SEED)
    val, test = train_test_split(rest, test_size=TEST / held_out, stratify=labels[rest], random_state=SPLIT_SEED)
    return [TensorDataset(images[idx], torch.from_numpy(labels[idx]).long()) for idx in (train, val, test)]


def resnet18() -> nn.Module:
    net = torchvision.models.resnet18(num_classes=10)
    net.conv1 = nn.Conv2d(3, 64, 3, stride=1, padding=1, bias=False)  # 32 px: CIFAR-style stem
    net.maxpool = nn.Identity()
    return net


@torch.inference_mode()
def accuracy(net: nn.Module, loader: DataLoader) -> float:
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
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    train_set, val_set, test_set = digits()
    train = DataLoader(train_set, batch_size=BATCH, shuffle=True, drop_last=True)
    val, test = DataLoader(val_set, batch_size=BATCH), DataLoader(test_set, batch_size=BATCH)
    net = resnet18()
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    checkpoints = args.out / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    best = -1.0
    for epoch in range(min(args.epochs, args.max_epochs or args.epochs)):
        net.train()
        for images, labels in train:
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(images), labels).backward()
            optimizer.step()
        scheduler.step()
        if args.precise_bn:  # forward only; the statistics become plain averages over these batches
            update_bn((images for images, _ in islice(train, args.precise_bn)), net)
        val_acc = accuracy(net, val)
        state = {
            "state_dict": net.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "epoch": epoch,
        }
        if val_acc > best:
            best = val_acc
            torch.save(state, checkpoints / "best.pt")
        torch.save(state, checkpoints / "last.pt")
        print(f"epoch {epoch}: val/acc {val_acc:.4f}")
        if args.stop_at is not None and val_acc >= args.stop_at:
            break
    net.load_state_dict(torch.load(checkpoints / "best.pt")["state_dict"])
    metrics = {"val/acc": val_acc, "best/val/acc": best, "test/acc": accuracy(net, test), "epochs": epoch + 1}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
