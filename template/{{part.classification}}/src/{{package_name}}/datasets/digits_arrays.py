"""scikit-learn's digits as numpy arrays: upscaled, normalised, split (shared by every backend)."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

MAX_PIXEL = 16  # the scans hold integer grey levels 0..16


def _bilinear_matrix(size_in: int, size_out: int) -> np.ndarray:
    """(size_out, size_in) weights of bilinear resizing with half-pixel centres (no antialiasing)."""
    source = np.maximum((np.arange(size_out) + 0.5) * size_in / size_out - 0.5, 0)
    low = np.minimum(np.floor(source).astype(int), size_in - 1)
    high = np.minimum(low + 1, size_in - 1)
    weights = np.zeros((size_out, size_in), dtype=np.float32)
    np.add.at(weights, (np.arange(size_out), low), 1 - (source - low))
    np.add.at(weights, (np.arange(size_out), high), source - low)
    return weights


def digits_splits(image_size: int, mean, std, val_fraction: float, test_fraction: float, seed: int):
    """-> (class names, [(images, labels) for train, val, test]); images float32 (N, 3, size, size).

    Stratified splits fixed by ``seed``; labels int64.
    """
    digits = load_digits()
    resize = _bilinear_matrix(digits.images.shape[-1], image_size)
    grey = resize @ (digits.images.astype(np.float32) / MAX_PIXEL) @ resize.T
    images = np.repeat(grey[:, None], 3, axis=1)
    images = (images - np.float32(mean)[:, None, None]) / np.float32(std)[:, None, None]
    labels = digits.target.astype(np.int64)
    held_out = val_fraction + test_fraction
    train, rest = train_test_split(np.arange(len(labels)), test_size=held_out, stratify=labels, random_state=seed)
    val, test = train_test_split(rest, test_size=test_fraction / held_out, stratify=labels[rest], random_state=seed)
    classes = [str(label) for label in digits.target_names]
    return classes, [(np.ascontiguousarray(images[idx], dtype=np.float32), labels[idx]) for idx in (train, val, test)]
