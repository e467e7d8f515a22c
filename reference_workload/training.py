"""Train the cascade: stage 1 self-supervised, stages 2 and 3 transferred from it, then evaluate and export.

Stage 1 needs no labels: every upright training picture is shown turned by
all four quarter turns, and the turn is the label. Its backbone then starts
stages 2 and 3, which see only `labels` labelled pictures (the label budget),
upright. For each budget in `compare`, stages 2 and 3 are also trained from
random weights (and, at a budget other than `labels`, from the backbone) on
the same pictures for the same epochs: what the transfer buys. Metrics are
printed as `name_accuracy=0.991` lines, the form the training job's
MetricDefinitions scrape, and written to `metrics.json`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from reference_workload import contract, export
from reference_workload.checkpoints import Checkpoints
from reference_workload.dataset import Dataset, load, read_manifest
from reference_workload.labels import MARKETABILITY, ORIENTATIONS, ROOM_TYPES
from reference_workload.loop import Loop
from reference_workload.models import backbone, load_base_weights, stage, transferred
from reference_workload.profiles import Settings

ORIENTATION_RATE = 2e-3
FINE_TUNE_RATE = 1e-3
TASKS = (("room_type", ROOM_TYPES), ("marketability", MARKETABILITY))


def run(settings: Settings, data_root: Path, output: Path, checkpoint_dir: Path, base_weights: Path | None,
        training_job: str, worker_port: int = contract.WORKER_PORT) -> dict | None:
    """Train, evaluate on the held-out split and (on the chief) write the model directory; the metrics."""
    began = time.monotonic()
    cluster = contract.cluster(port=worker_port)
    if cluster is not None:
        os.environ["TF_CONFIG"] = json.dumps(cluster)
    strategy = tf.distribute.MultiWorkerMirroredStrategy() if cluster else tf.distribute.get_strategy()
    chief = cluster is None or cluster["task"]["index"] == 0
    if cluster is not None and chief:
        print(f"workers={len(cluster['cluster']['worker'])} strategy=MultiWorkerMirroredStrategy", flush=True)
    keras.utils.set_random_seed(settings.seed)

    manifest = read_manifest(data_root)
    train, test = load(data_root, manifest, "train"), load(data_root, manifest, "test")
    labelled = np.random.default_rng([settings.seed, 1]).permutation(len(train.ids))  # every budget a prefix
    fingerprint = _fingerprint(settings, manifest["digest"], base_weights)
    checkpoints = Checkpoints(checkpoint_dir, fingerprint, writer=chief)
    loop = Loop(strategy, settings.batch_size, settings.seed, chief)

    with strategy.scope():
        base = backbone(train.upright.shape[1])
        if base_weights is not None:
            load_base_weights(base, base_weights)
        models = {"orientation": stage("orientation", len(ORIENTATIONS), base, dropout=0.0)}
    turned, turns = _all_turns(train.upright)
    loop.fit("orientation", models["orientation"], turned, turns, settings.orientation_epochs, ORIENTATION_RATE,
             flip=False, checkpoints=checkpoints)
    del turned

    def fine_tune(name: str, task: str, classes: int, budget: int, source: keras.Model | None) -> keras.Model:
        with strategy.scope():
            model = stage(name, classes, transferred(source))
        chosen = labelled[:budget]
        loop.fit(name, model, train.upright[chosen], getattr(train, task)[chosen], settings.epochs, FINE_TUNE_RATE,
                 flip=True, checkpoints=checkpoints)
        return model

    compared: dict[str, dict[int, dict[str, keras.Model]]] = {}
    for task, classes in TASKS:
        models[task] = fine_tune(task, task, len(classes), settings.labels, base)
        compared[task] = {}
        for budget in settings.compare:
            transfer = models[task] if budget == settings.labels else \
                fine_tune(f"{task}_transfer_{budget}", task, len(classes), budget, base)
            scratch = fine_tune(f"{task}_scratch_{budget}", task, len(classes), budget, None)
            compared[task][budget] = {"transfer": transfer, "scratch": scratch}

    metrics = evaluate(models, compared, test, labels=min(settings.labels, len(labelled)), unlabelled=len(train.ids))
    if not chief:
        return None
    seconds = time.monotonic() - began
    for line in metric_lines(metrics):
        print(line, flush=True)
    export.write(output, models, data_root, manifest, train, metrics, training_job,
                 settings={**dataclasses.asdict(settings), "base_weights": str(base_weights) if base_weights else None})
    print(f"training_seconds={seconds:.1f} total_seconds={time.monotonic() - began:.1f} model_dir={output}", flush=True)
    return metrics


def evaluate(models: dict[str, keras.Model], compared: dict[str, dict[int, dict[str, keras.Model]]], test: Dataset,
             labels: int, unlabelled: int) -> dict:
    """Accuracy per stage on held-out pictures: stages 2 and 3 on upright pictures, and through the cascade."""
    turned = _predict(models["orientation"], test.images)
    upright = np.stack([np.rot90(image, k=-int(k)) for image, k in zip(test.images, turned, strict=True)])
    metrics: dict[str, dict] = {"orientation": {"accuracy": _accuracy(turned, test.orientation),
                                                "test_images": len(test.ids), "train_images": unlabelled}}
    for task, _ in TASKS:
        truth = getattr(test, task)
        metrics[task] = {
            "accuracy": _accuracy(_predict(models[task], test.upright), truth),
            "cascade_accuracy": _accuracy(_predict(models[task], upright), truth),
            "labels": labels,
            "test_images": len(test.ids),
        }
        if compared.get(task):
            metrics[task]["transfer_vs_scratch"] = [
                {"labels": budget, **{f"{kind}_accuracy": _accuracy(_predict(model, test.upright), truth)
                                      for kind, model in pair.items()}}
                for budget, pair in sorted(compared[task].items())
            ]
    return metrics


def metric_lines(metrics: dict) -> list[str]:
    """`orientation_accuracy=0.9917` and friends; each stage's own metric is `<stage>_accuracy`."""
    lines = []
    for stage_name, values in metrics.items():
        lines.append(f"{stage_name}_accuracy={values['accuracy']:.4f}")
        if "cascade_accuracy" in values:
            lines.append(f"{stage_name}_cascade_accuracy={values['cascade_accuracy']:.4f}")
        for row in values.get("transfer_vs_scratch", []):
            lines += [f"{stage_name}_{kind}_{row['labels']}_accuracy={row[f'{kind}_accuracy']:.4f}"
                      for kind in ("transfer", "scratch")]
    return lines


def _all_turns(upright: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    turned = np.concatenate([np.rot90(upright, k=k, axes=(1, 2)) for k in range(len(ORIENTATIONS))])
    return turned, np.repeat(np.arange(len(ORIENTATIONS)), len(upright))


def _predict(model: keras.Model, images: np.ndarray, batch: int = 256) -> np.ndarray:
    out = [np.argmax(model(images[i:i + batch], training=False), axis=1) for i in range(0, len(images), batch)]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _accuracy(predicted: np.ndarray, truth: np.ndarray) -> float:
    return round(float(np.mean(predicted == truth)), 4) if len(truth) else 0.0


def _fingerprint(settings: Settings, digest: str, base_weights: Path | None) -> str:
    """What a checkpoint must match to be resumed: the data and every setting that shapes training."""
    fields = {**dataclasses.asdict(settings), "digest": digest, "base_weights": str(base_weights)}
    fields.pop("profile")
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
