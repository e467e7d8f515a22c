"""Multi-worker training: two processes on loopback, TF_CONFIG built from SageMaker's SM_HOSTS/SM_CURRENT_HOST."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from tests.workload.conftest import clean_env


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_train_one_model(tmp_path: Path, smoke_data: Path) -> None:
    hosts = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    for i, host in enumerate(hosts):
        env = clean_env(SM_HOSTS=json.dumps(hosts), SM_CURRENT_HOST=host)
        args = ["train", "--profile", "smoke", "--data", str(smoke_data), "--output", str(tmp_path / f"model-{i}"),
                "--checkpoint-dir", str(tmp_path / f"checkpoints-{i}")]
        processes.append(subprocess.Popen([sys.executable, "-m", "reference_workload", *args], env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    try:
        outputs = [p.communicate(timeout=300) for p in processes]
    finally:
        for p in processes:
            p.kill()
    for p, (out, err) in zip(processes, outputs, strict=True):
        assert p.returncode == 0, f"{out[-3000:]}\n{err[-3000:]}"
    chief = sorted(hosts).index(hosts[0])  # worker 0 is the first host in sorted order
    chief_out = outputs[chief][0]
    assert "workers=2 strategy=MultiWorkerMirroredStrategy" in chief_out
    assert "orientation_accuracy=" in chief_out
    assert (tmp_path / f"model-{chief}" / "metrics.json").exists()
    assert (tmp_path / f"checkpoints-{chief}" / "state.json").exists()
    other = 1 - chief
    assert outputs[other][0].strip() == ""  # only the chief reports
    assert not (tmp_path / f"model-{other}").exists() and not (tmp_path / f"checkpoints-{other}").exists()
