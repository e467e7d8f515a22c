"""The cascade as one TensorFlow function, and the predictor that loads it for serving and benchmarks.

Stage 1 says how far each picture is turned; the picture is turned upright in
the graph before stages 2 and 3 see it, so one call does all three. The
room-type backbone's features, L2-normalised, also find the nearest training
pictures (cosine similarity against the training set's features, stored in the
graph), which makes each prediction traceable to training records.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from reference_workload.labels import MARKETABILITY, ORIENTATIONS, ROOM_TYPES

SAVED_MODEL = Path("cascade") / "1"
"""Where the SavedModel goes in the model directory: TensorFlow Serving's <name>/<version> layout."""
NEIGHBOURS = 3


def turn_upright(images: tf.Tensor, turns: tf.Tensor) -> tf.Tensor:
    """Turn each square picture back clockwise by its predicted number of quarter turns."""
    options = tf.stack([tf.image.rot90(images, k=(4 - k) % 4) for k in range(4)])
    return tf.gather_nd(options, tf.stack([turns, tf.range(tf.shape(images)[0])], axis=1))


def features(room_type: keras.Model, upright: np.ndarray, batch: int = 256) -> np.ndarray:
    """L2-normalised backbone features of the room-type model: the space nearest neighbours are found in."""
    backbone = room_type.get_layer("backbone")
    out = [backbone(upright[i:i + batch], training=False) for i in range(0, len(upright), batch)]
    return tf.math.l2_normalize(tf.concat(out, axis=0), axis=1).numpy()


def graph(models: dict[str, keras.Model], train_features: np.ndarray) -> Callable[[tf.Tensor], dict[str, tf.Tensor]]:
    """The serving function over uint8 pictures [N, S, S, 3] already at the model's size."""
    orientation, room_type, marketability = models["orientation"], models["room_type"], models["marketability"]
    room_backbone, room_head = room_type.get_layer("backbone"), room_type.get_layer("probabilities")
    known = tf.constant(train_features)

    def serve(images: tf.Tensor) -> dict[str, tf.Tensor]:
        pixels = tf.cast(images, tf.float32)
        turned = orientation(pixels, training=False)
        upright = turn_upright(pixels, tf.argmax(turned, axis=1, output_type=tf.int32))
        found = room_backbone(upright, training=False)
        similarity, nearest = tf.math.top_k(tf.matmul(tf.math.l2_normalize(found, axis=1), known, transpose_b=True),
                                            k=min(NEIGHBOURS, int(known.shape[0])))
        return {
            "orientation": turned,
            "room_type": room_head(found),
            "marketability": marketability(upright, training=False),
            "nearest": nearest,
            "similarity": similarity,
        }

    return serve


class Predictor:
    """A model directory as `train` wrote it (or an unpacked model.tar.gz), ready to answer."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.serve = tf.saved_model.load(str(model_dir / SAVED_MODEL)).signatures["serve"]
        self.size = int(self.serve.structured_input_signature[1]["images"].shape[1])
        lineage = json.loads((model_dir / "lineage.json").read_text())
        self.records = (model_dir / lineage["dataset"]["train_records"]).read_text().split()
        self.lineage = {
            "model_version": lineage["model_version"],
            "training_job": lineage["training_job"],
            "dataset_digest": lineage["dataset"]["digest"],
            "manifest": lineage["dataset"]["manifest"],
            "train_records": lineage["dataset"]["train_records"],
            "train_records_sha256": lineage["dataset"]["train_records_sha256"],
        }

    def predict(self, images: np.ndarray, batch: int = 64) -> list[dict]:
        """uint8 pictures [N, size, size, 3] -> one prediction per picture, every stage's class and probability."""
        out: list[dict] = []
        for start in range(0, len(images), batch):
            result = {k: v.numpy() for k, v in self.serve(images=tf.constant(images[start:start + batch])).items()}
            for i in range(len(result["orientation"])):
                out.append({
                    "orientation": _top(result["orientation"][i], ORIENTATIONS),
                    "room_type": _top(result["room_type"][i], ROOM_TYPES),
                    "marketability": _top(result["marketability"][i], MARKETABILITY),
                    "nearest_training_records": [
                        {"record_id": self.records[int(n)], "similarity": round(float(s), 4)}
                        for n, s in zip(result["nearest"][i], result["similarity"][i], strict=True)
                    ],
                })
        return out


def _top(probabilities: np.ndarray, classes: tuple) -> dict:
    best = int(np.argmax(probabilities))
    return {"predicted_class": classes[best], "probability": round(float(probabilities[best]), 6)}
