"""Cascade inference throughput: in-process batches, then through `serve` on 127.0.0.1 (JSON batches and single
pictures). The seed's 500,000 pictures a day are about 6 a second; the bar here is 60.

Pictures are freshly rendered (another seed than training), turned, and PNG-encoded
for the HTTP runs, so the server pays for decoding and resizing as it would in service.
"""

from __future__ import annotations

import base64
import http.client
import json
import threading
import time
from pathlib import Path

import numpy as np

from reference_workload.cascade import Predictor
from reference_workload.dataset import png
from reference_workload.render import render, sample_scene
from reference_workload.serve import make_server

SEED = 20261126


def pictures(count: int, size: int) -> np.ndarray:
    out = []
    for i in range(count):
        rng = np.random.default_rng([SEED, i])
        out.append(np.rot90(render(sample_scene(rng), rng, size), k=int(rng.integers(4))))
    return np.stack(out)


def in_process(predictor: Predictor, images: np.ndarray, batch: int) -> float:
    predictor.predict(images[:batch], batch=batch)  # trace and warm up
    began = time.perf_counter()
    predictor.predict(images, batch=batch)
    return len(images) / (time.perf_counter() - began)


def over_http(port: int, bodies: list[bytes], content_type: str, per_body: int) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": content_type}
    connection.request("POST", "/invocations", body=bodies[0], headers=headers)  # warm up
    connection.getresponse().read()
    began = time.perf_counter()
    for body in bodies:
        connection.request("POST", "/invocations", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"/invocations answered {response.status}")
    seconds = time.perf_counter() - began
    connection.close()
    return len(bodies) * per_body / seconds


def main(model_dir: Path, count: int, batch: int) -> int:
    predictor = Predictor(model_dir)
    images = pictures(count, predictor.size)
    encoded = [png(p) for p in images]
    results = {"images": count, "batch": batch, "in_process": in_process(predictor, images, batch)}

    server = make_server(model_dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        batches = [json.dumps({"instances": [base64.b64encode(b).decode() for b in encoded[i:i + batch]]}).encode()
                   for i in range(0, count - count % batch, batch)]
        results["http_json_batch"] = over_http(port, batches, "application/json", batch)
        singles = encoded[: max(1, count // 4)]
        results["http_single_png"] = over_http(port, singles, "image/png", 1)
    finally:
        server.shutdown()
        server.server_close()
    for name in ("in_process", "http_json_batch", "http_single_png"):
        print(f"{name}_images_per_second={results[name]:.1f}")
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in results.items()}))
    return 0
