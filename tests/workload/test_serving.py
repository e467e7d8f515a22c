"""The hosting contract: /ping, /invocations with a picture or a JSON batch, 4xx for what cannot be answered,
and the cascade turning pictures upright before judging them."""

from __future__ import annotations

import base64
import http.client
import io
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reference_workload.render import IMAGE_SIZE, render, sample_scene
from tests.workload.conftest import clean_env

SEED = 424242


def encode(picture: np.ndarray, kind: str = "PNG", size: int | None = None) -> bytes:
    image = Image.fromarray(np.ascontiguousarray(picture))
    if size:
        image = image.resize((size, size * 3 // 4))
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def scene(index: int) -> tuple[np.ndarray, str]:
    rng = np.random.default_rng([SEED, index])
    drawn = sample_scene(rng)
    return render(drawn, rng, IMAGE_SIZE), drawn.room_type


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def __call__(self, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        document = json.loads(response.read())
        connection.close()
        return response.status, document

    def invoke(self, body: bytes, content_type: str) -> tuple[int, dict]:
        return self("POST", "/invocations", body, {"Content-Type": content_type})


@pytest.fixture(scope="module")
def client(ci_model: tuple[Path, str]) -> Iterator[Client]:
    from reference_workload.serve import make_server

    server = make_server(ci_model[0], "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Client(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_ping(client: Client) -> None:
    status, document = client("GET", "/ping")
    assert status == 200 and document["status"] == "healthy"


def test_a_png_gets_every_stage_and_lineage(client: Client, ci_model: tuple[Path, str]) -> None:
    picture, _ = scene(0)
    status, document = client.invoke(encode(picture), "image/png")
    assert status == 200, document
    assert document["orientation"]["predicted_class"] in (0, 90, 180, 270)
    for stage in ("orientation", "room_type", "marketability"):
        assert 0 < document[stage]["probability"] <= 1
    lineage = json.loads((ci_model[0] / "lineage.json").read_text())
    assert document["lineage"]["model_version"] == lineage["model_version"]
    assert document["lineage"]["dataset_digest"] == lineage["dataset"]["digest"]
    assert document["lineage"]["training_job"] == lineage["training_job"]
    known = set((ci_model[0] / "train_records.txt").read_text().split())
    assert len(document["nearest_training_records"]) == 3
    assert {n["record_id"] for n in document["nearest_training_records"]} <= known


def test_a_large_jpeg_is_resized(client: Client) -> None:
    picture, _ = scene(1)
    status, document = client.invoke(encode(picture, "JPEG", size=1200), "image/jpeg")
    assert status == 200, document
    assert document["room_type"]["predicted_class"]


def test_a_json_batch(client: Client) -> None:
    pictures = [encode(scene(i)[0]) for i in range(3)]
    body = {"instances": [base64.b64encode(pictures[0]).decode(), {"b64": base64.b64encode(pictures[1]).decode()},
                          base64.b64encode(pictures[2]).decode()]}
    status, document = client.invoke(json.dumps(body).encode(), "application/json")
    assert status == 200, document
    assert len(document["predictions"]) == 3 and "lineage" in document
    single = client.invoke(pictures[1], "image/png")[1]
    assert document["predictions"][1]["room_type"] == single["room_type"]


def test_the_cascade_turns_pictures_upright(client: Client) -> None:
    """Each picture turned four ways: stage 1 names the turn, and stages 2 and 3 see the same upright picture."""
    right = consistent = total = 0
    for index in range(8):
        picture, _ = scene(index)
        answers = []
        for turns in range(4):
            status, document = client.invoke(encode(np.rot90(picture, k=turns)), "image/png")
            assert status == 200, document
            right += document["orientation"]["predicted_class"] == 90 * turns
            answers.append((document["room_type"]["predicted_class"], document["marketability"]["predicted_class"]))
        consistent += answers.count(answers[0])
        total += 4
    assert right / total >= 0.9
    assert consistent / total >= 0.9


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    (b"not a picture at all", "image/png", 400, "not a JPEG or PNG"),
    (b"hello", "text/plain", 415, "Content-Type text/plain"),
    (b"{not json", "application/json", 400, "not valid JSON"),
    (b'{"instances": []}', "application/json", 400, "expected"),
    (b'{"instances": ["%%%"]}', "application/json", 400, "instances[0] is not valid base64"),
    (json.dumps({"instances": [base64.b64encode(b"GIF89a").decode()]}).encode(), "application/json", 400,
     "instances[0]: the body is not a JPEG or PNG"),
    (json.dumps({"instances": ["AAAA"] * 65}).encode(), "application/json", 413, "at most 64"),
    (b"\0" * (6 * 1024 * 1024 + 1), "image/png", 413, "at most 6291456"),
])
def test_bad_requests_get_a_4xx_and_a_reason(client: Client, body: bytes, content_type: str, status: int,
                                             message: str) -> None:
    got, document = client.invoke(body, content_type)
    assert got == status and message in document["error"], document
    assert client("GET", "/ping")[0] == 200  # and the server is still up


def test_a_truncated_png_and_a_huge_canvas(client: Client) -> None:
    data = encode(scene(2)[0])
    status, document = client.invoke(data[: len(data) // 2], "image/png")
    assert status == 400 and "could not be decoded" in document["error"]
    buffer = io.BytesIO()
    Image.new("L", (8000, 8000)).save(buffer, format="PNG")  # small file, 64 megapixels
    status, document = client.invoke(buffer.getvalue(), "image/png")
    assert status == 413 and "pixels" in document["error"]


def test_paths_methods_and_missing_length(client: Client) -> None:
    assert client("GET", "/nope")[0] == 404
    assert client("POST", "/ping", b"x", {"Content-Type": "image/png"})[0] == 404
    assert client("PUT", "/invocations", b"x", {"Content-Type": "image/png"})[0] == 405
    with socket.create_connection(("127.0.0.1", client.port), timeout=30) as raw:
        raw.sendall(b"POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n\r\n")
        reply = raw.recv(4096).decode()
    assert reply.startswith("HTTP/1.1 411") and "Content-Length" in reply


def test_the_serve_command(ci_model: tuple[Path, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "reference_workload", "serve", "--model-dir", str(ci_model[0]),
                                "--host", "127.0.0.1", "--port", str(port)], env=clean_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                assert Client(port)("GET", "/ping")[0] == 200
                break
            except (ConnectionRefusedError, http.client.RemoteDisconnected):
                time.sleep(0.5)
        else:
            pytest.fail("serve did not answer /ping")
        status, document = Client(port).invoke(encode(scene(3)[0]), "image/png")
        assert status == 200 and "lineage" in document
    finally:
        process.terminate()
        process.wait(timeout=30)
