"""Managed-spot interruption: killed mid-training, the rerun resumes from the checkpointed epoch."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from tests.workload.conftest import clean_env, workload


def test_kill_and_resume(tmp_path: Path, smoke_data: Path) -> None:
    checkpoints = tmp_path / "checkpoints"
    args = ["train", "--profile", "smoke", "--data", str(smoke_data), "--output", str(tmp_path / "model"),
            "--checkpoint-dir", str(checkpoints), "--orientation-epochs", "6"]
    process = subprocess.Popen([sys.executable, "-m", "reference_workload", *args], env=clean_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("phase=orientation epoch=2/6"):
            process.send_signal(signal.SIGKILL)  # the instance is gone: no handler runs
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert not (tmp_path / "model" / "metrics.json").exists()
    done = json.loads((checkpoints / "state.json").read_text())["phases"]["orientation"]["epochs"]
    assert 2 <= done < 6

    log = workload(*args).stdout
    assert f"phase=orientation resuming from checkpoint epoch={done}/6" in log
    assert "phase=orientation epoch=1/6" not in log
    assert f"phase=orientation epoch={done + 1}/6" in log
    assert (tmp_path / "model" / "metrics.json").exists()


def test_a_checkpoint_of_another_run_is_not_resumed(tmp_path: Path) -> None:
    import keras

    from reference_workload.checkpoints import Checkpoints

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    optimizer = keras.optimizers.Adam()
    optimizer.build(model.trainable_variables)
    Checkpoints(tmp_path, "run-a", writer=True).save("orientation", 3, False, model, optimizer)
    assert Checkpoints(tmp_path, "run-a", writer=True).restore("orientation", model, optimizer) == 3
    assert Checkpoints(tmp_path, "run-b", writer=True).restore("orientation", model, optimizer) == 0
    assert Checkpoints(tmp_path / "elsewhere", "run-a", writer=False).restore("orientation", model) == 0
