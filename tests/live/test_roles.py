"""A live role's GOV-4 verdict covers its inline, customer-managed and AWS-managed policies together."""

from __future__ import annotations

import boto3

from guardrails.config import Config
from guardrails.live import LiveOptions, scan
from guardrails.model import Status
from guardrails.rules import load_rules
from tests.live.conftest import ACCOUNT, REGION
from tests.live.seed import doc

TRUST = doc({"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"})
TRAIN = doc({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"})
DEPLOY = doc({"Effect": "Allow", "Action": "sagemaker:CreateEndpoint", "Resource": "*"})
NO_PROD = doc(
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    {
        "Effect": "Deny",
        "Action": "sagemaker:CreateEndpoint",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestTag/zone": "prod"}},
    },
)


def test_policies_attached_to_one_role_are_judged_together(mock, monitoring_schedules) -> None:
    monitoring_schedules.schedules = {}
    iam = boto3.Session(region_name=REGION).client("iam")
    deploy = iam.create_policy(PolicyName="deploy", PolicyDocument=DEPLOY)["Policy"]["Arn"]
    boundary = iam.create_policy(PolicyName="no-prod", PolicyDocument=NO_PROD)["Policy"]["Arn"]
    for name, bounded in (("split", False), ("bounded", True)):
        extra = {"PermissionsBoundary": boundary} if bounded else {}
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, **extra)
        iam.put_role_policy(RoleName=name, PolicyName="train", PolicyDocument=TRAIN)
        iam.attach_role_policy(RoleName=name, PolicyArn=deploy)

    report = scan(LiveOptions(regions=(REGION,)), Config(), load_rules(), select=["GR405"]).report
    by_id = {f.resource_id.removeprefix(f"{ACCOUNT}/global/"): f for f in report.findings}

    assert by_id["split/train"].status is Status.PASS and by_id["deploy"].status is Status.PASS
    assert by_id["split"].status is Status.FAIL
    assert "train" in by_id["split"].message and deploy in by_id["split"].message
    assert by_id["bounded"].status is Status.PASS, by_id["bounded"].message
