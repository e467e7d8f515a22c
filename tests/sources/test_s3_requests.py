"""S3 bucket configuration requests as files: each judged as the update it is, on the part it sets."""

from __future__ import annotations

import json
from pathlib import Path

from guardrails.config import Config
from guardrails.rules import load_rules
from guardrails.scan import run_scan

RULES = load_rules()
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _scan(tmp_path: Path, payload: dict) -> dict[str, str]:
    (tmp_path / "request.json").write_text(json.dumps(payload, indent=2))
    report = run_scan([str(tmp_path)], Config(), RULES)
    assert report.errors == [] and report.skipped == []
    return {f.rule_id: f.status.value for f in report.findings}


def test_an_encryption_request_is_judged_on_encryption_only(tmp_path: Path) -> None:
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}}
    found = _scan(tmp_path, {"Bucket": "data", "ServerSideEncryptionConfiguration": {"Rules": [rule]}})
    assert found == {"GR104": "pass"}  # no bucket-policy, tag or public-access verdicts on a request without them


def test_an_encryption_request_with_an_aws_managed_key_fails(tmp_path: Path) -> None:
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/aws/s3"}}
    assert _scan(tmp_path, {"Bucket": "data", "ServerSideEncryptionConfiguration": {"Rules": [rule]}}) == {
        "GR104": "fail"
    }


def test_a_policy_request_is_judged_on_the_policy_given_as_a_string(tmp_path: Path) -> None:
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
    found = _scan(tmp_path, {"Bucket": "data", "Policy": json.dumps(policy)})
    assert found["GR106"] == "pass" and found["GR105"] == "fail"
    assert "GR104" not in found and "GR401" not in found


def test_a_tagging_request_is_judged_on_tags_only(tmp_path: Path) -> None:
    found = _scan(tmp_path, {"Bucket": "data", "Tagging": {"TagSet": [{"Key": "zone", "Value": "Production"}]}})
    assert found == {"GR401": "fail", "GR306": "fail"}  # a tag set replaces the last: no zone, no cost centre


def test_a_payload_setting_two_parts_is_not_a_request(tmp_path: Path) -> None:
    (tmp_path / "both.json").write_text(json.dumps({"Bucket": "data", "Policy": "{}", "Tagging": {"TagSet": []}}))
    report = run_scan([str(tmp_path)], Config(), RULES)
    assert report.findings == [] and [reason for _, reason in report.skipped]
