"""The declarative checks a rule clause can name.

Each check judges one value and says, in words, what it found. Absence fails
(fail closed, as the catalog asks); an unresolved value is `unknown`, never a
pass; a reference to a key declared in the same input counts as
customer-managed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guardrails.config import Config
from guardrails.model import ABSENT, ZONES, Partial, Ref, Resource, Status, Unknown
from guardrails.predicates import PREDICATES
from guardrails.rules import Clause
from guardrails.values import fan

Outcome = tuple[Status, str]


@dataclass(slots=True)
class Context:
    config: Config
    resource: Resource


def is_missing(value: Any) -> bool:
    return value is ABSENT or value is None or value == "" or value == [] or value == {}


def is_aws_managed_key(text: str) -> bool:
    return "alias/aws/" in text


def _norm(value: Any) -> Any:
    """CloudFormation accepts "true" for true; compare booleans however they were spelled."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def same_value(left: Any, right: Any) -> bool:
    return _norm(left) == _norm(right)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) and not isinstance(value, Ref) else str(value)


def check_present(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    if is_missing(value):
        return Status.FAIL, f"{where} is missing"
    return Status.PASS, f"{where} is set"


def check_equals(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    return _one_of(value, [clause.value], where)


def check_one_of(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    return _one_of(value, clause.values or [], where)


def _one_of(value: Any, allowed: list[Any], where: str) -> Outcome:
    expected = " or ".join(_show(v) for v in allowed)
    if is_missing(value):
        return Status.FAIL, f"{where} is missing (must be {expected})"
    if isinstance(value, (Ref, Partial)):
        return Status.UNKNOWN, f"{where} is {value}, known only at deploy time (must be {expected})"
    if _norm(value) in [_norm(v) for v in allowed]:
        return Status.PASS, f"{where} is {_show(value)}"
    return Status.FAIL, f"{where} is {_show(value)} (must be {expected})"


def check_at_least(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    if is_missing(value):
        return Status.FAIL, f"{where} is missing (must be at least {clause.value})"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return Status.UNKNOWN, f"{where} is {_show(value)}, not a number known before deploy"
    if number >= clause.value:
        return Status.PASS, f"{where} is {value}"
    return Status.FAIL, f"{where} is {value} (must be at least {clause.value})"


def check_customer_managed_key(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    approved = ctx.config.approved.kms_keys
    if is_missing(value):
        return Status.FAIL, f"{where} is missing: data is encrypted with an AWS-managed key, if at all"
    if isinstance(value, Ref):
        if value.target_type in ("kms.key", "kms.alias"):
            return Status.PASS, f"{where} is the customer-managed key {value.target} declared in this input"
        return Status.UNKNOWN, f"{where} refers to {value.target} ({value.target_type}), not a KMS key"
    if not isinstance(value, str):
        return Status.FAIL, f"{where} is {_show(value)}, not a KMS key"
    if is_aws_managed_key(value):
        return Status.FAIL, f"{where} is the AWS-managed key {value}, not a customer-managed key"
    if approved:
        if isinstance(value, Partial):
            tail = value.rsplit("/", 1)[-1]
            if "${" not in tail and not any(key.endswith(tail) for key in approved):
                return Status.FAIL, f"{where} is {value}, whose key is none of the approved keys"
            return (
                Status.UNKNOWN,
                f"{where} is {value}, known only at deploy time (approved keys: {', '.join(approved)})",
            )
        if key_approved(value, approved):
            return Status.PASS, f"{where} is the approved key {value}"
        return Status.FAIL, f"{where} is {value}, not an approved KMS key"
    return Status.PASS, f"{where} is the customer-managed key {value}"


def key_approved(value: str, approved: list[str]) -> bool:
    """A key ARN, its key id, an alias name or an alias ARN, against approved keys given in any of those forms."""
    return bool(_key_names(value) & {name for key in approved for name in _key_names(key)})


def _key_names(text: str) -> set[str]:
    """The names a key reference answers to: itself, and for ARNs the key id or `alias/name`."""
    names = {text}
    if text.startswith("arn:") and ":key/" in text:
        names.add(text.rsplit("/", 1)[-1])
    elif text.startswith("arn:") and ":alias/" in text:
        names.add("alias/" + text.split(":alias/", 1)[1])
    return names


def check_approved(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    list_name = clause.list_name or ""
    approved: list[str] = getattr(ctx.config.approved, list_name)
    if is_missing(value):
        return Status.FAIL, f"{where} is missing"
    items = value if isinstance(value, list) else [value]
    unknown = [i for i in items if isinstance(i, Unknown)]
    if unknown:
        return Status.UNKNOWN, f"{where}: {unknown[0].reason}"
    if not approved:
        return Status.PASS, f"{where} is set ({', '.join(str(i) for i in items)})"
    rejected = [str(i) for i in items if isinstance(i, str) and not isinstance(i, (Ref, Partial)) and i not in approved]
    if rejected:
        return Status.FAIL, f"{where}: {', '.join(rejected)} not in approved {list_name}"
    deferred = [str(i) for i in items if isinstance(i, (Ref, Partial)) or not isinstance(i, str)]
    if deferred:
        return (
            Status.UNKNOWN,
            f"{where}: {', '.join(deferred)} known only at deploy time (approved {list_name} checked then)",
        )
    return Status.PASS, f"{where}: all approved {list_name}"


def check_zone_tag(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    return _one_of(value, list(ZONES), f"tag {ctx.config.zones.tag_key}")


def check_any_present(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    """One of several places (`values`: paths, or `tag:Key`) holds a value."""
    from guardrails.rules import parse_path

    places = [str(p) for p in clause.values or []]
    undecided = None
    for place in places:
        if place.startswith("tag:"):
            found = [v for v, _, _ in fan(ctx.resource.tags.get(place[4:], ABSENT), ())]
        else:
            found = [v for v, _, _ in fan(ctx.resource.props, parse_path(place))]
        if found and all(not is_missing(v) and not isinstance(v, Unknown) for v in found):
            return Status.PASS, f"{place} is set"
        undecided = undecided or next((v for v in found if isinstance(v, Unknown)), None)
    if undecided is not None:
        return Status.UNKNOWN, f"{where}: {undecided.reason}"
    return Status.FAIL, f"none of {', '.join(places)} is set"


def check_predicate(value: Any, clause: Clause, ctx: Context, where: str) -> Outcome:
    return PREDICATES[clause.name or ""](value, ctx)


CHECKS: dict[str, Callable[[Any, Clause, Context, str], Outcome]] = {
    "present": check_present,
    "equals": check_equals,
    "one_of": check_one_of,
    "at_least": check_at_least,
    "customer_managed_key": check_customer_managed_key,
    "approved": check_approved,
    "zone_tag": check_zone_tag,
    "any_present": check_any_present,
    "predicate": check_predicate,
}
