"""A cheap look at upload bytes before Pillow decodes them: refuses the structures that cost CPU out of all
proportion to their size (HTTP 413), in milliseconds, without decoding anything.

Pillow walks some structures in Python, one at a time: a JPEG of a million comment markers or a PNG of 400,000
empty chunks takes 15-20 s, and a progressive JPEG that repeats one small scan thousands of times is decoded scan
by scan (about 50 ms of CPU per KB). (Animated images are refused by ``preprocess.decode`` from Pillow's header
reading: the model sees one frame, and composing a canvas of many costs.)
"""

import re
import struct
from itertools import islice

MAX_JPEG_SCANS = 64  # progressive encoders write about 10 (libjpeg's default script: 10)
MAX_JPEG_MARKERS = 512  # all segments: tables, APPn metadata, comments, scans
MAX_PNG_CHUNKS = 4096  # IDAT chunks are usually 8-64 KB: 4096 of 8 KB is 32 MB, beyond any upload limit
JPEG_MARKER = re.compile(rb"\xff[\xc0-\xcf\xda-\xfe]")  # in entropy-coded data 0xff is followed by 0x00 or RSTn
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class CostlyImage(ValueError):
    """An upload whose structure would cost more CPU to decode than its size allows."""


def prescan(data: bytes) -> None:
    """Raise ``CostlyImage`` (one line: what was counted, against which limit) for a costly structure."""
    if data.startswith(b"\xff\xd8"):
        _jpeg(data)
    elif data.startswith(PNG_SIGNATURE):
        _png(data)


def _jpeg(data: bytes) -> None:
    scans = data.count(b"\xff\xda")
    if scans > MAX_JPEG_SCANS:
        raise CostlyImage(f"JPEG with {scans} scans (at most {MAX_JPEG_SCANS})")
    markers = sum(1 for _ in islice(JPEG_MARKER.finditer(data), MAX_JPEG_MARKERS + 1))  # stops counting there
    if markers > MAX_JPEG_MARKERS:
        raise CostlyImage(f"JPEG with more than {MAX_JPEG_MARKERS} markers")


def _png(data: bytes) -> None:
    offset, chunks = len(PNG_SIGNATURE), 0
    while offset + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, offset)
        if kind == b"IEND":
            return
        chunks += 1
        if chunks > MAX_PNG_CHUNKS:
            raise CostlyImage(f"PNG with more than {MAX_PNG_CHUNKS} chunks")
        offset += 12 + length  # length, type, data, CRC
