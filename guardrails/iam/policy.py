"""IAM policy documents parsed into immutable values.

``parse_policy`` accepts every spelling the IAM grammar allows (a Statement
object or list; a string or list for Action, Resource and condition values;
``"*"`` or a typed map for Principal; JSON booleans and numbers as condition
values) and raises PolicyError for what AWS rejects, so that later stages never
meet a malformed policy. Statements keep their index and Sid so a decision can
name the statements that made it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from guardrails.iam.conditions import check_value
from guardrails.iam.operators import Operator, parse_operator

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"
"""The default when Version is missing; it does not substitute policy variables."""

_POLICY_FIELDS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_FIELDS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
_PRINCIPAL_TYPES = {
    "AWS": "aws",
    "Service": "service",
    "Federated": "federated",
    "CanonicalUser": "canonical_user",
}


class PolicyError(ValueError):
    """A policy document AWS would reject; the message says why."""


class Effect(StrEnum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True, slots=True)
class Principal:
    """A Principal/NotPrincipal element; ``"*"`` is stored as ``aws=("*",)``, which AWS treats alike."""

    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """One operator/key test; ``values`` are strings as AWS compares them (``True`` -> ``"true"``)."""

    operator: str
    key: str
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        try:
            parse_operator(self.operator)
        except ValueError as error:
            raise PolicyError(str(error)) from None

    @property
    def op(self) -> Operator:
        return parse_operator(self.operator)


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement. ``resources`` is None when the statement has neither Resource nor NotResource
    (role trust policies), which matches every resource."""

    index: int
    effect: Effect
    actions: tuple[str, ...]
    sid: str | None = None
    not_action: bool = False
    resources: tuple[str, ...] | None = None
    not_resource: bool = False
    principal: Principal | None = None
    not_principal: bool = False
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    statements: tuple[Statement, ...]
    version: str = VERSION_2008
    name: str = ""
    id: str | None = None

    @property
    def substitutes_variables(self) -> bool:
        """Policy variables are only substituted in 2012-10-17 policies."""
        return self.version == VERSION_2012


def parse_policy(doc: Mapping[str, Any] | str, *, name: str = "") -> Policy:
    """Parse a policy document (a mapping or JSON text); PolicyError if AWS would reject it."""
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except json.JSONDecodeError as error:
            raise PolicyError(f"not JSON: {error}") from None
    if not isinstance(doc, Mapping):
        raise PolicyError("a policy must be a JSON object")
    _reject_unknown(doc, _POLICY_FIELDS, "policy")
    version = doc.get("Version", VERSION_2008)
    if version not in (VERSION_2012, VERSION_2008):
        raise PolicyError(f"Version must be {VERSION_2012!r} or {VERSION_2008!r}, not {version!r}")
    policy_id = doc.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError("Id must be a string")
    if "Statement" not in doc:
        raise PolicyError("policy has no Statement")
    raw = doc["Statement"]
    raw_statements = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(raw_statements, list):
        raise PolicyError("Statement must be an object or a list of objects")
    statements = tuple(_statement(item, index, version == VERSION_2012) for index, item in enumerate(raw_statements))
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise PolicyError("statement Sids must be unique within a policy")
    return Policy(statements, version, name, policy_id)


def _statement(raw: Any, index: int, substitutes: bool) -> Statement:
    where = f"statement {index}"
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where} must be an object")
    _reject_unknown(raw, _STATEMENT_FIELDS, where)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(f"{where}: Sid must be a string")
    effect = raw.get("Effect")
    if effect not in (Effect.ALLOW, Effect.DENY):
        raise PolicyError(f"{where}: Effect must be 'Allow' or 'Deny', not {effect!r}")
    actions, not_action = _one_of(raw, "Action", "NotAction", where, required=True)
    for action in actions:
        service, colon, _ = action.partition(":")
        if action != "*" and not (colon and service):
            raise PolicyError(f"{where}: action {action!r} must be '*' or 'service:action'")
    resources, not_resource = _one_of(raw, "Resource", "NotResource", where, required=False)
    if "Principal" in raw and "NotPrincipal" in raw:
        raise PolicyError(f"{where} has both Principal and NotPrincipal")
    not_principal = "NotPrincipal" in raw
    principal = None
    if not_principal or "Principal" in raw:
        principal = _principal(raw["NotPrincipal" if not_principal else "Principal"], where)
    conditions = _conditions(raw.get("Condition", {}), where, substitutes)
    return Statement(
        index=index,
        effect=Effect(effect),
        actions=actions or (),
        sid=sid,
        not_action=not_action,
        resources=resources,
        not_resource=not_resource,
        principal=principal,
        not_principal=not_principal,
        conditions=conditions,
    )


def _reject_unknown(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise PolicyError(f"{where} has unknown element(s) {', '.join(map(repr, unknown))}")


def _one_of(
    raw: Mapping[str, Any], positive: str, negative: str, where: str, *, required: bool
) -> tuple[tuple[str, ...] | None, bool]:
    """The value of ``positive`` or ``negative`` (never both) and whether it was the negative."""
    if positive in raw and negative in raw:
        raise PolicyError(f"{where} has both {positive} and {negative}")
    if negative in raw:
        return _strings(raw[negative], f"{where} {negative}"), True
    if positive in raw:
        return _strings(raw[positive], f"{where} {positive}"), False
    if required:
        raise PolicyError(f"{where} has neither {positive} nor {negative}")
    return None, False


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise PolicyError(f"{where} must be a string or a non-empty list of strings")


def _principal(value: Any, where: str) -> Principal:
    if value == "*":
        return Principal(aws=("*",))
    if not isinstance(value, Mapping) or not value:
        raise PolicyError(f"{where}: Principal must be '*' or a map of AWS/Service/Federated/CanonicalUser")
    unknown = sorted(set(value) - set(_PRINCIPAL_TYPES))
    if unknown:
        raise PolicyError(f"{where}: unknown principal type(s) {', '.join(map(repr, unknown))}")
    return Principal(
        **{_PRINCIPAL_TYPES[kind]: _strings(ids, f"{where} Principal {kind}") for kind, ids in value.items()}
    )


def _conditions(block: Any, where: str, substitutes: bool) -> tuple[Condition, ...]:
    if not isinstance(block, Mapping):
        raise PolicyError(f"{where}: Condition must be an object of operator -> {{key: values}}")
    conditions: list[Condition] = []
    for operator_name, tests in block.items():
        if not isinstance(tests, Mapping):
            raise PolicyError(f"{where}: Condition {operator_name!r} must map keys to values")
        for key, raw_values in tests.items():
            if not isinstance(key, str) or not key:
                raise PolicyError(f"{where}: condition keys must be non-empty strings")
            condition = Condition(
                operator_name,
                key,
                _condition_values(raw_values, f"{where} {operator_name} {key}"),
            )
            for value in condition.values:
                try:
                    check_value(condition.op, value, substitute=substitutes)
                except ValueError as error:
                    raise PolicyError(f"{where}: {error}") from None
            conditions.append(condition)
    return tuple(conditions)


def _condition_values(raw: Any, where: str) -> tuple[str, ...]:
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_condition_value(item, where) for item in items)


def _condition_value(item: Any, where: str) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str):
        return item
    if isinstance(item, int | float):
        return str(item)
    raise PolicyError(f"{where}: condition values must be strings, numbers or booleans, not {item!r}")
