"""The reference workload's tests: marked `workload` (`pytest -m workload`), skipped without TensorFlow.

Training runs as a subprocess, the way SageMaker runs it, through
`python -m reference_workload`; the `ci` profile is trained once per session
and its model shared by the accuracy and serving tests.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
HAVE_TENSORFLOW = importlib.util.find_spec("tensorflow") is not None
SKIP = pytest.mark.skip(reason="TensorFlow is not installed: pip install -e '.[workload]' to run the workload tests")
CONTRACT = ("SM_", "TF_CONFIG", "TRAINING_JOB_NAME")
"""Environment a developer's shell might carry that would change what `train` does."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "workload: the reference workload (TensorFlow, SageMaker SDK); slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.workload)
            if not HAVE_TENSORFLOW:
                item.add_marker(SKIP)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CONTRACT)}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1", **extra)
    return env


def workload(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """`python -m reference_workload ARGS`, failing the test with its output if it fails."""
    result = subprocess.run([sys.executable, "-m", "reference_workload", *args], env=env or clean_env(),
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


@pytest.fixture(scope="session")
def ci_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The `ci` profile, trained once: (model directory, training log)."""
    output = tmp_path_factory.mktemp("ci") / "model"
    result = workload("train", "--profile", "ci", "--output", str(output))
    return output, result.stdout


@pytest.fixture(scope="session")
def smoke_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke profile's dataset, generated once."""
    root = tmp_path_factory.mktemp("smoke-data")
    workload("data", "--output", str(root), "--images", "160", "--seed", "7")
    return root
