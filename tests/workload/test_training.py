"""Training: the ci profile's accuracy, the Script Mode contract, metrics SageMaker can scrape, base weights."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import ROOT
from tests.workload.conftest import clean_env, workload

THRESHOLDS = {"orientation": 0.98, "room_type": 0.90, "marketability": 0.80}
TRAINING_JOB = Path(ROOT) / "reference_workload" / "infrastructure" / "training-job.json"


def test_ci_profile_reaches_the_thresholds(ci_model: tuple[Path, str]) -> None:
    model, _ = ci_model
    metrics = json.loads((model / "metrics.json").read_text())
    assert set(metrics) == set(THRESHOLDS)
    for stage, threshold in THRESHOLDS.items():
        assert metrics[stage]["accuracy"] >= threshold, (stage, metrics[stage])
    for stage in ("room_type", "marketability"):  # through the cascade, on pictures stage 1 turned upright
        assert metrics[stage]["cascade_accuracy"] >= THRESHOLDS[stage] - 0.02, (stage, metrics[stage])


def test_metric_definitions_of_the_training_job_scrape_the_log(ci_model: tuple[Path, str]) -> None:
    model, log = ci_model
    metrics = json.loads((model / "metrics.json").read_text())
    definitions = json.loads(TRAINING_JOB.read_text())["AlgorithmSpecification"]["MetricDefinitions"]
    for definition in definitions:
        found = re.findall(definition["Regex"], log)
        assert len(found) == 1, (definition, found)
        stage = definition["Name"].removesuffix("_accuracy")
        assert float(found[0]) == metrics[stage]["accuracy"]


def test_the_model_directory_serves_and_traces(ci_model: tuple[Path, str]) -> None:
    model, _ = ci_model
    for name in ("orientation.keras", "room_type.keras", "marketability.keras", "backbone.weights.h5",
                 "cascade/1/saved_model.pb", "manifest.json", "train_records.txt", "lineage.json"):
        assert (model / name).exists(), name
    lineage = json.loads((model / "lineage.json").read_text())
    manifest = json.loads((model / "manifest.json").read_text())
    assert lineage["dataset"]["digest"] == manifest["digest"]
    train_ids = {r["id"] for r in manifest["records"] if r["split"] == "train"}
    assert set((model / "train_records.txt").read_text().split()) == train_ids
    assert lineage["model_version"].startswith("cascade-")


def test_script_mode_contract(tmp_path: Path, smoke_data: Path) -> None:
    """Hyperparameters from SM_HPS, data from SM_CHANNEL_TRAIN, the model to SM_MODEL_DIR, metrics to the output."""
    env = clean_env(SM_HPS=json.dumps({"profile": "smoke", "epochs": 1, "orientation_epochs": "1"}),
                    SM_CHANNEL_TRAIN=str(smoke_data), SM_MODEL_DIR=str(tmp_path / "model"),
                    SM_OUTPUT_DATA_DIR=str(tmp_path / "output"), TRAINING_JOB_NAME="app1-cascade-contract")
    (tmp_path / "output").mkdir()
    log = workload("train", "--checkpoint-dir", str(tmp_path / "checkpoints"), env=env).stdout
    assert "phase=orientation epoch=1/1" in log and "phase=room_type epoch=1/1" in log
    lineage = json.loads((tmp_path / "model" / "lineage.json").read_text())
    assert lineage["training_job"] == "app1-cascade-contract"
    assert lineage["dataset"]["digest"] == json.loads((smoke_data / "manifest.json").read_text())["digest"]
    assert lineage["settings"]["profile"] == "smoke" and lineage["settings"]["epochs"] == 1
    assert (tmp_path / "output" / "metrics.json").read_text() == (tmp_path / "model" / "metrics.json").read_text()
    assert (tmp_path / "checkpoints" / "state.json").exists()


def test_base_weights_start_the_backbone(tmp_path: Path, smoke_data: Path, ci_model: tuple[Path, str]) -> None:
    """One epoch on the smoke data learns little from random weights, and a lot from a backbone that knows up."""
    model, _ = ci_model

    def orientation(name: str, *extra: str) -> float:
        output = tmp_path / name
        workload("train", "--profile", "smoke", "--data", str(smoke_data), "--output", str(output),
                 "--orientation-epochs", "1", "--epochs", "1", *extra)
        return json.loads((output / "metrics.json").read_text())["orientation"]["accuracy"]

    scratch = orientation("scratch")
    for weights in (model / "backbone.weights.h5", model / "orientation.keras"):
        started = orientation(weights.name, "--base-weights", str(weights))
        assert started >= 0.85 and started > scratch + 0.2, (weights.name, started, scratch)
        lineage = json.loads((tmp_path / weights.name / "lineage.json").read_text())
        assert lineage["settings"]["base_weights"] == str(weights)
