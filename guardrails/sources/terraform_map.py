"""Terraform resources (attributes in plan-JSON form) -> canonical resources.

Both Terraform sources meet here: `terraform_hcl` evaluates `.tf` blocks and
`terraform_plan` reads planned values into the same form (snake_case
attributes, nested blocks as lists of objects), and this module renames them
into the API request shape the CloudFormation source produces, so a rule never
knows which tool wrote the infrastructure. Tags stay a map.

Split resources (a bucket's policy, encryption and public access block, a VPC
endpoint's policy) are joined to the resource they configure when it is in the
same input, so a rule sees one bucket as AWS will hold it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from guardrails.model import ABSENT, Choice, Partial, Path, Ref, Resource, SourceError, Unknown
from guardrails.sources import role_policies
from guardrails.sources.canonical import as_document, make, policy, reroot
from guardrails.sources.pipeline import pipeline_resources


@dataclass(slots=True)
class Block:
    """One Terraform resource as a source read it.

    `lines` is keyed by attribute path (`("vpc_config", 0, "subnets")`);
    `refs` maps an attribute to the address of the resource of the same input
    it refers to, which is how split resources find their target.
    """

    type: str
    address: str
    attrs: dict[str, Any]
    path: str
    line: int
    lines: dict[Path, int] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Nested:
    """A nested block (a list of objects in plan JSON): one object, or a list when `many`."""

    name: str
    spec: dict[str, Any]
    many: bool = False


@dataclass(frozen=True, slots=True)
class _Document:
    """A policy attribute (a JSON string, or the object `jsonencode` was given)."""

    name: str


@dataclass(frozen=True, slots=True)
class _Join:
    """A split resource whose `key` names the `target` it configures (its `prop`).

    Without `spec` the split resource holds a policy document; `alone` is the
    kind it becomes when its target is not in the input (None: it is dropped,
    as it says nothing without its bucket).
    """

    key: str
    target: str
    prop: str
    spec: dict[str, Any] | None = None
    alone: str | None = None
    name_prop: str | None = None


_VPC = {"subnets": "Subnets", "security_group_ids": "SecurityGroupIds"}
_CONTAINER = {"image": "Image", "model_data_url": "ModelDataUrl", "mode": "Mode", "environment": "Environment"}
_SSE_RULE = {
    "apply_server_side_encryption_by_default": _Nested(
        "ApplyServerSideEncryptionByDefault", {"sse_algorithm": "SSEAlgorithm", "kms_master_key_id": "KMSMasterKeyID"}
    ),
    "bucket_key_enabled": "BucketKeyEnabled",
}
_SSE = {"rule": _Nested("Rules", _SSE_RULE, many=True)}
_PUBLIC_ACCESS_BLOCK = {
    "block_public_acls": "BlockPublicAcls",
    "block_public_policy": "BlockPublicPolicy",
    "ignore_public_acls": "IgnorePublicAcls",
    "restrict_public_buckets": "RestrictPublicBuckets",
}

# Terraform type -> (kind, attribute -> canonical name or nested spec).
_RESOURCES: dict[str, tuple[str, dict[str, Any]]] = {
    "aws_sagemaker_notebook_instance": (
        "sagemaker.notebook_instance",
        {
            "name": "NotebookInstanceName",
            "instance_type": "InstanceType",
            "role_arn": "RoleArn",
            "kms_key_id": "KmsKeyId",
            "subnet_id": "SubnetId",
            "security_groups": "SecurityGroupIds",
            "direct_internet_access": "DirectInternetAccess",
            "root_access": "RootAccess",
            "volume_size": "VolumeSizeInGB",
            "lifecycle_config_name": "LifecycleConfigName",
        },
    ),
    "aws_sagemaker_model": (
        "sagemaker.model",
        {
            "name": "ModelName",
            "execution_role_arn": "ExecutionRoleArn",
            "enable_network_isolation": "EnableNetworkIsolation",
            "vpc_config": _Nested("VpcConfig", _VPC),
            "primary_container": _Nested("PrimaryContainer", _CONTAINER),
            "container": _Nested("Containers", _CONTAINER, many=True),
        },
    ),
    "aws_sagemaker_endpoint_configuration": (
        "sagemaker.endpoint_config",
        {
            "name": "EndpointConfigName",
            "kms_key_arn": "KmsKeyId",
            "production_variants": _Nested(
                "ProductionVariants",
                {
                    "variant_name": "VariantName",
                    "model_name": "ModelName",
                    "initial_instance_count": "InitialInstanceCount",
                    "instance_type": "InstanceType",
                    "initial_variant_weight": "InitialVariantWeight",
                },
                many=True,
            ),
            "data_capture_config": _Nested(
                "DataCaptureConfig",
                {
                    "enable_capture": "EnableCapture",
                    "kms_key_id": "KmsKeyId",
                    "initial_sampling_percentage": "InitialSamplingPercentage",
                    "destination_s3_uri": "DestinationS3Uri",
                    "capture_options": _Nested("CaptureOptions", {"capture_mode": "CaptureMode"}, many=True),
                },
            ),
        },
    ),
    "aws_sagemaker_endpoint": (
        "sagemaker.endpoint",
        {
            "name": "EndpointName",
            "endpoint_config_name": "EndpointConfigName",
        },
    ),
    "aws_sagemaker_domain": (
        "sagemaker.domain",
        {
            "domain_name": "DomainName",
            "auth_mode": "AuthMode",
            "kms_key_id": "KmsKeyId",
            "subnet_ids": "SubnetIds",
            "vpc_id": "VpcId",
            "app_network_access_type": "AppNetworkAccessType",
            "default_user_settings": _Nested(
                "DefaultUserSettings",
                {
                    "execution_role": "ExecutionRole",
                    "security_groups": "SecurityGroups",
                },
            ),
        },
    ),
    # The AWS provider has no model quality/bias/explainability job definitions.
    "aws_sagemaker_data_quality_job_definition": (
        "sagemaker.monitoring_job_definition",
        {
            "name": "JobDefinitionName",
            "role_arn": "RoleArn",
            "job_resources": _Nested(
                "JobResources",
                {
                    "cluster_config": _Nested(
                        "ClusterConfig",
                        {
                            "instance_count": "InstanceCount",
                            "instance_type": "InstanceType",
                            "volume_size_in_gb": "VolumeSizeInGB",
                            "volume_kms_key_id": "VolumeKmsKeyId",
                        },
                    ),
                },
            ),
            "data_quality_job_output_config": _Nested(
                "JobOutputConfig",
                {
                    "kms_key_id": "KmsKeyId",
                    "monitoring_outputs": _Nested(
                        "MonitoringOutputs",
                        {
                            "s3_output": _Nested(
                                "S3Output",
                                {
                                    "s3_uri": "S3Uri",
                                    "local_path": "LocalPath",
                                    "s3_upload_mode": "S3UploadMode",
                                },
                            ),
                        },
                        many=True,
                    ),
                },
            ),
            "network_config": _Nested(
                "NetworkConfig",
                {
                    "enable_inter_container_traffic_encryption": "EnableInterContainerTrafficEncryption",
                    "enable_network_isolation": "EnableNetworkIsolation",
                    "vpc_config": _Nested("VpcConfig", _VPC),
                },
            ),
        },
    ),
    "aws_sagemaker_monitoring_schedule": (
        "sagemaker.monitoring_schedule",
        {
            "name": "MonitoringScheduleName",
            "monitoring_schedule_config": _Nested(
                "MonitoringScheduleConfig",
                {
                    "monitoring_job_definition_name": "MonitoringJobDefinitionName",
                    "monitoring_type": "MonitoringType",
                    "schedule_config": _Nested("ScheduleConfig", {"schedule_expression": "ScheduleExpression"}),
                },
            ),
        },
    ),
    "aws_sagemaker_pipeline": (
        "sagemaker.pipeline",
        {
            "pipeline_name": "PipelineName",
            "pipeline_display_name": "PipelineDisplayName",
            "role_arn": "RoleArn",
        },
    ),
    "aws_s3_bucket": (
        "s3.bucket",
        {
            "bucket": "Bucket",
            "server_side_encryption_configuration": _Nested("ServerSideEncryptionConfiguration", _SSE),
            "policy": _Document("Policy"),
        },
    ),
    "aws_vpc_endpoint": (
        "ec2.vpc_endpoint",
        {
            "service_name": "ServiceName",
            "vpc_endpoint_type": "VpcEndpointType",
            "private_dns_enabled": "PrivateDnsEnabled",
            "policy": _Document("PolicyDocument"),
            "vpc_id": "VpcId",
            "subnet_ids": "SubnetIds",
            "security_group_ids": "SecurityGroupIds",
            "route_table_ids": "RouteTableIds",
        },
    ),
    "aws_kms_key": (
        "kms.key",
        {
            "description": "Description",
            "key_usage": "KeyUsage",
            "enable_key_rotation": "EnableKeyRotation",
            "policy": _Document("KeyPolicy"),
        },
    ),
    "aws_iam_role": (
        "iam.role",
        {
            "name": "RoleName",
            "path": "Path",
            "assume_role_policy": _Document("AssumeRolePolicyDocument"),
            "permissions_boundary": "PermissionsBoundary",
            "managed_policy_arns": "ManagedPolicyArns",
            "max_session_duration": "MaxSessionDuration",
        },
    ),
}

# AWS's value when the attribute is left out: an endpoint without a type is a Gateway endpoint.
_DEFAULTS = {"aws_vpc_endpoint": {"VpcEndpointType": "Gateway"}}

# Terraform type -> (kind, attribute holding the policy document).
_DOCUMENTS = {
    "aws_iam_policy": ("policy.identity", "policy"),
    "aws_iam_role_policy": ("policy.identity", "policy"),
    "aws_iam_user_policy": ("policy.identity", "policy"),
    "aws_iam_group_policy": ("policy.identity", "policy"),
    "aws_organizations_policy": ("policy.scp", "content"),
}

_JOINS = {
    "aws_s3_bucket_server_side_encryption_configuration": _Join(
        "bucket", "aws_s3_bucket", "ServerSideEncryptionConfiguration", _SSE, name_prop="Bucket"
    ),
    "aws_s3_bucket_public_access_block": _Join(
        "bucket", "aws_s3_bucket", "PublicAccessBlockConfiguration", _PUBLIC_ACCESS_BLOCK, name_prop="Bucket"
    ),
    "aws_s3_bucket_policy": _Join("bucket", "aws_s3_bucket", "Policy", alone="policy.bucket", name_prop="Bucket"),
    "aws_vpc_endpoint_policy": _Join("vpc_endpoint_id", "aws_vpc_endpoint", "PolicyDocument", alone="policy.endpoint"),
}

# Attachments of managed policies to roles: type -> (the attribute naming the role(s), the policy's).
_ATTACHMENTS = {
    "aws_iam_role_policy_attachment": ("role", "policy_arn"),
    "aws_iam_policy_attachment": ("roles", "policy_arn"),
}

TYPES = frozenset(_RESOURCES) | frozenset(_DOCUMENTS) | frozenset(_JOINS) | frozenset(_ATTACHMENTS)
"""The resource types a source needs to read; the others map to nothing."""

_INDEX = re.compile(r"\[[^\]]*\]")

# How AWS spells a resource attribute that policies and rules compare, as the
# CloudFormation source spells the same Ref/GetAtt: `{name}` is the resource's
# literal name (NAME_ATTRIBUTE), else its address, as it is for the bucket's `Bucket`.
_REF_FORMS = {
    ("aws_s3_bucket", "id"): "{name}",
    ("aws_s3_bucket", "bucket"): "{name}",
    ("aws_s3_bucket", "arn"): "arn:aws:s3:::{name}",
    ("aws_kms_key", "id"): "{address}",
    ("aws_kms_key", "key_id"): "{address}",
    ("aws_kms_key", "arn"): "arn:aws:kms:${{AWS::Region}}:${{AWS::AccountId}}:key/{address}",
    ("aws_kms_alias", "id"): "{name}",
    ("aws_kms_alias", "name"): "{name}",
    ("aws_iam_role", "id"): "{name}",
    ("aws_iam_role", "name"): "{name}",
    ("aws_iam_role", "arn"): "arn:aws:iam::${{AWS::AccountId}}:role/{name}",
    ("aws_vpc_endpoint", "id"): "{address}",
}
NAME_ATTRIBUTE = {"aws_s3_bucket": "bucket", "aws_iam_role": "name", "aws_kms_alias": "name"}
"""The attribute holding the name AWS knows a resource by, for the types `ref_text` spells with it."""


def base_address(address: str) -> str:
    """`module.m["a"].aws_s3_bucket.b[0]` -> `module.m.aws_s3_bucket.b`: the address in the configuration."""
    return _INDEX.sub("", address)


def ref_text(rtype: str, address: str, attr: str, name: Any) -> str | None:
    """The value `address.attr` will have, spelled with deploy-time parts as `${AWS::...}`; None if not known."""
    form = _REF_FORMS.get((rtype, attr))
    if form is None:
        return None
    literal = isinstance(name, str) and not isinstance(name, Ref)
    return form.format(address=address, name=name if literal else address)


def build(blocks: list[Block], source: str) -> tuple[list[Resource], list[SourceError]]:
    """Canonical resources for one input's blocks, split resources joined to their targets."""
    out: list[Resource] = []
    errors: list[SourceError] = []
    targets: dict[str, list[Resource]] = {}
    links = role_policies.Links()
    for block in blocks:
        if block.type in _ATTACHMENTS:
            roles, policy_arn = _ATTACHMENTS[block.type]
            links.attach(block.attrs.get(roles, ABSENT), block.attrs.get(policy_arn, ABSENT))
            continue
        if block.type in _JOINS:
            continue
        made, made_errors = _resources(block, source)
        out.extend(made)
        errors.extend(made_errors)
        if made and block.type in _RESOURCES:
            targets.setdefault(block.type, []).append(made[0])
        if made and block.type in ("aws_iam_policy", "aws_iam_role_policy"):
            links.managed(base_address(block.address), made[0], block.attrs.get("role", ABSENT))
    for block in blocks:
        join = _JOINS.get(block.type)
        if join is None:
            continue
        target = _target(block, join, targets.get(join.target, []))
        if target is not None:
            _join(target, block, join)
        elif join.alone:
            doc = document(block.attrs.get("policy"))
            lines = reroot(block.lines, ("policy",))
            out.append(policy(join.alone, block.address, doc, block.path, block.line, lines, source))
    role_policies.attach(out, links, base_address)
    return out, errors


def document(value: Any) -> Any:
    """A policy attribute as a document object, `Unknown` when it cannot be read."""
    if isinstance(value, Choice):
        return Choice(tuple((label, document(option)) for label, option in value.options))
    if isinstance(value, Ref):
        return Unknown(f"the policy document depends on {value}, known only after apply")
    return as_document(value)


def policy_document(attrs: dict[str, Any]) -> Any:
    """An `aws_iam_policy_document` data source rendered as the provider renders its `json`.

    Statements of `source_policy_documents` come first; the data source's own
    statements, then those of `override_policy_documents`, replace any with
    the same `Sid` and are appended otherwise.
    """
    sources = _documents(attrs.get("source_policy_documents"))
    overrides = _documents(attrs.get("override_policy_documents"))
    own = attrs.get("statement") or []
    for part in (sources, overrides, own):
        if isinstance(part, Unknown):
            return part
    if not isinstance(own, list):
        return Unknown("the statements of an aws_iam_policy_document are not known")
    statements: list[Any] = []
    for doc in sources:
        _merge(statements, doc.get("Statement"), replace=False)
    _merge(statements, [_statement(s) for s in own if isinstance(s, dict)], replace=True)
    for doc in overrides:
        _merge(statements, doc.get("Statement"), replace=True)
    out: dict[str, Any] = {"Version": attrs.get("version") or "2012-10-17"}
    if attrs.get("policy_id"):
        out["Id"] = attrs["policy_id"]
    out["Statement"] = statements
    return out


def _resources(block: Block, source: str) -> tuple[list[Resource], list[SourceError]]:
    if block.type in _DOCUMENTS:
        kind, attr = _DOCUMENTS[block.type]
        if kind == "policy.scp" and (block.attrs.get("type") or "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY":
            return [], []
        doc = document(block.attrs.get(attr))
        return [policy(kind, block.address, doc, block.path, block.line, reroot(block.lines, (attr,)), source)], []
    kind, spec = _RESOURCES[block.type]
    lines: dict[Path, int] = {}
    props = _convert(block.attrs, spec, block.lines, (), (), lines)
    _tags(block, props, lines)
    for key, value in _DEFAULTS.get(block.type, {}).items():
        props.setdefault(key, value)
    if kind == "s3.bucket":
        props.setdefault("Bucket", block.address)
    resources = [make(kind, block.address, props, block.path, block.line, lines, source)]
    if kind == "iam.role":
        inline = _inline_policies(block, source)
        if inline:
            props["Policies"] = [{"PolicyName": p.id.rsplit("/", 1)[-1], "PolicyDocument": p.props} for p in inline]
        resources.extend(inline)
    if kind == "sagemaker.pipeline":
        return _with_steps(resources, block, source)
    return resources, []


def _convert(
    attrs: dict[str, Any],
    spec: dict[str, Any],
    lines: dict[Path, int],
    src: Path,
    dst: Path,
    out_lines: dict[Path, int],
) -> dict[str, Any]:
    """Rename `attrs` by `spec`, carrying each value's lines from `src` to `dst`."""
    out: dict[str, Any] = {}
    for key, target in spec.items():
        value = attrs.get(key)
        if value is None or (value == "" and isinstance(target, _Document)):
            continue  # unset (the provider writes an unset policy as "")
        here = (*src, key)
        name = target if isinstance(target, str) else target.name
        there = (*dst, name)
        if isinstance(target, _Nested):
            value = _nested(value, target, lines, here, there, out_lines)
            if value is ABSENT:
                continue
        else:
            if isinstance(target, _Document):
                value = document(value)
            out_lines.update(reroot(lines, here, there))
        if here in lines:
            out_lines[there] = lines[here]
        out[name] = value
    return out


def _nested(
    value: Any, nested: _Nested, lines: dict[Path, int], src: Path, dst: Path, out_lines: dict[Path, int]
) -> Any:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return value  # unknown until apply, or a dynamic block
    if not value:
        return ABSENT
    if not nested.many:
        first = value[0]
        return _convert(first, nested.spec, lines, (*src, 0), dst, out_lines) if isinstance(first, dict) else first
    items = []
    for i, item in enumerate(value):
        if (*src, i) in lines:
            out_lines[(*dst, i)] = lines[(*src, i)]
        if isinstance(item, dict):
            item = _convert(item, nested.spec, lines, (*src, i), (*dst, i), out_lines)
        items.append(item)
    return items


def _tags(block: Block, props: dict[str, Any], lines: dict[Path, int]) -> None:
    """`tags_all` (with the provider's default tags) when set, else `tags`."""
    tags = block.attrs.get("tags_all") or block.attrs.get("tags")
    if tags is None:
        return
    props["Tags"] = tags
    lines.update(reroot(block.lines, ("tags_all",), ("Tags",)))
    lines.update(reroot(block.lines, ("tags",), ("Tags",)))


def _inline_policies(block: Block, source: str) -> list[Resource]:
    out = []
    items = block.attrs.get("inline_policy")
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or item.get("policy") in (None, ""):
            continue  # an empty `inline_policy {}` block only says the role has no other inline policies
        name = item.get("name")
        rid = f"{block.address}/{name if isinstance(name, str) and name else i}"
        lines = reroot(block.lines, ("inline_policy", i, "policy"))
        line = block.lines.get(("inline_policy", i), block.line)
        out.append(policy("policy.identity", rid, document(item["policy"]), block.path, line, lines, source))
    return out


def _with_steps(resources: list[Resource], block: Block, source: str) -> tuple[list[Resource], list[SourceError]]:
    """The pipeline and the resources of its inline definition's steps."""
    if "pipeline_definition" not in block.attrs:
        why = "the definition is not inline (pipeline_definition)"
        return resources, [SourceError(block.path, f"pipeline {block.address}: steps not assessed, {why}", block.line)]
    body = document(block.attrs["pipeline_definition"])
    if isinstance(body, Unknown):
        why = body.reason
        return resources, [SourceError(block.path, f"pipeline {block.address}: steps not assessed, {why}", block.line)]
    lines = {(): block.lines.get(("pipeline_definition",), block.line), **reroot(block.lines, ("pipeline_definition",))}
    steps = pipeline_resources(body, block.path, block.address, lines)
    for step in steps:
        step.source = source
    return resources + steps, []


def _target(block: Block, join: _Join, candidates: list[Resource]) -> Resource | None:
    """The resource a split resource configures: by reference, else by equal name."""
    ref = block.refs.get(join.key)
    if ref is not None:
        candidates = [r for r in candidates if base_address(r.id) == ref]
        if len(candidates) == 1:
            return candidates[0]
    name = block.attrs.get(join.key)
    if join.name_prop is None or not isinstance(name, str) or isinstance(name, (Ref, Partial)):
        return None
    named = [r for r in candidates if r.props.get(join.name_prop) == name]
    return named[0] if len(named) == 1 else None


def _join(target: Resource, block: Block, join: _Join) -> None:
    lines: dict[Path, int] = {}
    if join.spec is None:
        value = document(block.attrs.get("policy"))
        lines.update(reroot(block.lines, ("policy",), (join.prop,)))
    else:
        value = _convert(block.attrs, join.spec, block.lines, (), (join.prop,), lines)
    target.props[join.prop] = value
    if block.path == target.path:  # lines of another file would point into the wrong one
        lines.setdefault((join.prop,), block.line)
        target.lines.update(lines)


def _documents(value: Any) -> Any:
    """`source_policy_documents` / `override_policy_documents` -> documents, or the reason they are unknown."""
    if value is None:
        return []
    if not isinstance(value, list):
        return Unknown("a merged policy document list is not known")
    docs = [document(v) for v in value]
    for doc in docs:
        if not isinstance(doc, dict):
            return doc if isinstance(doc, Unknown) else Unknown("a merged policy document is not an object")
    return docs


def _merge(statements: list[Any], new: Any, replace: bool) -> None:
    """Append `new` statements; with `replace`, one whose Sid is already present takes its place."""
    for statement in new if isinstance(new, list) else [new] if new is not None else []:
        sid = statement.get("Sid") if isinstance(statement, dict) else None
        at = next(
            (i for i, s in enumerate(statements) if replace and sid and isinstance(s, dict) and s.get("Sid") == sid),
            None,
        )
        if at is None:
            statements.append(statement)
        else:
            statements[at] = statement


def _statement(block: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if block.get("sid"):
        out["Sid"] = block["sid"]
    out["Effect"] = block.get("effect") or "Allow"
    for attr, name in (
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if block.get(attr) not in (None, []):
            out[name] = _one_or_many(block[attr])
    for attr, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if block.get(attr):
            out[name] = _principals(block[attr])
    if block.get("condition"):
        out["Condition"] = _conditions(block["condition"])
    return out


def _principals(blocks: Any) -> Any:
    """Principal blocks -> `{type: identifiers}`; the provider writes `*` for the anonymous principal."""
    if not isinstance(blocks, list):
        return blocks
    by_type: dict[str, Any] = {}
    for block in blocks:
        ptype = block.get("type") if isinstance(block, dict) else None
        if not isinstance(ptype, str):
            return Unknown("a principal's type is not known")
        by_type[ptype] = _extend(by_type.get(ptype, []), block.get("identifiers"))
    if list(by_type) == ["*"] and by_type["*"] == ["*"]:
        return "*"
    return {ptype: _one_or_many(ids) for ptype, ids in by_type.items()}


def _conditions(blocks: Any) -> Any:
    """Condition blocks -> `{test: {variable: values}}`, blocks with the same test sharing one entry."""
    if not isinstance(blocks, list):
        return blocks
    by_test: dict[str, dict[str, Any]] = {}
    for block in blocks:
        test = block.get("test") if isinstance(block, dict) else None
        variable = block.get("variable") if isinstance(block, dict) else None
        if not isinstance(test, str) or not isinstance(variable, str):
            return Unknown("a condition's test or variable is not known")
        variables = by_test.setdefault(test, {})
        variables[variable] = _extend(variables.get(variable, []), block.get("values"))
    return {test: {var: _one_or_many(vals) for var, vals in variables.items()} for test, variables in by_test.items()}


def _extend(current: Any, values: Any) -> Any:
    if isinstance(current, Unknown) or isinstance(values, Unknown):
        return current if isinstance(current, Unknown) else values
    return [*current, *(values if isinstance(values, list) else [values])]


def _one_or_many(values: Any) -> Any:
    """The provider's rendering of a string set: one value alone, several as a list; scalars as strings."""
    if not isinstance(values, list):
        return values
    strings = [_string(v) for v in values]
    return strings[0] if len(strings) == 1 else strings


def _string(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value
