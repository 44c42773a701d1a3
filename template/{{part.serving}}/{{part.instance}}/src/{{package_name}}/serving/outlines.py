"""Instance outlines from a YOLO -seg export: mask coefficients x prototypes -> one polygon per instance.

As Ultralytics does it (``ops.process_mask``): each instance's mask is the sigmoid of its coefficients times
the prototype maps, upsampled to the input size and kept inside its box; the outline is the largest external
contour of that mask (OpenCV). One input-sized mask exists at a time, never one of the upload's size.
"""

import cv2
import numpy as np


def mask(coefficients: np.ndarray, prototypes: np.ndarray, box: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(k,) coefficients, (k, h, w) prototypes, a box x1 y1 x2 y2 in input pixels -> (H, W) bool mask at the
    input size ``size`` = (H, W)."""
    channels, height, width = prototypes.shape
    logit = (coefficients @ prototypes.reshape(channels, -1)).reshape(height, width)
    full = cv2.resize(logit, (size[1], size[0]), interpolation=cv2.INTER_LINEAR) > 0  # sigmoid > 0.5
    x1, y1, x2, y2 = np.clip(np.round(box).astype(int), 0, [size[1], size[0], size[1], size[0]])
    inside = np.zeros(size, bool)
    inside[y1:y2, x1:x2] = full[y1:y2, x1:x2]
    return inside


def outline(shape: np.ndarray) -> np.ndarray:
    """The largest external contour of a bool mask as (points, 2) x, y in its pixels; empty for an empty mask."""
    contours, _ = cv2.findContours(shape.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return np.zeros((0, 2), np.float32)
    return max(contours, key=cv2.contourArea).reshape(-1, 2).astype(np.float32)


def outlines(rows: np.ndarray, prototypes: np.ndarray, size: tuple[int, int]) -> list[np.ndarray]:
    """For each row (x1 y1 x2 y2 confidence class coefficients...) its outline in input pixels, one at a time."""
    return [outline(mask(row[6:], prototypes, row[:4], size)) for row in rows]
