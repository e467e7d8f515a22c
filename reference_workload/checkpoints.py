"""Per-epoch checkpoints, so a managed-spot interruption costs at most one epoch.

SageMaker uploads `/opt/ml/checkpoints` to the job's `CheckpointConfig.S3Uri`
while training and restores it when the job restarts on a new instance.
Every file is written beside its final name and renamed into place, and the
state file last, so a kill at any moment leaves the previous epoch intact.
The state carries a fingerprint of the run (data digest and settings): a
checkpoint from another run is ignored rather than half-applied. Only the
chief writes; every worker restores.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np

STATE = "state.json"


class Checkpoints:
    def __init__(self, root: Path, fingerprint: str, writer: bool) -> None:
        self.root = root
        self.fingerprint = fingerprint
        self.writer = writer
        self.phases: dict[str, dict] = self._read()

    def _read(self) -> dict[str, dict]:
        path = self.root / STATE
        if not path.is_file():
            return {}
        state = json.loads(path.read_text())
        if state.get("fingerprint") != self.fingerprint:
            print(f"checkpoints in {self.root} belong to another run; starting over", flush=True)
            return {}
        return state["phases"]

    def restore(self, phase: str, model: keras.Model, optimizer: keras.optimizers.Optimizer | None = None) -> int:
        """Load the phase's last checkpoint into `model` (and `optimizer`); the number of epochs it had finished."""
        state = self.phases.get(phase)
        if not state:
            return 0
        model.load_weights(self.root / f"{phase}.weights.h5")
        if optimizer is not None and not state["finished"]:
            with np.load(self.root / f"{phase}.optimizer.npz") as saved:
                for i, variable in enumerate(optimizer.variables):
                    variable.assign(saved[f"v{i}"])
        return int(state["epochs"])

    def save(self, phase: str, epochs: int, finished: bool, model: keras.Model,
             optimizer: keras.optimizers.Optimizer) -> None:
        self.phases[phase] = {"epochs": epochs, "finished": finished}
        if not self.writer:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        partial = self.root / f"{phase}.partial.weights.h5"
        model.save_weights(partial)
        os.replace(partial, self.root / f"{phase}.weights.h5")
        with open(self.root / f"{phase}.optimizer.partial", "wb") as handle:
            np.savez(handle, **{f"v{i}": np.asarray(v) for i, v in enumerate(optimizer.variables)})
        os.replace(self.root / f"{phase}.optimizer.partial", self.root / f"{phase}.optimizer.npz")
        text = json.dumps({"fingerprint": self.fingerprint, "phases": self.phases}, indent=1)
        (self.root / f"{STATE}.partial").write_text(text)
        os.replace(self.root / f"{STATE}.partial", self.root / STATE)
