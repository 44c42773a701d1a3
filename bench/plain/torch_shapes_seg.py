"""Plain PyTorch (no Lightning, no Hydra) doing what the seg-cpu project's quick start does on the shapes.

    python bench/plain/torch_shapes_seg.py --project DIR --epochs 8 --out OUT

Mirrors `python scripts/train.py experiment=shapes_quick logger=csv`: seed 42; the project's built-in shapes
(800 images of 64 px with masks, imported from the project in DIR: the same pixels), split 560/120/120 by the
same seeded permutation; torchvision lraspp_mobilenet_v3_large for 4 classes, random weights; images
normalised with mean 0.5 / std 0.25; training pairs through torchvision v2 RandomResizedCrop (scale 0.5-1)
and a horizontal flip applied to image and mask together; AdamW (lr 3e-3, weight decay 1e-4), cosine
schedule per epoch; batch 16, shuffled, last partial batch dropped; BatchNorm statistics refreshed over 10
training batches before each validation; validation mean IoU (torchmetrics) every epoch; best.pt and
last.pt each epoch; a test pass with the best weights; OUT/metrics.json.
"""

import argparse
import json
import random
import sys
from itertools import islice
from pathlib import Path

import numpy as np
import torch
import torchvision
from torch import nn
from torch.optim.swa_utils import update_bn
from torch.utils.data import DataLoader, Dataset
from torchmetrics.classification import MulticlassJaccardIndex
from torchvision import tv_tensors
from torchvision.transforms import v2

SEED, SPLIT_SEED, BATCH, CLASSES = 42, 0, 16, 4


class Pairs(Dataset):
    def __init__(self, images: np.ndarray, masks: np.ndarray, augment: bool) -> None:
        self.images, self.masks = images, masks
        crops = [v2.RandomResizedCrop(64, scale=(0.5, 1.0), antialias=True), v2.RandomHorizontalFlip()]
        self.transform = v2.Compose(
            [*(crops if augment else []), v2.ToDtype(torch.float32, scale=True), v2.Normalize([0.5] * 3, [0.25] * 3)]
        )

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int):
        image = tv_tensors.Image(torch.from_numpy(self.images[index]).permute(2, 0, 1))
        image, mask = self.transform(image, tv_tensors.Mask(torch.from_numpy(self.masks[index])))
        return image.as_subclass(torch.Tensor), mask.as_subclass(torch.Tensor).long()


def shapes(project: Path) -> list[Pairs]:
    """Train, val, test as the project splits them (val and test first in one seeded permutation)."""
    sys.path.insert(0, str(project / "src"))
    generate = next(
        __import__(f"{p.parent.name}.datasets.shapes", fromlist=["generate"]).generate
        for p in (project / "src").glob("*/train.py")
    )
    images, masks = generate(800, 64, 3, 0)
    order = torch.randperm(800, generator=torch.Generator().manual_seed(SPLIT_SEED)).tolist()
    val, test, train = order[:120], order[120:240], order[240:]
    return [Pairs(images[i], masks[i], augment) for i, augment in ((train, True), (val, False), (test, False))]


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        segmentation = torchvision.models.segmentation
        self.model = segmentation.lraspp_mobilenet_v3_large(num_classes=CLASSES, weights_backbone=None)  # no download

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model(images)["out"]


@torch.inference_mode()
def miou(net: nn.Module, loader: DataLoader) -> float:
    net.eval()
    metric = MulticlassJaccardIndex(CLASSES, average="macro")
    for images, masks in loader:
        metric.update(net(images).argmax(1), masks)
    return float(metric.compute())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, required=True, help="a rendered segmentation project (its data)")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    train_set, val_set, test_set = shapes(args.project)
    train = DataLoader(train_set, batch_size=BATCH, shuffle=True, drop_last=True)
    val, test = DataLoader(val_set, batch_size=BATCH), DataLoader(test_set, batch_size=BATCH)
    net = Net()
    optimizer = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    checkpoints = args.out / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    best = -1.0
    for epoch in range(args.epochs):
        net.train()
        for images, masks in train:
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(images), masks).backward()
            optimizer.step()
        scheduler.step()
        update_bn((images for images, _ in islice(train, 10)), net)
        val_miou = miou(net, val)
        state = {"state_dict": net.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
        if val_miou > best:
            best = val_miou
            torch.save(state, checkpoints / "best.pt")
        torch.save(state, checkpoints / "last.pt")
        print(f"epoch {epoch}: val/miou {val_miou:.4f}")
    net.load_state_dict(torch.load(checkpoints / "best.pt")["state_dict"])
    metrics = {"val/miou": val_miou, "best/val/miou": best, "test/miou": miou(net, test), "epochs": args.epochs}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
