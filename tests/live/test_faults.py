"""Faults on the way: throttling, refused permissions, regions that are not enabled, services not offered."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.retries.standard import ExponentialBackoff
from typer.testing import CliRunner

from guardrails.cli import app
from guardrails.collectors import sagemaker
from guardrails.config import Config
from guardrails.live import LiveOptions, scan
from guardrails.model import Status
from guardrails.rules import load_rules
from tests.live.conftest import REGION
from tests.live.seed import organisation, seed


@pytest.fixture
def seeded(mock) -> None:
    session = boto3.Session(region_name=REGION)
    seed(session, fix_moto=True)
    organisation(session)


def _scan(regions: tuple[str, ...] = (REGION,)):
    return scan(LiveOptions(regions=regions), Config(), load_rules()).report


def test_throttling_on_a_third_of_calls_changes_no_finding(seeded, faults, monkeypatch) -> None:
    calm = _scan()
    # The standard retry mode (AWS_RETRY_MODE, which the scan honours) backs off without the adaptive
    # mode's client-side rate limit, which at this throttling rate slows the scan to a few calls a second
    # (80 s for this account, same findings); its backoff is scaled down 20x to keep the test quick.
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    backoff = ExponentialBackoff.delay_amount
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: backoff(self, context) / 20)
    faults.throttle, faults.seed, faults.requests = 0.35, b"throttle", 0
    throttled = _scan()
    assert faults.throttled / faults.requests >= 0.30 and faults.requests > 100
    assert throttled.errors == []
    assert [f.to_dict() for f in throttled.findings] == [f.to_dict() for f in calm.findings]


def test_clients_use_adaptive_retries_unless_configured(seeded, monkeypatch) -> None:
    from guardrails.live import _plan

    assert _plan(LiveOptions()).client_config.retries == {"mode": "adaptive", "total_max_attempts": 10}
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    assert _plan(LiveOptions()).client_config.retries == {"mode": "standard", "total_max_attempts": 4}


def test_a_refused_service_is_an_error_naming_api_and_permission(seeded, faults, tmp_path) -> None:
    full = _scan()
    faults.deny = frozenset({"sagemaker"})
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["scan", "--live", "--regions", REGION, "-f", "json", "-o", str(out)])
    assert result.exit_code == 2, result.output
    report = json.loads(out.read_text())
    lists = {kind.list_op for kind in sagemaker.KINDS}
    assert {e["reason"].split(" ")[0] for e in report["errors"]} == lists
    for error in report["errors"]:
        operation = error["reason"].split(" ")[0]
        assert error["path"] == f"aws://123456789012/{REGION}/sagemaker"
        assert "AccessDeniedException" in error["reason"] and f"IAM permission sagemaker:{operation}" in error["reason"]
    assert not [f for f in report["findings"] if f["resource"]["kind"].startswith("sagemaker.")]
    rest = [f.to_dict() for f in full.findings if not f.resource_kind.startswith("sagemaker.")]
    assert report["findings"] == rest  # every other service in full


def test_a_region_not_enabled_is_an_error_not_a_silent_pass(seeded) -> None:
    report = _scan((REGION, "ap-east-1"))
    assert [(e.path, e.reason) for e in report.errors] == [
        ("aws://123456789012/ap-east-1", "ap-east-1 is an opt-in region not enabled in this account: not assessed")
    ]
    assert any(f.status is Status.FAIL for f in report.findings)
    assert "ap-east-1" not in {f.resource_id.split("/")[1] for f in report.findings}


def test_all_regions_are_the_enabled_ones(seeded) -> None:
    from guardrails.live import LiveOptions as Options

    report = scan(Options(regions=("all",)), Config(), load_rules()).report
    assert report.errors == []
    regions = {f.resource_id.split("/")[1] for f in report.findings}
    assert REGION in regions and "ap-east-1" not in regions


def test_a_service_not_offered_in_a_region_is_an_error(seeded, monkeypatch) -> None:
    offered = boto3.Session.get_available_regions

    def without_us_west_2(self, service, partition_name="aws", allow_non_regional=False):
        regions = offered(self, service, partition_name, allow_non_regional)
        return [r for r in regions if not (service == "sagemaker" and r == "us-west-2")]

    monkeypatch.setattr(boto3.Session, "get_available_regions", without_us_west_2)
    report = _scan((REGION, "us-west-2"))
    assert [(e.path, e.reason) for e in report.errors] == [
        (
            "aws://123456789012/us-west-2/sagemaker",
            "sagemaker is not offered in us-west-2 (botocore's endpoint data): not assessed",
        )
    ]


def test_an_unreadable_bucket_policy_is_unknown(seeded, faults) -> None:
    faults.deny = frozenset({"s3.GetBucketPolicy"})
    report = _scan()
    bucket = {f.rule_id: f for f in report.findings if f.resource_id.endswith("/good-bucket")}
    for rule in ("GR105", "GR106", "GR307"):
        assert bucket[rule].status is Status.UNKNOWN and "GetBucketPolicy" in bucket[rule].message
    assert bucket["GR104"].status is Status.PASS
    [error] = report.errors
    assert "for 2 resources" in error.reason and "s3:GetBucketPolicy" in error.reason


def test_a_key_that_cannot_be_described_is_unknown(seeded, faults) -> None:
    faults.deny = frozenset({"kms.DescribeKey"})
    report = _scan()
    by = {(f.rule_id, f.resource_id.rsplit("/", 1)[-1]): f for f in report.findings}
    assert by[("GR101", "good-train")].status is Status.UNKNOWN
    assert "kms:DescribeKey" in by[("GR101", "good-train")].message
    assert by[("GR101", "bad-notebook")].status is Status.FAIL  # no key at all needs no lookup
    assert [e.reason.split(" ")[0] for e in report.errors] == ["DescribeKey"]
