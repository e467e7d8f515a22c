"""End to end: the installed `guardrails scan --live` against a moto server on 127.0.0.1, reached
through AWS_ENDPOINT_URL as any boto3 program would be."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import jsonschema

from tests.conftest import ROOT
from tests.live.seed import expected_fails, name_of, organisation, seed

CLI = os.path.join(os.path.dirname(sys.executable), "guardrails")


def test_installed_cli_scans_a_moto_server(moto_server: str, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    session = boto3.Session(region_name="us-east-1")
    seeded = seed(session)  # no backend fixes: the server answers with moto's gaps
    organisation(session)
    out = tmp_path / "live.json"
    result = subprocess.run(
        [CLI, "scan", "--live", "--regions", "us-east-1", "--format", "json", "--output", str(out)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""  # no progress display when stderr is not a terminal
    report = json.loads(out.read_text())
    with open(os.path.join(ROOT, "schemas", "report.schema.json")) as handle:
        jsonschema.validate(report, json.load(handle))
    assert report["errors"] == []
    failed = {(f["rule_id"], name_of(f["resource"]["id"], seeded)) for f in report["findings"] if f["status"] == "fail"}
    assert failed == expected_fails(gaps=True, schedules=False)
    assert {f["location"]["line"] for f in report["findings"]} == {1}
    assert all(f["location"]["path"].startswith("arn:aws:") for f in report["findings"])


def test_installed_cli_prints_the_permissions_it_needs() -> None:
    result = subprocess.run([CLI, "permissions", "--role-name", "scanner"], capture_output=True, text=True, check=True)
    policy = json.loads(result.stdout)
    actions = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert {"sagemaker:ListTags", "kms:DescribeKey", "s3:GetEncryptionConfiguration", "sts:AssumeRole"} <= actions
