"""SageMaker's hosting contract on the standard library: `GET /ping` and `POST /invocations` on port 8080.

`/invocations` takes one JPEG or PNG picture (any size: it is resized to the
model's) or a JSON batch `{"instances": ["<base64>", {"b64": "<base64>"}, ...]}`.
The answer gives every stage's class and probability, the nearest training
records, and the model's lineage. A request that cannot be answered gets a
4xx and a JSON `{"error": ...}` saying why; nothing a client sends stops the
server.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import sys
import traceback
import warnings
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from reference_workload.cascade import Predictor

MAX_BODY = 6 * 1024 * 1024
"""SageMaker's limit on a real-time invocation's payload."""
MAX_PIXELS = 40_000_000
MAX_BATCH = 64
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "application/x-image", "application/octet-stream"})
DRAIN_LIMIT = 64 * 1024 * 1024
"""An oversized body is read and dropped up to this much, so the client hears the 413 rather than a reset."""


class BadRequest(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def decode(data: bytes, size: int) -> np.ndarray:
    """JPEG or PNG bytes -> uint8 [size, size, 3], EXIF orientation applied (the picture as a viewer shows it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=("JPEG", "PNG"))
            if image.width * image.height > MAX_PIXELS:
                raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                 f"image is {image.width}x{image.height}; at most {MAX_PIXELS} pixels are accepted")
            image = ImageOps.exif_transpose(image).convert("RGB")
            return np.asarray(image.resize((size, size), Image.Resampling.BILINEAR), dtype=np.uint8)
    except UnidentifiedImageError:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "the body is not a JPEG or PNG image") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"the image could not be decoded: {error}") from None


def instances(body: bytes, size: int) -> list[np.ndarray]:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRequest(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON: {error}") from None
    items = document.get("instances") if isinstance(document, dict) else None
    if not isinstance(items, list) or not items:
        raise BadRequest(HTTPStatus.BAD_REQUEST, 'expected {"instances": ["<base64 JPEG or PNG>", ...]}')
    if len(items) > MAX_BATCH:
        raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                         f"{len(items)} instances; at most {MAX_BATCH} per request")
    pictures = []
    for i, item in enumerate(items):
        text = item.get("b64") if isinstance(item, dict) else item
        if not isinstance(text, str):
            raise BadRequest(HTTPStatus.BAD_REQUEST, f'instances[{i}] is not a base64 string or {{"b64": ...}}')
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest(HTTPStatus.BAD_REQUEST, f"instances[{i}] is not valid base64") from None
        try:
            pictures.append(decode(data, size))
        except BadRequest as error:
            raise BadRequest(error.status, f"instances[{i}]: {error.message}") from None
    return pictures


def handler_for(predictor: Predictor) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "reference-workload"
        disable_nagle_algorithm = True  # headers and body go out as two writes; Nagle would hold the body ~40 ms

        def do_GET(self) -> None:
            if self.path == "/ping":
                self._send(HTTPStatus.OK, {"status": "healthy", "model_version": predictor.lineage["model_version"]})
            else:
                self._send(HTTPStatus.NOT_FOUND, {"error": f"no such path {self.path}; use GET /ping"})

        def do_POST(self) -> None:
            if self.path != "/invocations":
                self._drain()
                self._send(HTTPStatus.NOT_FOUND, {"error": f"no such path {self.path}; use POST /invocations"})
                return
            try:
                self._send(HTTPStatus.OK, self._invoke())
            except BadRequest as error:
                self._send(error.status, {"error": error.message})
            except Exception:  # a bug of ours must cost one request, not the server
                traceback.print_exc(file=sys.stderr)
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "internal error"})

        def _not_allowed(self) -> None:
            self._drain()
            self._send(HTTPStatus.METHOD_NOT_ALLOWED,
                       {"error": f"{self.command} is not allowed; use GET /ping or POST /invocations"})

        do_PUT = do_DELETE = do_PATCH = _not_allowed

        def _invoke(self) -> dict:
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                self.close_connection = True
                raise BadRequest(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
            if int(length) > MAX_BODY:
                self._drain()
                raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                                 f"the body is {length} bytes; at most {MAX_BODY} are accepted")
            body = self.rfile.read(int(length))
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if kind == "application/json":
                predictions = predictor.predict(np.stack(instances(body, predictor.size)))
                return {"predictions": predictions, "lineage": predictor.lineage}
            if kind in IMAGE_TYPES:
                (prediction,) = predictor.predict(decode(body, predictor.size)[None])
                return {**prediction, "lineage": predictor.lineage}
            raise BadRequest(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                             f"Content-Type {kind or '(none)'} is not accepted; send image/jpeg, image/png or "
                             "application/json")

        def _drain(self) -> None:
            length = self.headers.get("Content-Length", "0")
            remaining = int(length) if length.isdigit() else 0
            if remaining > DRAIN_LIMIT:
                self.close_connection = True
                return
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)

        def _send(self, status: HTTPStatus, document: dict) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            if self.server.verbose:  # type: ignore[attr-defined]  (a Server)
                super().log_message(format, *args)

    return Handler


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], predictor: Predictor, verbose: bool) -> None:
        self.predictor = predictor
        self.verbose = verbose
        super().__init__(address, handler_for(predictor))


def make_server(model_dir: Path, host: str, port: int, verbose: bool = False) -> Server:
    return Server((host, port), Predictor(model_dir), verbose)


def serve_forever(model_dir: Path, host: str, port: int) -> None:
    server = make_server(model_dir, host, port, verbose=True)
    version = server.predictor.lineage["model_version"]
    print(f"serving {version} on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
