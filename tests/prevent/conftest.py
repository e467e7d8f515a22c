"""Shared fixtures for the prevention tests: the reference configuration and request, and a moto account."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from guardrails.config import Config, load_config
from tests.conftest import ROOT

CONFIG_PATH = os.path.join(ROOT, "reference_workload", "guardrails.yaml")
TRAINING_JOB = os.path.join(ROOT, "reference_workload", "infrastructure", "training-job.json")
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture
def config() -> Config:
    return load_config(CONFIG_PATH)[0]


@pytest.fixture
def training_job() -> dict[str, Any]:
    with open(TRAINING_JOB, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A moto account; nothing leaves the process."""
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield
