"""SageMaker API request payloads (`--cli-input-json`), saved `describe_*` outputs, and S3 bucket requests.

The payload already is the canonical shape; the operation is recognised from
the name field only that request carries. Describe outputs differ in a few
names (a notebook's `SecurityGroups`), which are mapped back. An S3 bucket
configuration request (`aws s3api put-bucket-encryption --cli-input-json`, as
`guardrails policy generate` writes one) sets one part of the canonical bucket
and is judged as that update: on the part it sets, not on the parts it leaves.
"""

from __future__ import annotations

import json
from typing import Any

from guardrails.loader import Document
from guardrails.model import ABSENT, Resource, SourceError
from guardrails.sources.canonical import MONITORING_OUTPUT_KEYS, as_document, make, move, reroot
from guardrails.sources.pipeline import pipeline_resources

NAME = "api"

# (name field, kind), most specific first: a tuning request also holds a TrainingJobDefinition.
_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("HyperParameterTuningJobName", "sagemaker.tuning_job"),
    ("TrainingJobName", "sagemaker.training_job"),
    ("ProcessingJobName", "sagemaker.processing_job"),
    ("TransformJobName", "sagemaker.transform_job"),
    ("NotebookInstanceName", "sagemaker.notebook_instance"),
    ("MonitoringScheduleName", "sagemaker.monitoring_schedule"),
    ("JobDefinitionName", "sagemaker.monitoring_job_definition"),
    ("DomainName", "sagemaker.domain"),
    ("PipelineName", "sagemaker.pipeline"),
)


def operation(data: Any) -> tuple[str, str] | None:
    """`(name field, kind)` of a request payload, or None when it is not one."""
    if not isinstance(data, dict):
        return None
    for field, kind in _OPERATIONS:
        if field in data:
            return field, kind
    if "EndpointConfigName" in data:
        if "ProductionVariants" in data:
            return "EndpointConfigName", "sagemaker.endpoint_config"
        if "EndpointName" in data:
            return "EndpointName", "sagemaker.endpoint"
    if "ModelName" in data and ({"PrimaryContainer", "Containers", "ExecutionRoleArn"} & data.keys()):
        return "ModelName", "sagemaker.model"
    return None


BUCKET_PARTS: dict[str, tuple[str, str | None]] = {
    # S3 operation -> (canonical part of the bucket it sets, request parameter holding it; None: it deletes the part)
    "CreateBucket": ("", None),
    "PutBucketEncryption": ("ServerSideEncryptionConfiguration", "ServerSideEncryptionConfiguration"),
    "DeleteBucketEncryption": ("ServerSideEncryptionConfiguration", None),
    "PutBucketPolicy": ("Policy", "Policy"),
    "DeleteBucketPolicy": ("Policy", None),
    "PutPublicAccessBlock": ("PublicAccessBlockConfiguration", "PublicAccessBlockConfiguration"),
    "PutBucketTagging": ("Tags", "Tagging"),
}
_BUCKET_REQUESTS = {parameter: op for op, (_, parameter) in BUCKET_PARTS.items() if parameter}
"""A saved S3 request names its operation by the one part it carries."""


def bucket_operation(data: Any) -> str | None:
    """The S3 bucket configuration request a payload is (`PutBucketEncryption` ...), or None."""
    if not isinstance(data, dict) or not isinstance(data.get("Bucket"), str):
        return None
    found = [op for parameter, op in _BUCKET_REQUESTS.items() if parameter in data]
    return found[0] if len(found) == 1 else None


def bucket_request(operation: str, params: dict[str, Any], path: str, lines: dict) -> Resource:
    """The canonical bucket with only the part `operation` sets (or deletes), as an update."""
    bucket = str(params.get("Bucket", ""))
    part, parameter = BUCKET_PARTS[operation]
    props: dict[str, Any] = {"Bucket": bucket}
    out_lines = {k: v for k, v in lines.items() if k[:1] == ("Bucket",)}
    if part:
        value = ABSENT if parameter is None else params.get(parameter, ABSENT)
        if part == "Policy" and value is not ABSENT:
            value = as_document(value)
        within: tuple[str, ...] = (parameter,) if parameter else ()
        if part == "Tags" and isinstance(value, dict):
            value, within = value.get("TagSet", ABSENT), (*within, "TagSet")
        props[part] = value
        out_lines |= reroot(lines, within, (part,)) if within else {}
    resource = make("s3.bucket", bucket, props, path, lines.get(("Bucket",), lines.get((), 0)), out_lines, NAME)
    resource.scope = "update"
    return resource


def detect(data: Any) -> bool:
    return operation(data) is not None or bucket_operation(data) is not None


def load(doc: Document, path: str, stem: str) -> tuple[list[Resource], list[SourceError]]:
    s3_operation = bucket_operation(doc.data)
    if s3_operation is not None:
        return [bucket_request(s3_operation, doc.data, path, doc.lines)], []
    found = operation(doc.data)
    if found is None:
        return [], [SourceError(path, "not a recognised SageMaker request payload")]
    field, kind = found
    props = dict(doc.data)
    lines = dict(doc.lines)
    name = props.get(field)
    rid = name if isinstance(name, str) and name else stem
    line = lines.get((field,), lines.get((), 1))
    if kind == "sagemaker.notebook_instance" and "SecurityGroupIds" not in props:
        move(props, lines, "SecurityGroups", "SecurityGroupIds")
    if kind == "sagemaker.monitoring_job_definition":
        for key in MONITORING_OUTPUT_KEYS:
            move(props, lines, key, "JobOutputConfig")
    if kind == "sagemaker.monitoring_schedule":
        return [_schedule(props, lines, path, rid, line)], []
    out = [make(kind, rid, props, path, line, lines, NAME)]
    if kind == "sagemaker.pipeline":
        steps, errors = _pipeline_steps(props, path, rid, line)
        return out + steps, errors
    return out, []


def _schedule(props: dict[str, Any], lines: dict, path: str, rid: str, line: int) -> Resource:
    config = props.get("MonitoringScheduleConfig")
    definition = config.get("MonitoringJobDefinition") if isinstance(config, dict) else None
    if not isinstance(definition, dict):
        return make("sagemaker.monitoring_schedule", rid, props, path, line, lines, NAME)
    body = dict(definition)
    body_lines = reroot(lines, ("MonitoringScheduleConfig", "MonitoringJobDefinition"))
    move(body, body_lines, "MonitoringResources", "JobResources")
    move(body, body_lines, "MonitoringOutputConfig", "JobOutputConfig")
    if "Tags" in props:
        body["Tags"] = props["Tags"]
        body_lines.update(reroot(lines, ("Tags",), ("Tags",)))
    return make("sagemaker.monitoring_job_definition", rid, body, path, line, body_lines, NAME)


def _pipeline_steps(props: dict[str, Any], path: str, rid: str, line: int) -> tuple[list[Resource], list[SourceError]]:
    body = props.get("PipelineDefinition")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except json.JSONDecodeError as exc:
            return [], [SourceError(path, f"PipelineDefinition is not JSON: {exc.msg}", line)]
    if not isinstance(body, dict):
        return [], [SourceError(path, "pipeline steps not assessed: no inline PipelineDefinition", line)]
    return pipeline_resources(body, path, rid, {(): line}), []
