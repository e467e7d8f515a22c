"""The reference workload's platform carries the policies `guardrails policy generate` writes, verbatim."""

from __future__ import annotations

import json
from pathlib import Path

from guardrails.config import load_config
from guardrails.generate import generate, write
from guardrails.loader import load_text
from tests.conftest import ROOT

WORKLOAD = Path(ROOT) / "reference_workload"
GENERATED = {
    "DatasetBucketPolicy": "bucket-acme-ml-datasets-policy.json",
    "SageMakerApiEndpoint": "endpoint-sagemaker-api.json",
    "SageMakerRuntimeEndpoint": "endpoint-sagemaker-runtime.json",
    "S3GatewayEndpoint": "endpoint-s3-gateway.json",
    "DataScientistPolicy": "identity-app1.json",
}


def test_platform_policies_are_the_generated_ones(tmp_path: Path) -> None:
    config, _ = load_config(str(WORKLOAD / "guardrails.yaml"))
    written = {Path(p).name for p in write(generate(config), str(tmp_path))}
    assert set(GENERATED.values()) <= written
    resources = load_text((WORKLOAD / "infrastructure" / "platform.yaml").read_text()).data["Resources"]
    for resource, name in GENERATED.items():
        expected = json.loads((tmp_path / name).read_text())
        assert resources[resource]["Properties"]["PolicyDocument"] == expected, resource
