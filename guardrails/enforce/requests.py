"""A boto3 request -> the canonical resources the rules judge.

boto3's parameters are the API request shape, which is the canonical shape, so
SageMaker requests go through the API-payload source unchanged. An update
sets only some fields (`partial`): it is judged on what it sets, because
leaving a field out of an update keeps the current value. S3 bucket
configuration calls each set one part of the canonical bucket; a delete sets
that part to nothing, which is judged too (deleting the deny policy breaks
ENC-5). Object uploads become `s3.object` and are judged for SSE-KMS under an
approved key, the request-side view of the ENC-5 bucket policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from guardrails.loader import Document
from guardrails.model import ABSENT, Resource
from guardrails.sources import api_payload
from guardrails.sources.canonical import make

ORIGIN = "<request>"

SAGEMAKER: dict[str, str] = {
    "CreateTrainingJob": "sagemaker.training_job",
    "CreateProcessingJob": "sagemaker.processing_job",
    "CreateHyperParameterTuningJob": "sagemaker.tuning_job",
    "CreateTransformJob": "sagemaker.transform_job",
    "CreateModel": "sagemaker.model",
    "CreateEndpointConfig": "sagemaker.endpoint_config",
    "CreateEndpoint": "sagemaker.endpoint",
    "CreateNotebookInstance": "sagemaker.notebook_instance",
    "CreateDomain": "sagemaker.domain",
    "CreateDataQualityJobDefinition": "sagemaker.monitoring_job_definition",
    "CreateModelQualityJobDefinition": "sagemaker.monitoring_job_definition",
    "CreateModelBiasJobDefinition": "sagemaker.monitoring_job_definition",
    "CreateModelExplainabilityJobDefinition": "sagemaker.monitoring_job_definition",
    "CreateMonitoringSchedule": "sagemaker.monitoring_schedule",
    "CreatePipeline": "sagemaker.pipeline",
    "UpdateTrainingJob": "sagemaker.training_job",
    "UpdateNotebookInstance": "sagemaker.notebook_instance",
    "UpdateEndpoint": "sagemaker.endpoint",
    "UpdateDomain": "sagemaker.domain",
    "UpdateMonitoringSchedule": "sagemaker.monitoring_schedule",
    "UpdatePipeline": "sagemaker.pipeline",
}
REPLACING = frozenset({"UpdateMonitoringSchedule", "UpdatePipeline"})
"""Updates that replace the whole definition: judged in full, except for tags (an update carries none)."""

OBJECT_UPLOADS = frozenset({"PutObject", "CreateMultipartUpload", "CopyObject"})


@dataclass(slots=True)
class Request:
    """One API call as the rules see it."""

    operation: str
    name: str
    resources: list[Resource]
    scope: Literal["create", "update", "replace"] = "create"
    """create: judged in full; update: only what it sets; replace: in full but without tags."""
    unassessed: list[str] = field(default_factory=list)


def judged(service: str, operation: str) -> bool:
    """Whether the enforcer looks at this call at all."""
    if service == "sagemaker":
        return operation in SAGEMAKER
    return service == "s3" and (operation in api_payload.BUCKET_PARTS or operation in OBJECT_UPLOADS)


def to_request(service: str, operation: str, params: dict[str, Any]) -> Request:
    if service == "sagemaker":
        return _sagemaker(operation, params)
    if operation in OBJECT_UPLOADS:
        return _upload(operation, params)
    return _bucket(operation, params)


def _sagemaker(operation: str, params: dict[str, Any]) -> Request:
    resources: list[Resource] = []
    errors = []
    if api_payload.detect(params):
        resources, errors = api_payload.load(Document(dict(params), {}), ORIGIN, operation)
    else:  # an update that names its resource by id (UpdateDomain's DomainId), a model without containers
        name = next((str(v) for k, v in params.items() if k.endswith(("Name", "Id")) and isinstance(v, str)), "")
        resources = [make(SAGEMAKER[operation], name or operation, dict(params), ORIGIN, 0, {}, api_payload.NAME)]
    scope: Literal["create", "update", "replace"] = (
        "replace" if operation in REPLACING else "update" if operation.startswith("Update") else "create"
    )
    name = resources[0].id if resources else operation
    return Request(f"sagemaker:{operation}", name, resources, scope, [e.reason for e in errors])


def _bucket(operation: str, params: dict[str, Any]) -> Request:
    resource = api_payload.bucket_request(operation, params, ORIGIN, {})
    return Request(f"s3:{operation}", resource.id, [resource], "update")


def _upload(operation: str, params: dict[str, Any]) -> Request:
    bucket, key = str(params.get("Bucket", "")), str(params.get("Key", ""))
    props = {
        "Bucket": bucket,
        "Key": key,
        "ServerSideEncryption": params.get("ServerSideEncryption", ABSENT),
        "SSEKMSKeyId": params.get("SSEKMSKeyId", ABSENT),
    }
    resource = Resource("s3.object", f"{bucket}/{key}", props, ORIGIN, 0, api_payload.NAME)
    return Request(f"s3:{operation}", f"s3://{bucket}/{key}", [resource])
