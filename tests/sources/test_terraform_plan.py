"""Terraform plans (`terraform show -json`) -> canonical resources."""

from __future__ import annotations

import copy
import json
import os

import pytest

from guardrails.loader import Document, load_text
from guardrails.model import Ref, Resource, SourceError, Unknown
from guardrails.sources import terraform_plan

PLAN = os.path.join(os.path.dirname(__file__), "terraform", "plan.json")
KEY_ARN = "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/aws_kms_key.main"

with open(PLAN, encoding="utf-8") as _handle:
    TEXT = _handle.read()


def _line(fragment: str, after: str = "") -> int:
    """The 1-based line of the plan file where `fragment` first appears (after `after`)."""
    start = TEXT.index(after) if after else 0
    return TEXT.count("\n", 0, TEXT.index(fragment, start)) + 1


def _load(data: dict | None = None) -> tuple[dict[str, Resource], list[SourceError]]:
    doc = load_text(TEXT if data is None else json.dumps(data, indent=2))
    resources, errors = terraform_plan.load(doc, "plan.json")
    return {r.id: r for r in resources}, errors


@pytest.fixture(scope="module")
def plan() -> dict[str, Resource]:
    resources, errors = _load()
    assert errors == []
    return resources


def test_detect() -> None:
    assert terraform_plan.detect(json.loads(TEXT))
    assert terraform_plan.detect({"format_version": "1.0", "terraform_version": "1.7.5", "values": {}})
    assert not terraform_plan.detect({"format_version": "1.0"})
    assert not terraform_plan.detect({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})
    assert not terraform_plan.detect(["format_version"])


def test_managed_resources_of_the_root_and_child_modules(plan: dict[str, Resource]) -> None:
    assert {rid: r.kind for rid, r in plan.items()} == {
        "aws_kms_key.main": "kms.key",
        "aws_sagemaker_notebook_instance.nb": "sagemaker.notebook_instance",
        "aws_s3_bucket.data": "s3.bucket",
        "aws_s3_bucket.logs[0]": "s3.bucket",
        "aws_s3_bucket.logs[1]": "s3.bucket",
        "aws_vpc_endpoint.s3": "ec2.vpc_endpoint",
        "aws_iam_role.exec": "iam.role",
        "aws_sagemaker_pipeline.p": "sagemaker.pipeline",
        "aws_sagemaker_pipeline.p/Process": "sagemaker.processing_job",
        "aws_organizations_policy.scp": "policy.scp",
        "module.ml.aws_kms_key.ml": "kms.key",
        "module.ml.aws_sagemaker_notebook_instance.nb": "sagemaker.notebook_instance",
    }
    assert {r.source for r in plan.values()} == {"terraform-plan"}
    assert {r.path for r in plan.values()} == {"plan.json"}


def test_notebook_instance_with_values_known_after_apply(plan: dict[str, Resource]) -> None:
    nb = plan["aws_sagemaker_notebook_instance.nb"]
    assert nb.props == {
        "NotebookInstanceName": "ml-prod-nb",
        "InstanceType": "ml.t3.medium",
        "RoleArn": "arn:aws:iam::111122223333:role/nb",
        "KmsKeyId": KEY_ARN,
        "SubnetId": "subnet-1",
        "SecurityGroupIds": ["sg-1"],
        "DirectInternetAccess": "Enabled",
        "RootAccess": "Enabled",
        "VolumeSizeInGB": 5,
        "Tags": {"Owner": "platform", "Zone": "prod"},
    }
    key = nb.props["KmsKeyId"]
    assert isinstance(key, Ref) and (key.target_type, key.target) == ("kms.key", "aws_kms_key.main")
    assert nb.tags == {"Owner": "platform", "Zone": "prod"}
    assert nb.line == _line('"address": "aws_sagemaker_notebook_instance.nb"') - 1
    assert nb.lines[("NotebookInstanceName",)] == _line('"name": "ml-prod-nb"')
    assert nb.lines[("SecurityGroupIds", 0)] == _line('"sg-1"')


def test_child_module_address_and_its_references(plan: dict[str, Resource]) -> None:
    nb = plan["module.ml.aws_sagemaker_notebook_instance.nb"]
    key = nb.props["KmsKeyId"]
    assert key == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/module.ml.aws_kms_key.ml"
    assert (key.target_type, key.target) == ("kms.key", "module.ml.aws_kms_key.ml")
    assert nb.props["SubnetId"] == Unknown("known only after apply")
    assert nb.props["DirectInternetAccess"] == "Disabled"
    assert nb.tags == {"Owner": "platform", "Zone": "dev"}


def test_attributes_computed_by_the_provider_and_not_set_stay_absent(plan: dict[str, Resource]) -> None:
    assert plan["aws_vpc_endpoint.s3"].props == {
        "ServiceName": "com.amazonaws.eu-west-1.s3",
        "VpcEndpointType": "Gateway",
        "VpcId": "vpc-1",
        "PrivateDnsEnabled": False,
        "Tags": {"Owner": "platform"},
    }
    role = plan["aws_iam_role.exec"]
    assert "Policies" not in role.props and "ManagedPolicyArns" not in role.props
    assert role.props["PolicySet"]["Policies"] == []  # nor are they in the role's policy set
    assert role.props["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }


def test_split_bucket_resources_joined_by_configuration_references(plan: dict[str, Resource]) -> None:
    bucket = plan["aws_s3_bucket.data"]
    assert bucket.props["Bucket"] == "ml-prod-data"
    assert bucket.props["Policy"]["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert bucket.props["ServerSideEncryptionConfiguration"] == {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN},
                "BucketKeyEnabled": True,
            }
        ],
    }
    key = bucket.props["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert key["KMSMasterKeyID"].target == "aws_kms_key.main"
    assert bucket.lines[("Policy",)] == _line('"policy": "{')
    assert not [rid for rid in plan if rid.startswith(("aws_s3_bucket_policy", "aws_s3_bucket_server_side"))]


def test_split_resource_of_one_instance_joins_that_instance(plan: dict[str, Resource]) -> None:
    assert "PublicAccessBlockConfiguration" not in plan["aws_s3_bucket.logs[0]"].props
    assert plan["aws_s3_bucket.logs[1]"].props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }


def test_without_configuration_joins_fall_back_to_bucket_names() -> None:
    data = json.loads(TEXT)
    del data["configuration"]
    resources, errors = _load(data)
    assert errors == []
    # The policy's bucket is known only after apply, so it cannot be joined: it is judged on its own.
    assert resources["aws_s3_bucket_policy.data"].kind == "policy.bucket"
    assert resources["aws_s3_bucket_policy.data"].props["Statement"][0]["Sid"] == "DenyInsecureTransport"
    assert "aws_s3_bucket_server_side_encryption_configuration.data" not in resources
    assert resources["aws_s3_bucket.logs[1]"].props["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    after_apply = Unknown("known only after apply")
    assert resources["aws_sagemaker_notebook_instance.nb"].props["KmsKeyId"] == after_apply
    # Without the configuration, what the provider computes cannot be told from what is set.
    assert resources["aws_s3_bucket.data"].props["Policy"] == after_apply
    assert resources["aws_s3_bucket.data"].props["ServerSideEncryptionConfiguration"] == after_apply
    assert resources["aws_vpc_endpoint.s3"].props["PolicyDocument"] == after_apply


def test_pipeline_steps_from_the_definition_string(plan: dict[str, Resource]) -> None:
    step = plan["aws_sagemaker_pipeline.p/Process"]
    assert step.props == {
        "ProcessingResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
        },
        "RoleArn": "arn:aws:iam::111122223333:role/p",
    }
    assert (step.source, step.line) == ("terraform-plan", _line('"pipeline_definition": "'))


def test_service_control_policy(plan: dict[str, Resource]) -> None:
    scp = plan["aws_organizations_policy.scp"]
    assert scp.props == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
    }


def test_values_unknown_inside_lists_and_blocks() -> None:
    data = json.loads(TEXT)
    change = next(c for c in data["resource_changes"] if c["address"] == "aws_sagemaker_notebook_instance.nb")
    change["change"]["after_unknown"]["security_groups"] = [False, True]
    change["change"]["after_unknown"]["tags"] = {"Cost": True}
    resources, _ = _load(data)
    props = resources["aws_sagemaker_notebook_instance.nb"].props
    assert props["SecurityGroupIds"] == ["sg-1", Unknown("known only after apply")]
    assert props["Tags"] == {"Owner": "platform", "Zone": "prod"}  # tags_all wins; its own after_unknown is empty


def test_a_policy_the_provider_reports_as_blank_is_no_policy() -> None:
    data = json.loads(TEXT)
    bucket = next(
        r for r in data["planned_values"]["root_module"]["resources"] if r["address"] == "aws_s3_bucket.logs[0]"
    )
    bucket["values"]["policy"] = ""
    resources, errors = _load(data)
    assert errors == []
    assert resources["aws_s3_bucket.logs[0]"].props == {"Bucket": "ml-logs-0", "Tags": {"Owner": "platform"}}


def test_a_state_reads_like_a_plan() -> None:
    data = json.loads(TEXT)
    state = {"format_version": "1.0", "terraform_version": "1.7.5", "values": copy.deepcopy(data["planned_values"])}
    resources, errors = _load(state)
    assert errors == []
    assert resources["aws_s3_bucket.data"].props["Bucket"] == "ml-prod-data"
    assert "KmsKeyId" not in resources["aws_sagemaker_notebook_instance.nb"].props


def test_plan_without_planned_values_is_an_error() -> None:
    doc = Document({"format_version": "1.2", "terraform_version": "1.7.5"}, {(): 1})
    assert terraform_plan.load(doc, "empty.json") == (
        [],
        [SourceError("empty.json", "plan has no values.root_module", 1)],
    )
