"""The FastAPI app: /health, /predict, /predict/batch, /metrics, with upload and concurrency limits."""

import asyncio
import time
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .metrics import ServerMetrics
from .predictor import Predictor
from .preprocess import ImageError, decode

MAX_BATCH = 32  # images per /predict/batch request


def create_app(model_dir: str | Path, max_bytes: int = 5_000_000, max_concurrent: int = 4,
               model_file: str = "model.onnx") -> FastAPI:
    """``max_bytes`` per upload (413 above), ``max_concurrent`` inferences at once (503 above)."""
    predictor = Predictor(model_dir, model_file)
    metrics = ServerMetrics()
    slots = asyncio.Semaphore(max_concurrent)
    app = FastAPI(title="inference", version="1")

    @app.middleware("http")
    async def measure(request: Request, call_next):
        start = time.perf_counter()
        response = await call_next(request)
        endpoint = request.url.path
        metrics.requests.labels(endpoint, str(response.status_code)).inc()
        metrics.latency.labels(endpoint).observe(time.perf_counter() - start)
        return response

    async def read_image(upload: UploadFile):
        if not (upload.content_type or "").startswith("image/"):
            raise HTTPException(415, f"{upload.filename}: expected an image/* upload, got {upload.content_type}")
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise HTTPException(413, f"{upload.filename}: larger than {max_bytes} bytes")
        try:
            return decode(data)
        except ImageError as error:
            raise HTTPException(422, f"{upload.filename}: {error}") from error

    async def infer(images):
        if slots.locked():
            raise HTTPException(503, "server busy: too many concurrent requests, retry shortly")
        async with slots:
            return await run_in_threadpool(predictor, images)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "model": predictor.name, "classes": len(predictor.classes)}

    @app.post("/predict")
    async def predict(file: UploadFile) -> dict:
        return (await infer([await read_image(file)]))[0]

    @app.post("/predict/batch")
    async def predict_batch(files: list[UploadFile]) -> list[dict]:
        if len(files) > MAX_BATCH:
            raise HTTPException(413, f"at most {MAX_BATCH} images per batch, got {len(files)}")
        return await infer([await read_image(upload) for upload in files])

    @app.get("/metrics")
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
