"""A grid of validation images with the model's answers drawn: the class and its confidence (green when right,
red with the true class when wrong) or the predicted mask over the image. Numpy in, a matplotlib figure out: any
engine's arrays."""

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def to_pictures(images: np.ndarray, mean, std, scale: float) -> np.ndarray:
    """Normalised NCHW batches back to NHWC pictures in [0, 1]."""
    pixels = images.transpose(0, 2, 3, 1) * np.asarray(std) + np.asarray(mean)
    return np.clip(pixels / (scale * 255), 0, 1)


def draw_samples(pictures: np.ndarray, probabilities: np.ndarray, targets: np.ndarray, classes: list[str]) -> Figure:
    """``probabilities``: (N, C) per image (classification) or (N, C, H, W) per pixel (segmentation)."""
    count = len(pictures)
    columns = min(count, 8)
    rows = -(-count // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.8 * columns, 2.0 * rows), squeeze=False)
    colours = plt.get_cmap("tab10", max(len(classes), 2))
    for axis, picture, scores, target in zip(axes.flat, pictures, probabilities, targets, strict=False):
        axis.imshow(picture)
        if scores.ndim == 1:  # one answer per image
            answer = int(scores.argmax())
            right = answer == int(target)
            axis.set_title(f"{classes[answer]} {scores[answer]:.2f}" + ("" if right else f" ({classes[int(target)]})"),
                           fontsize=8, color="green" if right else "red")
        else:  # one answer per pixel: the mask over the image, background left clear
            mask = scores.argmax(0)
            overlay = colours(mask)
            overlay[..., 3] = np.where(mask > 0, 0.5, 0.0)
            axis.imshow(overlay)
            known = target < len(classes)  # not the ignored border pixels
            right = f"pixels right {np.mean(mask[known] == target[known]):.2f}" if known.any() else "no labels"
            axis.set_title(right, fontsize=8)
    for axis in axes.flat:
        axis.axis("off")
    # placed by hand, the top margin in inches (a tight layout of 16 small pictures costs more than drawing them)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=1 - 0.25 / fig.get_figheight(), wspace=0.05, hspace=0.2)
    return fig
