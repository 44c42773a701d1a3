"""Tiny archives in each real dataset's published format, for the download tests: a CIFAR-10 python tarball,
MNIST idx files (gzipped) and COCO zips in Ultralytics' YOLO layout. Each holds a few images only."""

import gzip
import hashlib
import io
import pickle
import struct
import tarfile
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def expect(monkeypatch, datamodule, files: dict[str, bytes]) -> None:
    """The datamodule's expected md5s set to those of these small files (the published ones fit the real data)."""
    resources = [replace(r, md5=md5(files[Path(r.path).name])) for r in datamodule.resources]
    monkeypatch.setattr(datamodule, "resources", resources)


def _py2_pickle(obj: dict) -> bytes:
    """A protocol-2 pickle whose keys are Python 2 byte strings, as in the published CIFAR-10 batches
    (``b"data"`` when read with ``encoding="bytes"`` as Paddle does, ``"data"`` with ``latin1`` as torchvision)."""
    raw = pickle.dumps(obj, protocol=2)
    for key in obj:
        name = key.encode()
        raw = raw.replace(b"X" + struct.pack("<I", len(name)) + name, b"U" + bytes([len(name)]) + name)
    return raw


def cifar10(per_batch: int = 2, seed: int = 0) -> tuple[bytes, dict[str, np.ndarray], dict[str, str]]:
    """``cifar-10-python.tar.gz`` bytes, the images per batch file (N, 32, 32, 3), and each member's md5."""
    rng = np.random.default_rng(seed)
    buffer, images, md5s = io.BytesIO(), {}, {}
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        def add(name: str, content: bytes) -> None:
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
            md5s[name] = md5(content)

        for index, name in enumerate([*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]):
            pixels = rng.integers(0, 256, (per_batch, 3, 32, 32), dtype=np.uint8)
            labels = [(index * per_batch + i) % 10 for i in range(per_batch)]
            images[name] = pixels.transpose(0, 2, 3, 1)
            add(name, _py2_pickle({"batch_label": name, "labels": labels, "data": pixels.reshape(per_batch, -1),
                                   "filenames": [f"{name}_{i}.png" for i in range(per_batch)]}))
        add("batches.meta", _py2_pickle({"label_names": CIFAR_CLASSES, "num_cases_per_batch": per_batch,
                                         "num_vis": 3072}))
    return buffer.getvalue(), images, md5s


def mnist(train: int = 100, test: int = 100, seed: int = 0) -> dict[str, bytes]:
    """The four ``*-idx?-ubyte.gz`` files (name -> bytes); image i has label i % 10."""
    rng = np.random.default_rng(seed)
    files = {}
    for prefix, count in [("train", train), ("t10k", test)]:
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        labels = (np.arange(count) % 10).astype(np.uint8)
        files[f"{prefix}-images-idx3-ubyte.gz"] = gzip.compress(struct.pack(">IIII", 0x803, count, 28, 28)
                                                                + images.tobytes())
        files[f"{prefix}-labels-idx1-ubyte.gz"] = gzip.compress(struct.pack(">II", 0x801, count) + labels.tobytes())
    return files


def _jpeg(seed: int) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _label(index: int) -> bytes:
    return f"{index % 80} 0.5 0.5 0.25 0.5\n".encode()  # class cx cy w h, normalised


def coco128(count: int = 4, name: str = "coco128") -> bytes:
    """``coco128.zip``: ``coco128/images/train2017/*.jpg`` and ``coco128/labels/train2017/*.txt`` (``name``:
    ``coco128-seg`` for the outlines' archive, whose folder is named alike)."""
    members = {}
    for i in range(count):
        members[f"{name}/images/train2017/{i:012d}.jpg"] = _jpeg(i)
        members[f"{name}/labels/train2017/{i:012d}.txt"] = _label(i)
    return _zip(members)


def coco2017(train: int = 3, val: int = 2) -> dict[str, bytes]:
    """``coco2017labels.zip`` (``coco/labels/``, ``coco/{train,val}2017.txt``), ``train2017.zip``, ``val2017.zip``."""
    labels, files = {}, {}
    for split, count in [("train2017", train), ("val2017", val)]:
        names = [f"{split}_{i:06d}" for i in range(count)]
        labels.update({f"coco/labels/{split}/{name}.txt": _label(i) for i, name in enumerate(names)})
        labels[f"coco/{split}.txt"] = "".join(f"./images/{split}/{name}.jpg\n" for name in names).encode()
        files[f"{split}.zip"] = _zip({f"{split}/{name}.jpg": _jpeg(i) for i, name in enumerate(names)})
    return {"coco2017labels.zip": _zip(labels), **files}


def voc2012(train: int = 6, val: int = 3) -> bytes:
    """``VOCtrainval_11-May-2012.tar`` as published: ``VOCdevkit/VOC2012/`` with ``JPEGImages/*.jpg``,
    ``SegmentationClass/*.png`` (palette PNGs: class i fills the lower half of image i, 255 the border rows above it)
    and ``ImageSets/Segmentation/{train,val}.txt``."""
    base, members = "VOCdevkit/VOC2012", {}
    names = {"train": [f"2012_{i:06d}" for i in range(train)],
             "val": [f"2012_{i:06d}" for i in range(train, train + val)]}
    for index, name in enumerate(names["train"] + names["val"]):
        members[f"{base}/JPEGImages/{name}.jpg"] = _jpeg(index)
        mask = np.zeros((48, 64), np.uint8)  # the size of _jpeg's images
        mask[26:] = index % 21
        mask[22:26] = 255
        png = Image.fromarray(mask, mode="P")
        png.putpalette([value for colour in range(256) for value in (colour, 0, 255 - colour)])
        buffer = io.BytesIO()
        png.save(buffer, format="PNG")
        members[f"{base}/SegmentationClass/{name}.png"] = buffer.getvalue()
    for split, listed in names.items():
        members[f"{base}/ImageSets/Segmentation/{split}.txt"] = "".join(f"{n}\n" for n in listed).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path, data in members.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
