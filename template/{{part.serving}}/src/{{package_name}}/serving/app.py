"""The FastAPI app: /health (alive), /ready, /predict, /predict/batch, /metrics, and the demo page at /
(serving/page.html).

Every limit is an argument of ``create_app`` (and of scripts/serve.py). Memory is bounded: a request body is at
most ``max_request_bytes`` and is received whole before it takes one of ``max_concurrent`` places to run
(serving/limits.py); an image is decoded only if its header says it has at most ``max_pixels`` pixels, in one of
``decode_workers`` processes, within a time limit (serving/decoding.py); and a batch keeps only the model-sized
inputs of its images, not the decoded images. Decoding runs in those processes and inference in threads, so
/health and /metrics answer while a batch is processed. /ready answers 503 with Retry-After until every decoding
worker has decoded a warm-up image and the model has answered one, then 200: a probe's cue to send traffic."""

import asyncio
import json
import time
import weakref
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, File, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from .decoding import WARM_UP, Decoder
from .limits import RequestLimits
from .metrics import MeasureRequests, ServerMetrics
from .predictor import Prediction, Predictor
from .preprocess import ImageError
from .runtime import describe
from .work import HeavyShare, predict_within

MAX_BATCH = 32  # images per /predict/batch request


async def no_client() -> bool:  # the warm-up request has no client to leave
    return False


class Error(BaseModel):
    detail: str


class Health(BaseModel):
    status: str
    model: str
    classes: int


REFUSALS = {
    400: {"model": Error, "description": "Malformed multipart body"},
    408: {"model": Error, "description": "The body did not arrive in time"},
    413: {"model": Error, "description": "Body, upload or image (pixels) larger than the server's limits"},
    415: {"model": Error, "description": "Not an image/* upload, or not an image in a supported format"},
    503: {"model": Error, "description": "Too many requests at once, or a request past the server's time limits "
                                         "(decoding, the model, its answer); retry after Retry-After seconds",
          "headers": {"Retry-After": {"description": "seconds", "schema": {"type": "integer"}}}},
}


def create_app(model_dir: str | Path, max_bytes: int = 5_000_000, max_concurrent: int = 4,
               model_file: str = "model.onnx", *, max_request_bytes: int = 20_000_000,
               max_pixels: int = 24_000_000, body_timeout: float = 120.0, body_idle_timeout: float = 10.0,
               max_reading: int = 16, decode_workers: int = 2, image_timeout: float = 2.0,
               request_timeout: float = 20.0, threads: int | None = None, spare_decoders: int = 1) -> FastAPI:
    """``max_bytes`` per upload and ``max_request_bytes`` per request (413 above), ``max_pixels`` per image (413),
    ``max_concurrent`` requests to the model at once and ``max_reading`` bodies received at once (503 above),
    ``body_timeout`` seconds for a whole body and ``body_idle_timeout`` between two of its reads (408);
    ``decode_workers`` processes decode (``spare_decoders`` more wait, warm, to replace a killed one at once),
    ``image_timeout`` seconds per image and ``request_timeout`` per request: decoding, the model and the answer's
    encoding together (503 above, serving/decoding.py and work.py);
    ``threads``: ONNX Runtime's intra-op threads per request (default: every core, see runtime.session_options)."""
    predictor = Predictor(model_dir, model_file, threads)  # raises UserError, one line, for a broken export
    metrics = ServerMetrics()
    decoder = Decoder(predictor.prepare, max_pixels, workers=decode_workers, image_timeout=image_timeout,
                      request_timeout=request_timeout, spare=spare_decoders)

    warm = {"model": False}

    async def warm_model() -> None:  # the model's first answer, on a real decoded image, off the event loop
        while True:  # a --request-timeout shorter than the workers' start: try again, or /ready is never 200
            try:
                inputs = await decoder([WARM_UP], no_client)
                break
            except HTTPException:
                await asyncio.sleep(0.1)
        await run_in_threadpool(predictor, inputs)
        warm["model"] = True

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        decoder.start()  # its worker processes, each warming itself up
        warming = asyncio.create_task(warm_model())
        yield
        warming.cancel()
        decoder.close()

    app = FastAPI(title="inference", version="1", lifespan=lifespan)
    app.state.runtime = describe(predictor.session.get_session_options())  # for the server's startup line
    app.state.decoder = decoder
    app.state.heavy = heavy = HeavyShare(max_pixels, max_concurrent)  # a fair share of places for large batches
    weakref.finalize(app, decoder.close)  # an app never started or stopped (tests)

    async def answer(uploads: list[UploadFile], field: str, request: Request) -> list[dict]:
        payloads = []
        for index, upload in enumerate(uploads):
            if not (upload.content_type or "").lower().startswith("image/"):  # media types are case-insensitive
                raise HTTPException(415, f"{upload.filename}: expected an image/* upload, got {upload.content_type}")
            payloads.append(await upload.read(max_bytes + 1))
            if len(payloads[-1]) > max_bytes:
                raise HTTPException(413, f"{upload.filename}: larger than {max_bytes} bytes")
            if not payloads[-1]:  # the document's minLength: 1 (see document() below)
                where = ("body", field) if field == "file" else ("body", field, index)
                raise RequestValidationError([{"loc": where, "msg": f"{upload.filename}: empty upload",
                                               "type": "too_short"}])
        deadline = time.monotonic() + request_timeout
        try:
            with heavy.admit(payloads) as large:
                inputs = await decoder(payloads, request.is_disconnected, large)
        except ImageError as error:
            upload = uploads[error.index]
            if error.status != 422:
                raise HTTPException(error.status, f"{upload.filename}: {error}") from error
            where = ("body", field) if field == "file" else ("body", field, error.index)
            raise RequestValidationError([{"loc": where, "msg": f"{upload.filename}: {error}", "type": "image"}]) \
                from error
        return await predict_within(predictor, inputs, deadline, request_timeout)

    page = resources.files(__package__).joinpath("page.html").read_text()
    page = page.replace("__LIMITS__", json.dumps({"max_bytes": max_bytes, "max_pixels": max_pixels}))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)  # a page for people, not part of the API
    async def demo() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/health")
    async def health() -> Health:  # on the event loop: no wait for a worker thread
        return Health(status="ok", model=predictor.name, classes=len(predictor.classes))

    @app.get("/ready", responses={503: {"model": Error, "description": "Still warming up; retry after Retry-After",
                                        "headers": {"Retry-After": {"schema": {"type": "integer"}}}}})
    async def ready() -> Health:
        if not (decoder.ready and warm["model"]):
            model = "ready" if warm["model"] else "not run yet"
            raise HTTPException(503, f"warming up: {decoder.warmed.value} of {decoder.processes} decoders ready, "
                                     f"model {model}", headers={"Retry-After": "1"})
        return Health(status="ready", model=predictor.name, classes=len(predictor.classes))

    def uploads_are_images(field: str) -> dict:  # documents what the server checks first (415 otherwise)
        encoding = {field: {"contentType": "image/*"}}
        return {"requestBody": {"content": {"multipart/form-data": {"encoding": encoding}}}}

    @app.post("/predict", responses=REFUSALS, openapi_extra=uploads_are_images("file"))
    async def predict(file: UploadFile, request: Request) -> Prediction:
        return (await answer([file], "file", request))[0]

    @app.post("/predict/batch", responses=REFUSALS, openapi_extra=uploads_are_images("files"))
    async def predict_batch(
        files: Annotated[list[UploadFile], File(min_length=1, max_length=MAX_BATCH)],  # 422 outside 1..32
        request: Request,
    ) -> list[Prediction]:
        return await answer(files, "files", request)

    @app.get("/metrics", response_class=PlainTextResponse,
             responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                              "description": "Prometheus text format"}})
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    def document() -> dict:
        """FastAPI's OpenAPI document, plus what it cannot say of an upload: it is not empty (answered 422)."""
        if app.openapi_schema is None:
            for body in FastAPI.openapi(app)["components"]["schemas"].values():
                for field in body.get("properties", {}).values():
                    upload = field.get("items", field)
                    if upload.get("contentMediaType") == "application/octet-stream":
                        upload["minLength"] = 1
        return app.openapi_schema

    app.openapi = document
    app.add_middleware(RequestLimits, guarded={"/predict", "/predict/batch"}, max_body=max_request_bytes,
                       body_timeout=body_timeout, body_idle_timeout=body_idle_timeout, max_reading=max_reading,
                       max_concurrent=max_concurrent)
    app.add_middleware(MeasureRequests, metrics=metrics, router=app.router)  # added last: outermost
    return app
