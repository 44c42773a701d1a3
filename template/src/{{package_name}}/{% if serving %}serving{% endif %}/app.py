"""The FastAPI app: /health, /predict, /predict/batch, /metrics.

Every limit is an argument of ``create_app`` (and of scripts/serve.py). Memory is bounded: a request body is at
most ``max_request_bytes``, at most ``max_concurrent`` requests are read and run at once, an image is decoded only
if its header says it has at most ``max_pixels`` pixels, at most ``MAX_DECODING`` images are decoded at once
server-wide, and a batch keeps only the model-sized inputs of its images, not the decoded images.
Decoding and inference run in threads, so /health and /metrics answer while a batch is processed.
"""

import asyncio
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi import FastAPI, HTTPException, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from .limits import RequestLimits
from .metrics import MeasureRequests, ServerMetrics
from .predictor import Prediction, Predictor
from .preprocess import ImageError, decode
from .runtime import describe

MAX_BATCH = 32  # images per /predict/batch request
# Images decoded at once, server-wide, in threads of their own: a full-size decoded image is the largest thing in
# memory, and one decoding thread keeps its freed memory in one malloc arena (the model's threads would each keep
# one image's worth).
MAX_DECODING = 1


class Error(BaseModel):
    detail: str


class Health(BaseModel):
    status: str
    model: str
    classes: int


REFUSALS = {
    400: {"model": Error, "description": "Malformed multipart body"},
    408: {"model": Error, "description": "The body did not arrive in time"},
    413: {"model": Error, "description": "Body, upload, image (pixels) or batch larger than the server's limits"},
    415: {"model": Error, "description": "Not an image/* upload, or not an image in a supported format"},
    503: {"model": Error, "description": "Too many requests at once; retry after Retry-After seconds",
          "headers": {"Retry-After": {"description": "seconds", "schema": {"type": "integer"}}}},
}


def create_app(model_dir: str | Path, max_bytes: int = 5_000_000, max_concurrent: int = 4,
               model_file: str = "model.onnx", *, max_request_bytes: int = 20_000_000,
               max_pixels: int = 24_000_000, body_timeout: float = 30.0, threads: int | None = None) -> FastAPI:
    """``max_bytes`` per upload and ``max_request_bytes`` per request (413 above), ``max_pixels`` per image (413),
    ``max_concurrent`` requests to the model at once (503 above), ``body_timeout`` seconds for a body (408);
    ``threads``: ONNX Runtime's intra-op threads per request (default: every core, see runtime.session_options)."""
    predictor = Predictor(model_dir, model_file, threads)  # raises UserError, one line, for a broken export
    metrics = ServerMetrics()
    decoder = ThreadPoolExecutor(MAX_DECODING, thread_name_prefix="decode")
    app = FastAPI(title="inference", version="1")
    app.state.runtime = describe(predictor.session.get_session_options())  # for the server's startup line
    weakref.finalize(app, decoder.shutdown, wait=False)

    def prepare(payloads: list[bytes]) -> list:
        """In a decoding thread: decode one image at a time and keep only its model input."""
        inputs = []
        for index, data in enumerate(payloads):
            try:
                image = decode(data, max_pixels)
            except ImageError as error:
                error.index = index
                raise
            inputs.append(predictor.prepare(image))
            del image
        return inputs

    async def answer(uploads: list[UploadFile], field: str) -> list[dict]:
        if len(uploads) > MAX_BATCH:
            raise HTTPException(413, f"at most {MAX_BATCH} images per batch, got {len(uploads)}")
        payloads = []
        for upload in uploads:
            if not (upload.content_type or "").startswith("image/"):
                raise HTTPException(415, f"{upload.filename}: expected an image/* upload, got {upload.content_type}")
            payloads.append(await upload.read(max_bytes + 1))
            if len(payloads[-1]) > max_bytes:
                raise HTTPException(413, f"{upload.filename}: larger than {max_bytes} bytes")
        try:
            inputs = await asyncio.get_running_loop().run_in_executor(decoder, prepare, payloads)
        except ImageError as error:
            upload = uploads[error.index]
            if error.status != 422:
                raise HTTPException(error.status, f"{upload.filename}: {error}") from error
            where = ("body", field) if field == "file" else ("body", field, error.index)
            raise RequestValidationError([{"loc": where, "msg": f"{upload.filename}: {error}", "type": "image"}]) \
                from error
        return await run_in_threadpool(predictor, inputs)

    @app.get("/health")
    async def health() -> Health:  # on the event loop: no wait for a worker thread
        return Health(status="ok", model=predictor.name, classes=len(predictor.classes))

    def uploads_are_images(field: str) -> dict:  # documents what the server checks first (415 otherwise)
        encoding = {field: {"contentType": "image/*"}}
        return {"requestBody": {"content": {"multipart/form-data": {"encoding": encoding}}}}

    @app.post("/predict", responses=REFUSALS, openapi_extra=uploads_are_images("file"))
    async def predict(file: UploadFile) -> Prediction:
        return (await answer([file], "file"))[0]

    @app.post("/predict/batch", responses=REFUSALS, openapi_extra=uploads_are_images("files"))
    async def predict_batch(files: list[UploadFile]) -> list[Prediction]:
        return await answer(files, "files")

    @app.get("/metrics", response_class=PlainTextResponse,
             responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                              "description": "Prometheus text format"}})
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(RequestLimits, guarded={"/predict", "/predict/batch"}, max_body=max_request_bytes,
                       body_timeout=body_timeout, max_concurrent=max_concurrent)
    app.add_middleware(MeasureRequests, metrics=metrics, router=app.router)  # added last: outermost
    return app
