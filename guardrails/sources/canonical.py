"""The canonical resource kinds and the builders every source shares.

A kind's `props` is the AWS API request that creates it (CreateTrainingJob,
CreateNotebookInstance, PutBucketEncryption + PutBucketPolicy ...), so rules
read one shape whatever the input format was. Policies embedded in other
resources become resources of their own (`policy.*`) so the policy rules judge
them once, wherever they were written.
"""

from __future__ import annotations

import json
from typing import Any

from guardrails.model import ABSENT, Choice, Path, Resource, Unknown

KINDS: dict[str, str] = {
    "sagemaker.training_job": "CreateTrainingJob request",
    "sagemaker.processing_job": "CreateProcessingJob request",
    "sagemaker.tuning_job": "CreateHyperParameterTuningJob request",
    "sagemaker.transform_job": "CreateTransformJob request",
    "sagemaker.model": "CreateModel request",
    "sagemaker.endpoint_config": "CreateEndpointConfig request",
    "sagemaker.endpoint": "CreateEndpoint request",
    "sagemaker.notebook_instance": "CreateNotebookInstance request",
    "sagemaker.domain": "CreateDomain request",
    "sagemaker.monitoring_job_definition": (
        "Create{DataQuality,ModelQuality,ModelBias,ModelExplainability}JobDefinition request, "
        "output config as JobOutputConfig (monitoring schedules' inline definitions too)"
    ),
    "sagemaker.monitoring_schedule": "CreateMonitoringSchedule request referring to a job definition",
    "sagemaker.pipeline": "CreatePipeline request (its steps are resources of their own)",
    "s3.bucket": "CreateBucket + PutBucketEncryption + PutBucketPolicy (Policy) + PutPublicAccessBlock + Tags",
    "ec2.vpc_endpoint": "CreateVpcEndpoint request (PolicyDocument as an object)",
    "kms.key": "CreateKey request",
    "iam.role": "CreateRole request",
    "policy.identity": "identity policy document (IAM policy, managed policy, role inline policy)",
    "policy.bucket": "S3 bucket policy document not joined to a bucket in the same input",
    "policy.endpoint": "VPC endpoint policy document",
    "policy.scp": "service control policy document",
}

# What a reference points at, by CloudFormation type or Terraform resource type.
REF_KINDS = {
    "AWS::KMS::Key": "kms.key",
    "AWS::KMS::Alias": "kms.alias",
    "AWS::EC2::Subnet": "ec2.subnet",
    "AWS::EC2::SecurityGroup": "ec2.security_group",
    "AWS::EC2::VPC": "ec2.vpc",
    "AWS::EC2::VPCEndpoint": "ec2.vpc_endpoint",
    "AWS::S3::Bucket": "s3.bucket",
    "AWS::IAM::Role": "iam.role",
    "aws_kms_key": "kms.key",
    "aws_kms_alias": "kms.alias",
    "aws_subnet": "ec2.subnet",
    "aws_security_group": "ec2.security_group",
    "aws_vpc": "ec2.vpc",
    "aws_vpc_endpoint": "ec2.vpc_endpoint",
    "aws_s3_bucket": "s3.bucket",
    "aws_iam_role": "iam.role",
}

_MONITORING_OUTPUT = {
    "AWS::SageMaker::DataQualityJobDefinition": "DataQualityJobOutputConfig",
    "AWS::SageMaker::ModelQualityJobDefinition": "ModelQualityJobOutputConfig",
    "AWS::SageMaker::ModelBiasJobDefinition": "ModelBiasJobOutputConfig",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "ModelExplainabilityJobOutputConfig",
}
MONITORING_OUTPUT_KEYS = tuple(_MONITORING_OUTPUT.values())

_SAME_SHAPE = {
    "AWS::SageMaker::NotebookInstance": "sagemaker.notebook_instance",
    "AWS::SageMaker::Model": "sagemaker.model",
    "AWS::SageMaker::EndpointConfig": "sagemaker.endpoint_config",
    "AWS::SageMaker::Endpoint": "sagemaker.endpoint",
    "AWS::SageMaker::Domain": "sagemaker.domain",
    "AWS::SageMaker::Pipeline": "sagemaker.pipeline",
    "AWS::EC2::VPCEndpoint": "ec2.vpc_endpoint",
    "AWS::KMS::Key": "kms.key",
}


def make(
    kind: str, rid: str, props: dict[str, Any], path: str, line: int, lines: dict[Path, int], source: str = ""
) -> Resource:
    """A resource whose tags are read from its canonical `Tags` (list or map)."""
    return Resource(kind, rid, props, path, line, source, lines, tags_of(props.get("Tags")))


def tags_of(tags: Any) -> dict[str, Any]:
    """`[{Key, Value}]` (API, CloudFormation) or `{key: value}` (Terraform) -> dict."""
    if isinstance(tags, dict):
        return dict(tags)
    out: dict[str, Any] = {}
    if isinstance(tags, list):
        for tag in tags:
            if isinstance(tag, dict) and isinstance(tag.get("Key"), str):
                out[tag["Key"]] = tag.get("Value", "")
    return out


def reroot(lines: dict[Path, int], prefix: Path, new_prefix: Path = ()) -> dict[Path, int]:
    """The line map of a subtree, re-keyed under `new_prefix`."""
    n = len(prefix)
    return {(*new_prefix, *k[n:]): v for k, v in lines.items() if k[:n] == prefix}


def move(props: dict[str, Any], lines: dict[Path, int], old: str, new: str) -> None:
    """Rename a top-level property, keeping its lines."""
    if old in props:
        props[new] = props.pop(old)
        lines.update(reroot(lines, (old,), (new,)))


def as_document(value: Any) -> Any:
    """A policy document given as an object or as a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            return Unknown(f"policy document is not valid JSON: {exc.msg}")
    return value


def policy(
    kind: str, rid: str, document: Any, path: str, line: int, lines: dict[Path, int], source: str = ""
) -> Resource:
    document = as_document(document)
    props = document if isinstance(document, dict) else {"Document": document}
    return Resource(kind, rid, props, path, line, source, lines)


def from_cloudformation(
    rtype: str, lid: str, props: dict[str, Any], path: str, line: int, lines: dict[Path, int]
) -> list[Resource]:
    """One CloudFormation resource (properties already resolved) -> canonical resources."""
    kind = _SAME_SHAPE.get(rtype)
    if kind == "ec2.vpc_endpoint":
        props["PolicyDocument"] = as_document(props.get("PolicyDocument", ABSENT))
        return [make(kind, lid, props, path, line, lines)]
    if kind:
        return [make(kind, lid, props, path, line, lines)]
    if rtype in _MONITORING_OUTPUT:
        move(props, lines, _MONITORING_OUTPUT[rtype], "JobOutputConfig")
        return [make("sagemaker.monitoring_job_definition", lid, props, path, line, lines)]
    if rtype == "AWS::SageMaker::MonitoringSchedule":
        return [_monitoring_schedule(lid, props, path, line, lines)]
    if rtype == "AWS::S3::Bucket":
        return [_bucket(lid, props, path, line, lines)]
    if rtype == "AWS::S3::BucketPolicy":
        return [
            policy("policy.bucket", lid, props.get("PolicyDocument"), path, line, reroot(lines, ("PolicyDocument",)))
        ]
    if rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        return [
            policy("policy.identity", lid, props.get("PolicyDocument"), path, line, reroot(lines, ("PolicyDocument",)))
        ]
    if rtype in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
        return _principal(rtype, lid, props, path, line, lines)
    if (
        rtype == "AWS::Organizations::Policy"
        and props.get("Type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"
    ):
        return [policy("policy.scp", lid, props.get("Content"), path, line, reroot(lines, ("Content",)))]
    return []


def _monitoring_schedule(lid: str, props: dict[str, Any], path: str, line: int, lines: dict[Path, int]) -> Resource:
    config = props.get("MonitoringScheduleConfig")
    definition = config.get("MonitoringJobDefinition") if isinstance(config, dict) else None
    if not isinstance(definition, dict):
        return make("sagemaker.monitoring_schedule", lid, props, path, line, lines)
    prefix = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
    dlines = reroot(lines, prefix)
    body = dict(definition)
    move(body, dlines, "MonitoringResources", "JobResources")
    move(body, dlines, "MonitoringOutputConfig", "JobOutputConfig")
    body["Tags"] = props.get("Tags", ABSENT)
    dlines.update({k: v for k, v in lines.items() if k[:1] == ("Tags",)})
    return make("sagemaker.monitoring_job_definition", lid, body, path, line, dlines)


def _bucket(lid: str, props: dict[str, Any], path: str, line: int, lines: dict[Path, int]) -> Resource:
    """CloudFormation's BucketEncryption -> PutBucketEncryption's ServerSideEncryptionConfiguration."""
    out: dict[str, Any] = {"Bucket": props.get("BucketName", lid)}
    out_lines: dict[Path, int] = {("Bucket",): lines.get(("BucketName",), line)}
    encryption = props.get("BucketEncryption")
    if isinstance(encryption, dict):
        rules = encryption.get("ServerSideEncryptionConfiguration")
        base = ("BucketEncryption", "ServerSideEncryptionConfiguration")
        out_lines[("ServerSideEncryptionConfiguration",)] = lines.get(("BucketEncryption",), line)
        if isinstance(rules, list):
            canonical_rules = []
            for i, rule in enumerate(rules):
                if isinstance(rule, dict):
                    rule = dict(rule)
                    rule_lines = reroot(lines, (*base, i), ("ServerSideEncryptionConfiguration", "Rules", i))
                    if "ServerSideEncryptionByDefault" in rule:
                        rule["ApplyServerSideEncryptionByDefault"] = rule.pop("ServerSideEncryptionByDefault")
                        old = ("ServerSideEncryptionConfiguration", "Rules", i, "ServerSideEncryptionByDefault")
                        new = (*old[:3], "ApplyServerSideEncryptionByDefault")
                        rule_lines.update(reroot(rule_lines, old, new))
                    out_lines.update(rule_lines)
                canonical_rules.append(rule)
            out["ServerSideEncryptionConfiguration"] = {"Rules": canonical_rules}
        else:
            out["ServerSideEncryptionConfiguration"] = rules
    elif isinstance(encryption, (Unknown, Choice)):
        out["ServerSideEncryptionConfiguration"] = encryption
    for key in ("PublicAccessBlockConfiguration", "Tags", "VersioningConfiguration"):
        if key in props:
            out[key] = props[key]
            out_lines.update(reroot(lines, (key,), (key,)))
    return make("s3.bucket", lid, out, path, line, out_lines)


def _principal(
    rtype: str, lid: str, props: dict[str, Any], path: str, line: int, lines: dict[Path, int]
) -> list[Resource]:
    out = []
    if rtype == "AWS::IAM::Role":
        out.append(make("iam.role", lid, props, path, line, lines))
    policies = props.get("Policies")
    if isinstance(policies, list):
        for i, item in enumerate(policies):
            if not isinstance(item, dict):
                continue
            name = item.get("PolicyName")
            rid = f"{lid}/{name if isinstance(name, str) else i}"
            plines = reroot(lines, ("Policies", i, "PolicyDocument"))
            out.append(
                policy(
                    "policy.identity", rid, item.get("PolicyDocument"), path, lines.get(("Policies", i), line), plines
                )
            )
    return out
