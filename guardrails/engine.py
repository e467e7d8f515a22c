"""Judge canonical resources against the rules: one finding per resource and rule.

Rules are indexed by kind once, so each resource meets only the rules that
read it. A finding is `fail` if any clause fails on any `Fn::If` branch,
`unknown` if none fails but one cannot be decided, else `pass` — so coverage
is visible and unknown is never counted as compliant.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from guardrails import suppressions
from guardrails.checks import CHECKS, Context, is_missing, same_value
from guardrails.config import Config
from guardrails.model import (
    ABSENT,
    ZONES,
    Finding,
    Path,
    Resource,
    Status,
    Unknown,
    dotted,
)
from guardrails.rules import Clause, Rule, parse_path
from guardrails.values import fan

_ORDER = {Status.PASS: 0, Status.UNKNOWN: 1, Status.ERROR: 2, Status.FAIL: 3}


def select_rules(rules: Iterable[Rule], select: list[str], ignore: list[str]) -> list[Rule]:
    """ruff-style: a code selects every rule whose id, control or family starts with it."""

    def matches(rule: Rule, codes: list[str]) -> bool:
        return any(
            rule.id.startswith(c)
            or rule.control == c
            or rule.control.startswith(f"{c}-")
            or rule.control.split("-")[0] == c
            or rule.name == c
            for c in codes
        )

    return [r for r in rules if (not select or matches(r, select)) and not matches(r, ignore)]


def index_rules(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    by_kind: dict[str, list[Rule]] = {}
    for rule in rules:
        for kind in rule.applies_to:
            by_kind.setdefault(kind, []).append(rule)
    return by_kind


def zone_of(resource: Resource, config: Config) -> str | None:
    """The zone tag if valid, the configured default if the tag is absent, None if unresolvable."""
    value = resource.tags.get(config.zones.tag_key, ABSENT)
    if value is ABSENT:
        return config.zones.default
    if isinstance(value, str) and value in ZONES:
        return value
    # Unresolvable or not a zone ("Prod", "production"): GOV-1 fails it, and prod rules still apply.
    return None


def judge(resources: Iterable[Resource], by_kind: dict[str, list[Rule]], config: Config) -> Iterator[Finding]:
    today = dt.date.today()
    for resource in resources:
        rules = by_kind.get(resource.kind)
        if rules and resource.scope != "create":
            rules = _scoped(rules, resource)
        if not rules:
            continue
        zone = zone_of(resource, config)
        ctx = Context(config, resource)
        for rule in rules:
            # A zone we cannot read might be prod: production rules still apply.
            if rule.zones and zone is not None and zone not in rule.zones:
                continue
            finding = _judge_one(rule, resource, zone, ctx)
            if finding is not None:
                if resource.skips:
                    suppressions.apply(finding, resource.skips, today)
                yield finding


def _scoped(rules: Iterable[Rule], resource: Resource) -> list[Rule]:
    """The rules narrowed to the clauses a request of the resource's scope answers for."""
    out = []
    for rule in rules:
        kept = [c for c in rule.applies_to[resource.kind] if _answers(c, resource)]
        if kept:
            out.append(replace(rule, applies_to={resource.kind: tuple(kept)}))
    return out


def _answers(clause: Clause, resource: Resource) -> bool:
    props = resource.props
    if clause.check == "zone_tag" or clause.tag:
        return "Tags" in props
    if resource.scope == "replace":
        return True
    if not clause.path:
        return False
    if props.get(str(clause.parts[0]), None) is ABSENT:
        return True  # the request deletes this part
    return any(value is not ABSENT for value, _, _ in fan(props, clause.parts))


def _judge_one(rule: Rule, resource: Resource, zone: str | None, ctx: Context) -> Finding | None:
    worst = None
    messages: dict[Status, list[str]] = {}
    line = resource.line
    for clause in rule.applies_to[resource.kind]:
        for status, message, path in _judge_clause(clause, resource, ctx):
            messages.setdefault(status, []).append(message)
            if worst is None or _ORDER[status] > _ORDER[worst]:
                worst = status
                line = resource.line_of(path)
    if worst is None:
        return None
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        title=rule.title,
        control=rule.control,
        severity=rule.severity,
        status=worst,
        resource_kind=resource.kind,
        resource_id=resource.id,
        path=resource.path,
        line=max(line, 1),
        message="; ".join(dict.fromkeys(messages[worst])),
        remediation=rule.remediation,
        zone=zone,
        source=resource.source,
    )


def _judge_clause(clause: Clause, resource: Resource, ctx: Context) -> Iterator[tuple[Status, str, Path]]:
    preconditions = _preconditions(clause, resource)
    if preconditions is not None and not preconditions:
        return
    check = CHECKS[clause.check]
    if clause.check == "zone_tag" or clause.tag:
        key = ctx.config.zones.tag_key if clause.check == "zone_tag" else str(clause.tag)
        found = [(v, label, ("Tags",)) for v, label, _ in fan(resource.tags.get(key, ABSENT), ())]
        where = f"tag {key}"
    else:
        found = list(fan(resource.props, clause.parts))
        where = clause.path or "the policy"
    for value, label, path in found:
        applies = _applies_in(preconditions, label)
        if applies is False:
            continue
        place = dotted(path) if path and not clause.tag and clause.check != "zone_tag" else where
        if isinstance(value, Unknown):
            status, message = Status.UNKNOWN, f"{place}: {value.reason}"
        else:
            status, message = check(value, clause, ctx, place)
        if clause.says and status is Status.FAIL:
            message = f"{message} ({clause.says})"
        if isinstance(applies, Unknown) and status is Status.FAIL:
            # It would fail, but only if a precondition we cannot resolve holds.
            status, message = Status.UNKNOWN, f"{message}, if {clause.when.path} holds: {applies.reason}"
        yield status, f"{message} [when {label}]" if label else message, path


def _preconditions(clause: Clause, resource: Resource) -> list[tuple[bool | Unknown, str]] | None:
    """A clause's `when`: the branches where it holds or is unknown (empty: never applies); None without `when`."""
    when = clause.when
    if when is None:
        return None
    out: list[tuple[bool | Unknown, str]] = []
    for value, label, _ in fan(resource.props, parse_path(when.path)):
        if isinstance(value, Unknown):
            holds: bool | Unknown = value
        elif when.present is not None:
            holds = (not is_missing(value)) == when.present
        elif when.matches is not None:
            holds = isinstance(value, str) and re.search(when.matches, value) is not None
        else:
            holds = same_value(value, when.equals)
        if holds is not False:
            out.append((holds, label))
    return out


def _applies_in(preconditions: list[tuple[bool | Unknown, str]] | None, label: str) -> bool | Unknown:
    """Whether a precondition holds in a value's `Fn::If` branch (branches must agree on each condition)."""
    if preconditions is None:
        return True
    unknown: Unknown | None = None
    for holds, when_label in preconditions:
        if _compatible(label, when_label):
            if holds is True:
                return True
            unknown = unknown or holds  # type: ignore[assignment]
    return unknown if unknown is not None else False


def _compatible(left: str, right: str) -> bool:
    """Two branch labels ("IsProd=true, B=false") that no condition contradicts."""
    chosen = dict(part.rsplit("=", 1) for part in left.split(", ") if "=" in part)
    other = (part.rsplit("=", 1) for part in right.split(", ") if "=" in part)
    return all(chosen.get(name, value) == value for name, value in other)
