"""Where a canonical field lives in the document a source read it from (API payloads, CloudFormation).

Sources rename a few things on the way in (CloudFormation's `BucketEncryption`,
a monitoring job's `DataQualityJobOutputConfig`, a schedule's inline
definition); this is the way back. A field whose value (or a parent) is an
intrinsic function is not edited: the value is decided where the parameter
or expression is, and overwriting it would break the template's logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guardrails.fixes.plan import Change, Declared
from guardrails.model import Path, Resource, dotted
from guardrails.sources import api_payload
from guardrails.sources.canonical import MONITORING_OUTPUT_KEYS


class Unfixable(ValueError):
    """A change that cannot be written mechanically; the message says why."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Set `path` (in the document) to `value`; with `tag`, set that tag in the tag list at `path`."""

    path: Path
    value: Any
    tag: str | None = None


_STEP = "a pipeline step: change the step's arguments in the pipeline definition (or the code that builds it)"
_SCHEDULE = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
_SCHEDULE_NAMES = {"JobResources": "MonitoringResources", "JobOutputConfig": "MonitoringOutputConfig"}
_BUCKET_RULE = {"ApplyServerSideEncryptionByDefault": "ServerSideEncryptionByDefault"}


def edit_for(resource: Resource, change: Change, data: Any) -> Edit:
    """The document edit for `change` on `resource`, read from the document `data`; Unfixable if none."""
    if resource.source == "api":
        prefix, path = _api(resource, change.path, data)
    elif resource.source == "cloudformation":
        prefix, path = _cloudformation(resource, change.path, data)
    else:
        raise Unfixable(f"{resource.source} inputs are not edited by fix")
    value = change.value
    if isinstance(value, Declared):
        value = {"Fn::GetAtt": [value.id, "Arn"]}
    if path[:1] == ("Tags",) and len(path) == 2:
        edit = Edit((*prefix, "Tags"), value, tag=str(path[1]))
    else:
        edit = Edit((*prefix, *path), value)
    _check_literal(data, edit)
    return edit


def _api(resource: Resource, path: Path, data: Any) -> tuple[Path, Path]:
    found = api_payload.operation(data)
    if found is None:
        raise Unfixable("not a request payload")
    if found[1] == "sagemaker.monitoring_schedule" and resource.kind == "sagemaker.monitoring_job_definition":
        return _schedule(path)
    if found[1] != resource.kind:
        raise Unfixable(_STEP)
    head = path[0] if path else None
    if head == "SecurityGroupIds" and "SecurityGroups" in data and "SecurityGroupIds" not in data:
        return (), ("SecurityGroups", *path[1:])
    if head == "JobOutputConfig":
        return (), (_output_key(data), *path[1:])
    return (), path


def _cloudformation(resource: Resource, path: Path, data: Any) -> tuple[Path, Path]:
    resources = data.get("Resources", {}) if isinstance(data, dict) else {}
    node = resources.get(resource.id)
    if not isinstance(node, dict):
        owner = resources.get(resource.id.split("/", 1)[0])
        if isinstance(owner, dict) and owner.get("Type") == "AWS::SageMaker::Pipeline":
            raise Unfixable(_STEP)
        raise Unfixable(f"a resource derived from {resource.id}: change it where it is declared")
    prefix: Path = ("Resources", resource.id, "Properties")
    rtype = str(node.get("Type", ""))
    if rtype == "AWS::SageMaker::MonitoringSchedule":
        inner, path = _schedule(path)
        return prefix + inner, path
    if rtype == "AWS::S3::Bucket":
        return prefix, _bucket(path)
    if rtype.endswith("JobDefinition") and path[:1] == ("JobOutputConfig",):
        return prefix, (rtype.split("::")[-1].replace("JobDefinition", "JobOutputConfig"), *path[1:])
    if rtype == "AWS::SageMaker::Pipeline" and resource.kind != "sagemaker.pipeline":
        raise Unfixable(_STEP)
    return prefix, path


def _schedule(path: Path) -> tuple[Path, Path]:
    if path[:1] == ("Tags",):
        return (), path
    return _SCHEDULE, (_SCHEDULE_NAMES.get(str(path[0]), path[0]), *path[1:])


def _bucket(path: Path) -> Path:
    if path[:2] == ("ServerSideEncryptionConfiguration", "Rules"):
        rest = tuple(_BUCKET_RULE.get(p, p) if isinstance(p, str) else p for p in path[3:])
        return ("BucketEncryption", "ServerSideEncryptionConfiguration", path[2], *rest)
    if path == ("Bucket",):
        return ("BucketName",)
    return path


def _output_key(data: dict[str, Any]) -> str:
    present = [key for key in MONITORING_OUTPUT_KEYS if key in data]
    if len(present) != 1:
        raise Unfixable("the monitoring job's output configuration key cannot be told from the request")
    return present[0]


def _check_literal(data: Any, edit: Edit) -> None:
    """Refuse to write through an intrinsic function, or into something that is not a mapping or list."""
    node = data
    for step in edit.path:
        _refuse_intrinsic(node, edit.path)
        if isinstance(node, dict) and isinstance(step, str):
            if step not in node:
                return
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int):
            if step >= len(node):
                return
            node = node[step]
        else:
            raise Unfixable(f"{dotted(edit.path)}: the document has no mapping or list where the change goes")
    _refuse_intrinsic(node, edit.path)
    if edit.tag is not None and isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("Key") == edit.tag:
                _refuse_intrinsic(item.get("Value"), edit.path)


def _refuse_intrinsic(node: Any, path: Path) -> None:
    if isinstance(node, dict) and len(node) == 1:
        (name,) = node
        if name == "Ref" or str(name).startswith("Fn::"):
            raise Unfixable(f"{dotted(path)} is set by {name}: change it where that value is decided")

