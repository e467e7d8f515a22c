"""What fails on a resource, clause by clause, and the change to its canonical request that would make it pass.

Shared by `guardrails fix` (which writes the change into the file) and the
runtime enforcer (which names it in the error). Each rule clause is judged on
its own through the engine, so the field at fault is known; a change is
proposed only when the organisation configuration (or a key declared in the
same input) decides the value, never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from guardrails.checks import CHECKS, Context
from guardrails.config import Config
from guardrails.engine import judge
from guardrails.model import Finding, Path, Resource, Status, Unknown, dotted
from guardrails.rules import Clause, Rule
from guardrails.values import fan


@dataclass(frozen=True, slots=True)
class Problem:
    """A clause of a rule that a resource does not satisfy (fail, unknown or error)."""

    rule: Rule
    clause: Clause
    finding: Finding
    field: str


@dataclass(frozen=True, slots=True)
class Declared:
    """A resource declared in the same input (a KMS key), referred to rather than spelled out."""

    kind: str
    id: str


@dataclass(frozen=True, slots=True)
class Change:
    """Set the canonical `path` to `value`; `("Tags", key)` sets one tag, however the format spells tags."""

    path: Path
    value: Any


@dataclass(frozen=True, slots=True)
class Remedy:
    problem: Problem
    changes: tuple[Change, ...] = ()
    reason: str = ""
    """Why there is no mechanical fix (empty when there is one)."""

    def describe(self) -> str:
        if not self.changes:
            return self.reason
        return "; ".join(_describe(change) for change in self.changes)


def problems(resource: Resource, rules: Iterable[Rule], config: Config) -> list[Problem]:
    """Every failing clause of `rules` on `resource`, suppressed findings left out."""
    out = []
    for rule in rules:
        for clause in rule.applies_to.get(resource.kind, ()):
            single = replace(rule, applies_to={resource.kind: (clause,)})
            for finding in judge([resource], {resource.kind: [single]}, config):
                if finding.status is not Status.PASS and finding.suppression is None:
                    out.append(Problem(rule, clause, finding, field_of(clause, resource, config)))
    return out


def field_of(clause: Clause, resource: Resource, config: Config) -> str:
    if clause.check == "zone_tag":
        return f"Tags.{config.zones.tag_key}"
    if clause.tag:
        return f"Tags.{clause.tag}"
    if clause.path:
        failing = [p for v, _, p in fan(resource.props, clause.parts) if _fails(v, clause, resource, config)]
        return dotted(failing[0]) if failing else clause.path
    return "the policy document"


def remedy(problem: Problem, resource: Resource, config: Config, declared: Iterable[Declared] = ()) -> Remedy:
    """The change that satisfies `problem`, or the reason a person has to decide."""
    clause = problem.clause
    if problem.finding.status is Status.UNKNOWN:
        return Remedy(problem, reason=f"the value is known only at deploy time: {problem.finding.message}")
    if problem.finding.status is Status.ERROR:
        return Remedy(problem, reason=problem.finding.message)
    if clause.check == "zone_tag" or clause.tag:
        return _tag_remedy(problem, resource, config)
    if clause.check in _HUMAN:
        return Remedy(problem, reason=_HUMAN[clause.check])
    changes = []
    for value, label, path in fan(resource.props, clause.parts):
        if not _fails(value, clause, resource, config):
            continue
        if label:
            return Remedy(problem, reason=f"the value depends on a template condition ({label}); edit each branch")
        wanted = _wanted(value, clause, config, declared)
        if isinstance(wanted, str) and wanted.startswith("!"):
            return Remedy(problem, reason=wanted[1:])
        # A list that is absent fans out as `*`: the change creates its first item.
        changes.append(Change(tuple(0 if step == "*" else step for step in path), wanted))
    return Remedy(problem, tuple(changes)) if changes else Remedy(problem, reason=problem.finding.message)


_HUMAN = {
    "predicate": "a policy document needs a human decision; `guardrails policy generate` writes compliant ones",
    "present": "the value (the notebook creator's user id) is known only to whoever creates the resource",
    "any_present": "name the training job that produced the model (lineage); only its owner knows it",
    "at_least": "raising the instance count changes cost; the owner decides",
}


def _fails(value: Any, clause: Clause, resource: Resource, config: Config) -> bool:
    if isinstance(value, Unknown):
        return False
    status, _ = CHECKS[clause.check](value, clause, Context(config, resource), clause.path)
    return status is Status.FAIL


def _wanted(value: Any, clause: Clause, config: Config, declared: Iterable[Declared]) -> Any:
    """The value to write; a string starting with `!` is the reason there is none."""
    approved = config.approved
    if clause.check == "equals":
        return clause.value
    if clause.check == "one_of":
        return (clause.values or [None])[0]
    if clause.check == "customer_managed_key":
        if approved.kms_keys:
            return approved.kms_keys[0]
        keys = [d for d in declared if d.kind == "kms.key"]
        if len(keys) == 1:
            return keys[0]
        return "!no approved KMS key in the configuration (approved.kms_keys) and no single key declared to pick"
    name = clause.list_name or ""
    listed: list[str] = getattr(approved, name)
    if not listed:
        return f"!no approved {name} in the configuration to pick from"
    if isinstance(value, list):
        kept = [v for v in value if v in listed]
        return kept or list(listed)
    # An absent field takes the API's shape: plural names (Subnets, SecurityGroupIds) are lists.
    return list(listed) if clause.path.endswith("s") else listed[0]


def _tag_remedy(problem: Problem, resource: Resource, config: Config) -> Remedy:
    clause = problem.clause
    if clause.check == "zone_tag":
        return Remedy(problem, (Change(("Tags", config.zones.tag_key), config.zones.default),))
    if clause.check != "approved":
        return Remedy(problem, reason=_HUMAN["present"])
    listed: list[str] = getattr(config.approved, clause.list_name or "")
    if len(listed) != 1:
        which = "several are approved; choose one" if listed else f"approved.{clause.list_name} is empty"
        return Remedy(problem, reason=f"the {clause.tag} tag names who pays: {which}")
    return Remedy(problem, (Change(("Tags", str(clause.tag)), listed[0]),))


def _describe(change: Change) -> str:
    if change.path[:1] == ("Tags",) and len(change.path) == 2:
        return f"tag {change.path[1]}={change.value}"
    value = change.value
    if isinstance(value, Declared):
        shown = f"the key {value.id} declared in this input"
    elif isinstance(value, bool):
        shown = "true" if value else "false"
    else:
        shown = json.dumps(value)
    return f"set {dotted(change.path)} to {shown}"

