"""SageMaker's training contract: hyperparameters, channels, and TF_CONFIG from the cluster's hosts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reference_workload import contract
from reference_workload.profiles import PROFILES, resolve


def test_tf_config_from_sm_hosts_for_each_host() -> None:
    env = {"SM_HOSTS": json.dumps(["algo-2", "algo-1"]), "SM_CURRENT_HOST": "algo-2"}
    assert contract.cluster(env, Path("/nonexistent")) == {
        "cluster": {"worker": ["algo-1:2222", "algo-2:2222"]},
        "task": {"type": "worker", "index": 1},
    }


def test_tf_config_from_the_resource_configuration(tmp_path: Path) -> None:
    config = tmp_path / "resourceconfig.json"
    config.write_text(json.dumps({"current_host": "algo-1", "hosts": ["algo-1", "algo-2", "algo-3"],
                                  "network_interface_name": "eth0"}))
    built = contract.cluster({}, config, port=7777)
    assert built["cluster"]["worker"] == ["algo-1:7777", "algo-2:7777", "algo-3:7777"]
    assert built["task"] == {"type": "worker", "index": 0}


def test_one_host_trains_without_a_cluster_and_tf_config_wins(tmp_path: Path) -> None:
    assert contract.cluster({"SM_HOSTS": '["algo-1"]', "SM_CURRENT_HOST": "algo-1"}, Path("/nonexistent")) is None
    assert contract.cluster({}, Path("/nonexistent")) is None
    given = {"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}
    assert contract.cluster({"TF_CONFIG": json.dumps(given), "SM_HOSTS": '["x", "y"]', "SM_CURRENT_HOST": "x"},
                            Path("/nonexistent")) == given


def test_hyperparameters_channels_and_job_name() -> None:
    env = {"SM_HPS": json.dumps({"profile": "full", "epochs": 12, "base-weights": "/w.h5"}),
           "SM_CHANNEL_TRAIN": "/opt/ml/input/data/train", "TRAINING_JOB_NAME": "app1-cascade-1"}
    assert contract.hyperparameters(env) == {"profile": "full", "epochs": "12", "base_weights": "/w.h5"}
    assert contract.channel("train", env) == Path("/opt/ml/input/data/train")
    assert contract.channel("validation", env) is None
    assert contract.training_job_name(env) == "app1-cascade-1"
    assert contract.training_job_name({"SM_TRAINING_ENV": json.dumps({"job_name": "j"})}) == "j"
    assert contract.in_training_job(env) and not contract.in_training_job({})


def test_profiles_take_overrides_as_strings() -> None:
    settings = resolve("full", {"epochs": "12", "compare": "100,300", "output": "/ignored"})
    assert settings.epochs == 12 and settings.compare == (100, 300)
    assert settings.labels == PROFILES["full"].labels
    assert resolve("ci", {"compare": "[50]"}).compare == (50,) and resolve("full", {"compare": ""}).compare == ()
    with pytest.raises(ValueError, match="label budgets"):
        resolve("ci", {"compare": "some"})
    with pytest.raises(ValueError, match="unknown profile"):
        resolve("huge", {})
