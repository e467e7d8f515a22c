"""The seed's compliant policies, and one-edit variants of them, judged end to end through `run_scan`.

The seed (the bank's data-scientist role and its SageMaker API endpoint) must scan clean for the controls it
was written for; each variant removes one safeguard and must fail exactly the control that safeguard serves,
with a message that names the condition key (or header value) at fault.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guardrails.config import Config
from guardrails.model import Finding, Status
from guardrails.rules import load_rules
from guardrails.scan import run_scan

RULES = load_rules()

TRAINING = {
    "Sid": "TrainOnlyEncryptedIsolatedInTheVpc",
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:x:x:*/app1-*",
    "Condition": {
        "StringEquals": {"aws:RequestTag/CostCenter": "x", "sagemaker:VolumeKmsKey": "arn:aws:kms:x:x:key/x"},
        "Bool": {"sagemaker:InterContainerTrafficEncryption": "true", "sagemaker:NetworkIsolation": "true"},
        "ForAllValues:StringEquals": {
            "sagemaker:VpcSubnets": ["subnet-a", "subnet-b"],
            "sagemaker:VpcSecurityGroupIds": ["sg-x", "sg-y"],
        },
        "Null": {"sagemaker:VpcSubnets": "false"},
    },
}
CREATOR_ONLY = {
    "Sid": "OnlyTheCreatorOpensANotebook",
    "Effect": "Deny",
    "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
    "Resource": "*",
    "Condition": {"ForAllValues:StringNotEquals": {"sagemaker:ResourceTag/creatorUserId": "${aws:userId}"}},
}
PRESIGNED_THROUGH_VPCE = {
    "Sid": "PresignedUrlThroughTheEndpointOnly",
    "Effect": "Allow",
    "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-x"}},
}
# The three identity statements belong to one data-scientist role: one identity policy document.
SEED_IDENTITY = {"Version": "2012-10-17", "Statement": [TRAINING, CREATOR_ONLY, PRESIGNED_THROUGH_VPCE]}

# The seed's interface-endpoint policy. Its CIDRs are placeholders in the seed ("x.x.x.x/a", "y.y.y.y/b"), which
# no IAM evaluator accepts as IpAddress values; two private ranges stand in for them.
SEED_ENDPOINT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
            "Resource": "*",
            "Principal": "*",
            "Condition": {"IpAddress": {"aws:VpcSourceIp": ["10.20.0.0/16", "10.21.0.0/16"]}},
        }
    ],
}

SEED_CONTROLS = ["IAM-1", "IAM-2", "IAM-6", "NET-4"]
BUCKET_OBJECTS = "arn:aws:s3:::acme-ml-datasets/*"


def _scan(tmp_path: Path, name: str, document: dict[str, Any], controls: list[str]) -> list[Finding]:
    """The findings of `controls` for one policy file; the kind of policy follows from the file name."""
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    report = run_scan([str(path)], Config(), RULES, select=controls)
    assert not report.errors, [f"{e.path}:{e.line} {e.reason}" for e in report.errors]
    judged = {f.control for f in report.findings}
    assert set(controls) <= judged, f"not judged: {sorted(set(controls) - judged)}"
    return report.findings


def _failed(findings: list[Finding]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in findings:
        if finding.status is Status.FAIL:
            out.setdefault(finding.control, []).append(finding.message)
    return out


def _variant(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = copy.deepcopy(SEED_IDENTITY)
    edit(document)
    return document


def test_seed_identity_policy_scans_clean(tmp_path: Path) -> None:
    findings = _scan(tmp_path, "seed-data-scientist.json", SEED_IDENTITY, SEED_CONTROLS)
    assert all(f.resource_kind == "policy.identity" for f in findings)
    assert not _failed(findings)
    assert {(f.control, f.status) for f in findings} == {(c, Status.PASS) for c in SEED_CONTROLS}


def test_without_null_check_fails_iam1_and_iam6_naming_vpc_subnets(tmp_path: Path) -> None:
    def drop_null(document: dict[str, Any]) -> None:
        del document["Statement"][0]["Condition"]["Null"]

    failed = _failed(_scan(tmp_path, "seed-without-null.json", _variant(drop_null), SEED_CONTROLS))
    assert set(failed) == {"IAM-1", "IAM-6"}
    for control in ("IAM-1", "IAM-6"):
        assert any("sagemaker:VpcSubnets" in message for message in failed[control]), failed[control]


def test_volume_key_if_exists_fails_iam1_naming_volume_kms_key(tmp_path: Path) -> None:
    def if_exists(document: dict[str, Any]) -> None:
        condition = document["Statement"][0]["Condition"]
        key = condition["StringEquals"].pop("sagemaker:VolumeKmsKey")
        condition["StringEqualsIfExists"] = {"sagemaker:VolumeKmsKey": key}

    failed = _failed(_scan(tmp_path, "seed-volume-key-if-exists.json", _variant(if_exists), SEED_CONTROLS))
    assert "IAM-1" in failed
    assert any("sagemaker:VolumeKmsKey" in message for message in failed["IAM-1"]), failed["IAM-1"]
    # IfExists is also an omission bypass; the notebook controls are untouched.
    assert set(failed) == {"IAM-1", "IAM-6"}


def test_constant_creator_user_id_fails_iam2(tmp_path: Path) -> None:
    def constant(document: dict[str, Any]) -> None:
        condition = document["Statement"][1]["Condition"]["ForAllValues:StringNotEquals"]
        condition["sagemaker:ResourceTag/creatorUserId"] = "AROAEXAMPLEROLEID:jdoe"

    failed = _failed(_scan(tmp_path, "seed-constant-creator.json", _variant(constant), SEED_CONTROLS))
    assert set(failed) == {"IAM-2"}
    assert any("creatorUserId" in message for message in failed["IAM-2"]), failed["IAM-2"]


def test_seed_endpoint_policy_passes_net4_and_net5(tmp_path: Path) -> None:
    findings = _scan(tmp_path, "notebook-endpoint-policy.json", SEED_ENDPOINT, ["NET-4", "NET-5"])
    assert {f.resource_kind for f in findings} == {"policy.endpoint"}
    assert {(f.control, f.status) for f in findings} == {("NET-4", Status.PASS), ("NET-5", Status.PASS)}


def test_upload_deny_on_missing_header_only_fails_enc5_naming_aes256(tmp_path: Path) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyUploadsWithoutEncryptionHeader",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": BUCKET_OBJECTS,
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}},
            }
        ],
    }
    findings = _scan(tmp_path, "datasets-bucket-policy.json", policy, ["ENC-5"])
    assert {f.resource_kind for f in findings} == {"policy.bucket"}
    failed = _failed(findings)
    assert set(failed) == {"ENC-5"}
    assert any("AES256" in message for message in failed["ENC-5"]), failed["ENC-5"]


def test_upload_deny_unless_kms_passes_enc5(tmp_path: Path) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyUploadsNotEncryptedWithKms",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": BUCKET_OBJECTS,
                "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
            }
        ],
    }
    findings = _scan(tmp_path, "datasets-bucket-policy.json", policy, ["ENC-5"])
    assert {(f.control, f.status) for f in findings} == {("ENC-5", Status.PASS)}


# ---- Known scanner bugs on seed variants (strict: they start failing once the scanner is fixed) --------------


def test_seed_without_vpce_condition_fails_net4(tmp_path: Path) -> None:
    def open_to_any_network(document: dict[str, Any]) -> None:
        del document["Statement"][2]["Condition"]

    failed = _failed(_scan(tmp_path, "seed-any-network.json", _variant(open_to_any_network), ["NET-4"]))
    assert set(failed) == {"NET-4"}


def test_sagemaker_wildcard_with_seed_conditions_passes_iam1(tmp_path: Path) -> None:
    def any_sagemaker_action(document: dict[str, Any]) -> None:
        document["Statement"][0]["Action"] = "sagemaker:*"

    findings = _scan(tmp_path, "seed-sagemaker-wildcard.json", _variant(any_sagemaker_action), ["IAM-1"])
    assert not _failed(findings)
