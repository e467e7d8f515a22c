"""SageMaker: jobs created since `--since`, models, endpoint configs, endpoints, notebook instances,
Studio domains, pipelines with their definitions, monitoring job definitions and monitoring schedules
(whose inline definitions are judged as definitions), with their tags.

A describe output is projected onto the members of the request that creates the resource (read from
botocore's model of that request), so the canonical shape is exactly the API request's, and the
rest is the payload source's normalisation: a live resource and a saved request judge alike. Tags
come from ListTags, since describe does not return them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from guardrails.collectors.base import Api, Context, Refused, Step, UnreadTags
from guardrails.loader import Document
from guardrails.model import Unknown
from guardrails.sources import api_payload

SERVICE = "sagemaker"
GLOBAL = False


@dataclass(frozen=True, slots=True)
class Kind:
    """How one kind is listed (List{noun}s), described (Describe{noun}) and created (Create{noun})."""

    noun: str
    list_key: str  # the items of a list response
    summary_name: str = ""  # in a list item: what describe takes (default {noun}Name)
    param: str = ""  # describe's parameter (default: the same name)
    arn_key: str = ""  # in the describe output (default {noun}Arn)
    recent: bool = False  # listed with CreationTimeAfter (--since)
    renames: tuple[tuple[str, str], ...] = ()  # describe output name -> request name

    @property
    def list_op(self) -> str:
        return f"List{self.noun}s"

    @property
    def describe_op(self) -> str:
        return f"Describe{self.noun}"

    @property
    def create_op(self) -> str:
        return f"Create{self.noun}"

    @property
    def name(self) -> str:
        return self.summary_name or f"{self.noun}Name"

    @property
    def arn(self) -> str:
        return self.arn_key or f"{self.noun}Arn"


_NOTEBOOK_RENAMES = (
    ("SecurityGroups", "SecurityGroupIds"),
    ("NotebookInstanceLifecycleConfigName", "LifecycleConfigName"),
)
KINDS = (
    Kind("TrainingJob", "TrainingJobSummaries", recent=True),
    Kind("ProcessingJob", "ProcessingJobSummaries", recent=True),
    Kind("HyperParameterTuningJob", "HyperParameterTuningJobSummaries", recent=True),
    Kind("TransformJob", "TransformJobSummaries", recent=True),
    Kind("Model", "Models"),
    Kind("EndpointConfig", "EndpointConfigs"),
    Kind("Endpoint", "Endpoints"),
    Kind("NotebookInstance", "NotebookInstances", renames=_NOTEBOOK_RENAMES),
    Kind("Domain", "Domains", summary_name="DomainId"),
    Kind("Pipeline", "PipelineSummaries"),
    Kind("MonitoringSchedule", "MonitoringScheduleSummaries"),
    *(
        Kind(
            f"{monitor}JobDefinition",
            "JobDefinitionSummaries",
            "MonitoringJobDefinitionName",
            "JobDefinitionName",
            "JobDefinitionArn",
        )
        for monitor in ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")
    ),
)
CALLS = {
    **{op: f"sagemaker:{op}" for kind in KINDS for op in (kind.list_op, kind.describe_op)},
    "ListTags": "sagemaker:ListTags",
}


def start(ctx: Context) -> Iterator[Step]:
    for kind in KINDS:
        yield Step(SERVICE, ctx.region, partial(_list, ctx, kind))


def _list(ctx: Context, kind: Kind) -> Iterator[Step]:
    params = {"CreationTimeAfter": ctx.since} if kind.recent and ctx.since else {}
    for summary in ctx.api(SERVICE, CALLS).items(kind.list_op, kind.list_key, **params):
        yield Step(SERVICE, ctx.region, partial(_describe, ctx, kind, summary[kind.name]))


def _describe(ctx: Context, kind: Kind, name: str) -> Iterator[Any]:
    api = ctx.api(SERVICE, CALLS)
    params = {kind.param or kind.name: name}
    described = api.call(kind.describe_op, absent=("ResourceNotFound",), subject=name, **params)
    if described is None:
        return  # deleted since it was listed
    arn = described[kind.arn]
    for old, new in kind.renames:
        if old in described:
            described[new] = described.pop(old)
    props = {key: described[key] for key in _request_members(api, kind.create_op) if key in described}
    tags: Any
    try:
        tags = list(api.items("ListTags", "Tags", subject=arn, ResourceArn=arn))
    except Refused as exc:
        yield exc
        tags = exc.unread("Tags")
    props["Tags"] = tags
    resources, errors = api_payload.load(Document(props, {}), arn, name)
    yield from errors
    for resource in resources:
        resource.id = ctx.rid(resource.id)
        if isinstance(resource.props.get("Tags"), Unknown):  # the resource itself, not a pipeline's steps
            resource.tags = UnreadTags(tags)
        yield ctx.found(resource)


def _request_members(api: Api, operation: str) -> tuple[str, ...]:
    """The top-level members of a create request, from botocore's service model."""
    return tuple(api.model.operation_model(operation).input_shape.members)
