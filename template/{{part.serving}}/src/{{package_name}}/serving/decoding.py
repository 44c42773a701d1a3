"""Decoding with a CPU budget: each upload is decoded, and made the model's input, in one of ``workers`` worker
processes (pebble's ``ProcessPool``), within ``image_timeout`` seconds; past it the worker is killed and
replaced, and the request gets 503 naming the limit. The images of one request share ``request_timeout``. When
the client leaves, its decoding is cancelled (the worker killed). The event loop, /health and /metrics never
wait for a decoder.

Every worker, the first ones and each one started in place of a killed one, decodes a warm-up image before it
takes work (its pool initializer) and counts itself in ``warmed``: /ready waits for all of them.

``spare`` more processes run than ``workers`` decode at once: when a worker is killed, the next image goes to a
warm spare while the replacement starts (seconds on a loaded machine), so admitted work never waits for a start.
"""

import asyncio
import contextlib
import multiprocessing
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException
from pebble import ProcessPool
from pebble.common import ProcessExpired

from .preprocess import ImageError, decode_and_prepare  # what a worker imports: light, no web stack

WARM_UP = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8"
                        "ffff3f0005fe02fea7d6a4590000000049454e44ae426082")  # a 1x1 PNG


def warm_up(prepare: Callable, max_pixels: int, warmed) -> None:
    """A worker's initializer: import and run what decoding needs once, then count this worker as warm."""
    decode_and_prepare(prepare, WARM_UP, max_pixels)
    with warmed.get_lock():
        warmed.value += 1


class Decoder:
    def __init__(self, prepare: Callable, max_pixels: int, *, workers: int, image_timeout: float,
                 request_timeout: float, spare: int = 1, initializer: Callable = warm_up) -> None:
        self.prepare, self.max_pixels, self.workers, self.initializer = prepare, max_pixels, workers, initializer
        self.processes = workers + spare
        self.image_timeout, self.request_timeout = image_timeout, request_timeout
        self.pool: ProcessPool | None = None  # started with the server (app's lifespan) or on first use
        self.context = multiprocessing.get_context("spawn")
        self.warmed = self.context.Value("i", 0)  # workers that have decoded the warm-up image, replacements too
        self.slots = asyncio.Semaphore(workers)  # images decoded at once; the spare processes wait, warm
        self.heavy_slots = asyncio.Semaphore(max(1, workers - 1))  # one worker stays free for light requests

    @property
    def ready(self) -> bool:
        """Every first process has decoded the warm-up image."""
        return self.pool is not None and self.warmed.value >= self.processes

    def start(self) -> None:
        """Start the worker processes; each warms itself up (``warm_up``) so that no request waits for it."""
        if self.pool is None:
            self.pool = ProcessPool(self.processes, context=self.context, initializer=self.initializer,
                                    initargs=(self.prepare, self.max_pixels, self.warmed))
            self.pool.schedule(int)  # pebble starts its workers with the first task

    async def __call__(self, payloads: list[bytes], disconnected: Callable[[], Awaitable[bool]],
                       heavy: bool = False) -> list:
        """The model inputs of ``payloads``; ``ImageError`` (with ``index``) for a bad one, HTTPException for a
        limit, and 499 when ``disconnected()`` says the client left. The images of ``heavy`` requests are decoded
        in at most ``workers - 1`` workers at once, so that a light request never queues behind a batch."""
        self.start()
        deadline, inputs = time.monotonic() + self.request_timeout, []
        for index, data in enumerate(payloads):
            async with self.heavy_slots if heavy else contextlib.nullcontext(), self.slots:
                future = self.pool.schedule(decode_and_prepare, (self.prepare, data, self.max_pixels),
                                            timeout=self.image_timeout)
                try:
                    inputs.append(await self._result(future, deadline, disconnected))
                except ImageError as error:
                    error.index = index
                    raise
        return inputs

    async def _result(self, future, deadline: float, disconnected: Callable[[], Awaitable[bool]]) -> Any:
        waiting = asyncio.wrap_future(future)
        while not (await asyncio.wait({waiting}, timeout=0.05))[0]:
            if time.monotonic() > deadline:
                future.cancel()  # pebble kills the worker running it
                raise HTTPException(503, f"decoding this request took more than {self.request_timeout:g} s "
                                         "(the server's --request-timeout)", headers={"Retry-After": "1"})
            if await disconnected():
                future.cancel()
                raise HTTPException(499, "client closed the request")
        try:
            return waiting.result()
        except TimeoutError as error:  # the worker was killed and replaced
            raise HTTPException(503, f"decoding an image took more than {self.image_timeout:g} s of the server's "
                                     "time (its --image-timeout)", headers={"Retry-After": "1"}) from error
        except ProcessExpired as error:  # the worker died (out of memory, a crash in a decoder library)
            raise HTTPException(503, f"the decoder stopped on this image ({error})",
                                headers={"Retry-After": "1"}) from error

    def close(self) -> None:
        if self.pool is not None:
            self.pool.stop()
            self.pool.join()
            self.pool = None
