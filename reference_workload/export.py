"""The model directory (SM_MODEL_DIR, packed by SageMaker into model.tar.gz) and its lineage.

It holds the three stages as `.keras` files, the self-supervised backbone as
`backbone.weights.h5` (a `--base-weights` for the next run), the cascade as a
SavedModel for TensorFlow Serving or `serve`, and what makes a prediction
traceable: the dataset manifest with its digest, the ids of the training
records in the order the nearest-neighbour index uses, and `lineage.json`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from reference_workload.cascade import SAVED_MODEL, features, graph
from reference_workload.dataset import MANIFEST, Dataset
from reference_workload.labels import STAGES

TRAIN_RECORDS = "train_records.txt"


def write(output: Path, models: dict[str, keras.Model], data_root: Path, manifest: dict, train: Dataset,
          metrics: dict, training_job: str, settings: dict) -> dict:
    output.mkdir(parents=True, exist_ok=True)
    for name, model in models.items():
        model.save(output / f"{name}.keras")
    models["orientation"].get_layer("backbone").save_weights(output / "backbone.weights.h5")
    # Reloaded, so the export sees plain variables whatever strategy trained them.
    loaded = {name: keras.models.load_model(output / f"{name}.keras", compile=False) for name in STAGES}
    size = int(train.upright.shape[1])
    archive = keras.export.ExportArchive()
    for model in loaded.values():
        archive.track(model)
    archive.add_endpoint("serve", graph(loaded, features(loaded["room_type"], train.upright)),
                         input_signature=[tf.TensorSpec((None, size, size, 3), tf.uint8, name="images")])
    if (output / SAVED_MODEL).exists():
        shutil.rmtree(output / SAVED_MODEL)
    archive.write_out(str(output / SAVED_MODEL), verbose=False)

    shutil.copyfile(data_root / MANIFEST, output / MANIFEST)
    records = "".join(f"{record_id}\n" for record_id in train.ids)
    (output / TRAIN_RECORDS).write_text(records)
    lineage = {
        "model_version": model_version(loaded),
        "training_job": training_job,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": settings,
        "dataset": {
            "digest": manifest["digest"],
            "manifest": MANIFEST,
            "records": len(manifest["records"]),
            "train_records": TRAIN_RECORDS,
            "train_records_sha256": hashlib.sha256(records.encode()).hexdigest(),
        },
    }
    (output / "lineage.json").write_text(json.dumps(lineage, indent=2) + "\n")
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return lineage


def model_version(models: dict[str, keras.Model]) -> str:
    """A name for exactly these weights: the SHA-256 of every stage's weights, in order."""
    digest = hashlib.sha256()
    for name in STAGES:
        for weights in models[name].get_weights():
            digest.update(np.ascontiguousarray(weights).tobytes())
    return f"cascade-{digest.hexdigest()[:12]}"
