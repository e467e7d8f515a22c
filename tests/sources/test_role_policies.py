"""GOV-4 over a role's whole policy set: inline and attached policies together, within its boundary.

Each source gathers the set its own way (CloudFormation `ManagedPolicyArns` and `AWS::IAM::Policy.Roles`,
Terraform attachments by address, a plan's module-qualified and indexed addresses); the verdicts must agree.
"""

from __future__ import annotations

import os

import pytest

from guardrails.config import Config
from guardrails.model import Finding, Status
from guardrails.rules import load_rules
from guardrails.scan import run_scan

HERE = os.path.join(os.path.dirname(__file__), "roles")
RULES = load_rules()


def _gov4(path: str) -> dict[str, Finding]:
    report = run_scan([path], Config(), RULES, select=["GR405"])
    assert report.errors == []
    return {f.resource_id: f for f in report.findings}


@pytest.mark.parametrize(
    ("name", "role", "policies"),
    [
        ("split-across-policies.yaml", "ResearchRole", ["ResearchRole/train", "CreateEndpoints", "UpdateEndpoints"]),
        (
            "split-across-attachments.tf",
            "aws_iam_role.research",
            ["aws_iam_role_policy.train", "aws_iam_policy.deploy"],
        ),
        (
            "split-across-attachments.plan.json",
            "module.ml.aws_iam_role.research[0]",
            ["module.ml.aws_iam_role_policy.train", "module.ml.aws_iam_policy.deploy"],
        ),
    ],
)
def test_a_role_fails_when_its_policies_together_train_and_deploy(name: str, role: str, policies: list[str]) -> None:
    found = _gov4(os.path.join(HERE, name))
    for policy in policies:  # no single policy does both ...
        assert found[policy].status is Status.PASS, found[policy].message
    verdict = found[role]  # ... the role does
    assert verdict.status is Status.FAIL
    assert "sagemaker:CreateTrainingJob" in verdict.message and "aws:RequestTag/zone=prod" in verdict.message
    for policy in policies:
        assert policy.rsplit("/", 1)[-1] in verdict.message


ROLE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Version: "2012-10-17", Statement: []}}
{extra}
      Policies:
        - PolicyName: train-and-deploy
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {{Effect: Allow, Action: sagemaker:CreateTrainingJob, Resource: "*"}}
              - Effect: Allow
                Action: !If [Deploys, sagemaker:CreateEndpoint, sagemaker:DescribeEndpoint]
                Resource: "*"
Conditions:
  Deploys: !Equals [!Ref Stage, research]
Parameters:
  Stage: {{Type: String, Default: dev}}
"""


def _role(tmp_path, extra: str = "") -> Finding:
    path = tmp_path / "role.yaml"
    path.write_text(ROLE.format(extra=extra), encoding="utf-8")
    return _gov4(str(path))["Role"]


def test_the_failing_branch_of_a_condition_is_named(tmp_path) -> None:
    verdict = _role(tmp_path)
    assert verdict.status is Status.FAIL
    assert "[when Deploys" in verdict.message


def test_an_unreadable_boundary_leaves_a_failing_set_unknown(tmp_path) -> None:
    extra = "      PermissionsBoundary: arn:aws:iam::111122223333:policy/elsewhere"
    verdict = _role(tmp_path, extra)
    assert verdict.status is Status.UNKNOWN
    assert "permission boundary" in verdict.message and "not in the scanned input" in verdict.message


def test_an_attached_policy_not_in_the_input_does_not_hide_a_failure(tmp_path) -> None:
    extra = "      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSageMakerReadOnly]"
    verdict = _role(tmp_path, extra)
    assert verdict.status is Status.FAIL
    assert "not judged: arn:aws:iam::aws:policy/AmazonSageMakerReadOnly" in verdict.message


def test_a_role_without_policies_grants_nothing(tmp_path) -> None:
    path = tmp_path / "bare.yaml"
    bare = "Resources:\n  Bare:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n"
    path.write_text(bare, encoding="utf-8")
    verdict = _gov4(str(path))["Bare"]
    assert verdict.status is Status.PASS and "no identity policy" in verdict.message
