"""Judge canonical resources against the rules: one finding per resource and rule.

Rules are indexed by kind once, so each resource meets only the rules that
read it. A finding is `fail` if any clause fails on any `Fn::If` branch,
`unknown` if none fails but one cannot be decided, else `pass` — so coverage
is visible and unknown is never counted as compliant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from guardrails.checks import CHECKS, Context, same_value
from guardrails.config import Config
from guardrails.model import (
    ABSENT,
    ZONES,
    Choice,
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
    if isinstance(value, (Unknown, Choice)):
        return None
    return config.zones.default


def judge(resources: Iterable[Resource], by_kind: dict[str, list[Rule]], config: Config) -> Iterator[Finding]:
    for resource in resources:
        rules = by_kind.get(resource.kind)
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
                yield finding


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
        remediation=rule.remediation.strip(),
        zone=zone,
        source=resource.source,
    )


def _judge_clause(clause: Clause, resource: Resource, ctx: Context) -> Iterator[tuple[Status, str, Path]]:
    if clause.when is not None and not _applies(clause, resource):
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
        place = dotted(path) if path and not clause.tag and clause.check != "zone_tag" else where
        if isinstance(value, Unknown):
            status, message = Status.UNKNOWN, f"{place}: {value.reason}"
        else:
            status, message = check(value, clause, ctx, place)
        if clause.says and status is Status.FAIL:
            message = f"{message} ({clause.says})"
        yield status, f"{message} [when {label}]" if label else message, path


def _applies(clause: Clause, resource: Resource) -> bool:
    """A clause's `when` precondition; unresolvable preconditions apply (fail closed)."""
    assert clause.when is not None
    when = clause.when
    for value, _, _ in fan(resource.props, parse_path(when.path)):
        if isinstance(value, Unknown):
            return True
        if when.matches is not None:
            if isinstance(value, str) and re.search(when.matches, value):
                return True
        elif same_value(value, when.equals):
            return True
    return False
