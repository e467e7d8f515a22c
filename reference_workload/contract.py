"""SageMaker's training contract, read from the environment so the same entry point runs locally and in a job.

Inside a training container SageMaker (or the SDK's `sm_train.sh` driver)
sets `SM_HPS` (the hyperparameters as JSON), `SM_CHANNEL_<NAME>` (where each
input channel was downloaded), `SM_MODEL_DIR`, `SM_OUTPUT_DATA_DIR`,
`SM_HOSTS` / `SM_CURRENT_HOST`, and writes the cluster to
`/opt/ml/input/config/resourceconfig.json`. Managed spot training restores
`/opt/ml/checkpoints` from S3 when a job restarts. TensorFlow's
multi-worker strategy wants `TF_CONFIG`, which SageMaker v3 does not write for
TensorFlow, so it is built here from the hosts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

RESOURCE_CONFIG = Path("/opt/ml/input/config/resourceconfig.json")
CHECKPOINTS = Path("/opt/ml/checkpoints")
WORKER_PORT = 2222


def in_training_job(env: Mapping[str, str] = os.environ) -> bool:
    return "SM_MODEL_DIR" in env or "TRAINING_JOB_NAME" in env


def hyperparameters(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`SM_HPS` with names normalised to underscores; values as strings, as the command line would give them."""
    raw = json.loads(env.get("SM_HPS") or "{}")
    return {str(k).replace("-", "_"): v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def channel(name: str, env: Mapping[str, str] = os.environ) -> Path | None:
    value = env.get(f"SM_CHANNEL_{name.upper()}")
    return Path(value) if value else None


def training_job_name(env: Mapping[str, str] = os.environ) -> str | None:
    if env.get("TRAINING_JOB_NAME"):
        return env["TRAINING_JOB_NAME"]
    return json.loads(env.get("SM_TRAINING_ENV") or "{}").get("job_name")


def hosts(env: Mapping[str, str] = os.environ, resource_config: Path = RESOURCE_CONFIG) -> tuple[list[str], str | None]:
    """The cluster's hosts and this one: `SM_HOSTS`/`SM_CURRENT_HOST`, else the resource configuration file."""
    if env.get("SM_HOSTS") and env.get("SM_CURRENT_HOST"):
        return list(json.loads(env["SM_HOSTS"])), env["SM_CURRENT_HOST"]
    if resource_config.is_file():
        config = json.loads(resource_config.read_text())
        return list(config["hosts"]), config["current_host"]
    return [], None


def tf_config(host_list: list[str], current: str | None, port: int = WORKER_PORT) -> dict | None:
    """`TF_CONFIG` for MultiWorkerMirroredStrategy, or None on a single host.

    Every host is a worker at `port` (each runs in its own container); a host
    already written `name:port` keeps its port, which lets several workers
    share one machine. Workers are sorted so every host derives the same
    cluster, and worker 0 is the chief that writes checkpoints and the model.
    """
    if len(host_list) < 2 or current is None:
        return None
    ordered = sorted(host_list)
    workers = [host if ":" in host else f"{host}:{port}" for host in ordered]
    return {"cluster": {"worker": workers}, "task": {"type": "worker", "index": ordered.index(current)}}


def cluster(env: Mapping[str, str] = os.environ, resource_config: Path = RESOURCE_CONFIG,
            port: int = WORKER_PORT) -> dict | None:
    """The TF_CONFIG to train with: one already set in the environment wins, else one built from the hosts."""
    if env.get("TF_CONFIG"):
        config = json.loads(env["TF_CONFIG"])
        return config if len(config.get("cluster", {}).get("worker", [])) > 1 else None
    return tf_config(*hosts(env, resource_config), port=port)
