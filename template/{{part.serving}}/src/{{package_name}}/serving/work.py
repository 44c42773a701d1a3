"""A request's work, read from its images' headers before any decoding, and a fair share of the places for heavy
requests: a batch of large images decodes one image after another for many seconds, so requests whose images
add up to more than one image's pixel budget (``max_pixels``) may hold at most half of the ``max_concurrent``
places, and their images are decoded in all but one of the decoding workers; the rest stays for light requests
(bench/serve_attacks.py, "4 clients looping batches of 32 x 24-Mpx 1-bit PNGs")."""

import re
import struct
import time
from contextlib import contextmanager

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool

from .prescan import PNG_SIGNATURE

CHUNK = 4  # images the model answers between two looks at the request's deadline
JPEG_FRAME = re.compile(rb"\xff[\xc0-\xc3\xc5-\xc7\xc9-\xcb\xcd-\xcf]")  # start of frame: precision, height, width


def pixels(data: bytes, unknown: int) -> int:
    """Width x height from a PNG's IHDR or a JPEG's frame header; ``unknown`` for other formats or no header."""
    if data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:  # a cut header: unknown
        width, height = struct.unpack_from(">II", data, 16)
        return width * height
    if data.startswith(b"\xff\xd8") and (frame := JPEG_FRAME.search(data)) and frame.end() + 7 <= len(data):
        height, width = struct.unpack_from(">HH", data, frame.end() + 3)
        return width * height
    return unknown


class HeavyShare:
    """At most ``places`` heavy requests (more than ``max_pixels`` pixels in all) at once; 503 beyond. ``admit``
    gives whether the request is heavy (the decoder keeps a worker free of heavy images)."""

    def __init__(self, max_pixels: int, max_concurrent: int) -> None:
        self.max_pixels, self.places, self.busy = max_pixels, max(1, max_concurrent // 2), 0

    @contextmanager
    def admit(self, payloads: list[bytes]):
        work = sum(pixels(data, self.max_pixels) for data in payloads)
        if work <= self.max_pixels:
            yield False
            return
        if self.busy >= self.places:  # one event loop: no lock between the check and the increment
            raise HTTPException(503, f"server busy: {self.places} requests of more than {self.max_pixels} pixels "
                                     "in all are running, retry shortly (or send fewer images)",
                                headers={"Retry-After": "1"})
        self.busy += 1
        try:
            yield True
        finally:
            self.busy -= 1


async def predict_within(predictor, inputs: list, deadline: float, limit: float) -> list[dict]:
    """The model and the answer's encoding (masks, polygons) count against the request's time limit too: the images
    go to the model a few at a time, and a request past its deadline stops there with 503, one chunk late at most
    (a thread cannot be stopped mid-run)."""
    answers = []
    for start in range(0, len(inputs), CHUNK):
        answers += await run_in_threadpool(predictor, inputs[start:start + CHUNK])
        if time.monotonic() > deadline:
            raise HTTPException(503, f"this request took more than {limit:g} s (decoding, the model and its answer); "
                                     "send fewer or smaller images, or raise --request-timeout",
                                headers={"Retry-After": "1"})
    return answers
