"""Rules are data: one YAML file per rule under `rules/`, validated on load.

A rule names its control (an id from the catalog, unchanged), the resource
kinds it reads and, per kind, declarative clauses; where a clause cannot be
declarative (what a policy allows) it names a predicate implemented once in
Python. Documentation lives in the rule file, so the rules reference is
generated, never hand-kept.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from guardrails.model import ZONES, Path, Severity

CHECKS = (
    "present",
    "equals",
    "one_of",
    "at_least",
    "customer_managed_key",
    "approved",
    "zone_tag",
    "any_present",
    "predicate",
)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")


class RuleError(ValueError):
    """A rule file is invalid; the message names the file."""


def _fields(data: Any, where: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    """A mapping with exactly the allowed keys (unknown keys are an error: a typo must not weaken a rule)."""
    if not isinstance(data, dict):
        raise RuleError(f"{where}: expected a mapping")
    unknown = sorted(set(data) - required - optional)
    missing = sorted(required - set(data))
    if unknown or missing:
        raise RuleError(
            f"{where}: " + "; ".join([*(f"unknown key {k}" for k in unknown), *(f"missing {k}" for k in missing)])
        )
    return data


def _text(data: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise RuleError(f"{where}.{key}: expected text")
    return value


@dataclass(frozen=True, slots=True)
class When:
    """A clause applies only when the value at `path` equals `equals`, matches the regex `matches`,
    or (with `present`) is present or absent."""

    path: str
    equals: Any = None
    matches: str | None = None
    present: bool | None = None

    @classmethod
    def build(cls, data: Any, where: str) -> When:
        data = _fields(data, where, {"path"}, {"equals", "matches", "present"})
        return cls(_text(data, "path", where), data.get("equals"), data.get("matches"), data.get("present"))


@dataclass(frozen=True, slots=True)
class Clause:
    """One thing a resource of a kind must satisfy."""

    check: str
    path: str = ""
    tag: str | None = None
    value: Any = None
    values: list[Any] | None = None
    list_name: str | None = None
    name: str | None = None
    when: When | None = None
    says: str | None = None
    parts: Path = ()

    @classmethod
    def build(cls, data: Any, where: str) -> Clause:
        optional = {"path", "tag", "value", "values", "list", "name", "when", "says"}
        data = _fields(data, where, {"check"}, optional)
        check = _text(data, "check", where)
        if check not in CHECKS:
            raise RuleError(f"{where}: unknown check {check!r}; one of {', '.join(CHECKS)}")
        values = data.get("values")
        if values is not None and not isinstance(values, list):
            raise RuleError(f"{where}.values: expected a list")
        path = _text(data, "path", where, "")
        when = When.build(data["when"], f"{where}.when") if "when" in data else None
        return cls(
            check,
            path,
            data.get("tag"),
            data.get("value"),
            values,
            data.get("list"),
            data.get("name"),
            when,
            data.get("says"),
            parse_path(path),
        )


@dataclass(frozen=True, slots=True)
class Docs:
    what: str
    why: str
    example: str
    instead: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    title: str
    control: str
    severity: Severity
    zones: tuple[str, ...] | None
    applies_to: dict[str, tuple[Clause, ...]]
    remediation: str
    fix: dict[str, str]
    docs: Docs

    @classmethod
    def build(cls, data: Any, where: str) -> Rule:
        data = _fields(
            data,
            where,
            {"id", "name", "title", "control", "severity", "applies_to", "remediation", "docs"},
            {"zones", "fix"},
        )
        rid = _text(data, "id", where)
        if not re.fullmatch(r"GR\d{3}", rid):
            raise RuleError(f"{where}.id: rule ids look like GR123")
        try:
            severity = Severity(data["severity"])
        except ValueError:
            raise RuleError(f"{where}.severity: one of {', '.join(s.value for s in Severity)}") from None
        zones = data.get("zones")
        if zones is not None and (not isinstance(zones, list) or not set(zones) <= set(ZONES)):
            raise RuleError(f"{where}.zones: a list of {', '.join(ZONES)}")
        applies = data["applies_to"]
        if not isinstance(applies, dict) or not applies:
            raise RuleError(f"{where}.applies_to: a mapping of resource kind to clauses")
        clauses = {}
        for kind, items in applies.items():
            if not isinstance(items, list) or not items:
                raise RuleError(f"{where}.applies_to.{kind}: a list of clauses")
            clauses[kind] = tuple(Clause.build(c, f"{where}.applies_to.{kind}[{i}]") for i, c in enumerate(items))
        fix = data.get("fix") or {}
        if not isinstance(fix, dict) or not set(fix) <= {"cloudformation", "terraform", "api"}:
            raise RuleError(f"{where}.fix: snippets keyed by cloudformation, terraform, api")
        docs = _fields(data["docs"], f"{where}.docs", {"what", "why", "example", "instead"}, {"references"})
        references = docs.get("references") or []
        if not isinstance(references, list):
            raise RuleError(f"{where}.docs.references: expected a list")
        return cls(
            rid,
            _text(data, "name", where),
            _text(data, "title", where),
            _text(data, "control", where),
            severity,
            None if zones is None else tuple(zones),
            clauses,
            _text(data, "remediation", where).strip(),
            {k: str(v) for k, v in fix.items()},
            Docs(*(_text(docs, k, f"{where}.docs") for k in ("what", "why", "example", "instead")), tuple(references)),
        )


def parse_path(text: str) -> Path:
    """`A.B[*].C` -> `("A", "B", "*", "C")`; `[0]` -> int index."""
    if not text:
        return ()
    parts: list[str | int] = []
    for name, index in _PATH_PART.findall(text):
        if name:
            parts.append(name)
        else:
            parts.append("*" if index == "*" else int(index))
    return tuple(parts)


def rules_dir() -> str:
    """The rule files: `GUARDRAILS_RULES_DIR`, the copy inside an installed wheel, or the checkout's `rules/`."""
    configured = os.environ.get("GUARDRAILS_RULES_DIR")
    if configured:
        return configured
    package = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(package, "_rules")
    return bundled if os.path.isdir(bundled) else os.path.join(os.path.dirname(package), "rules")


@cache
def load_rules(directory: str | None = None) -> tuple[Rule, ...]:
    """Every `rules/*.yaml`, sorted by id; fixtures live in sub-directories and are not rules."""
    from guardrails.catalog import control_ids
    from guardrails.checks import PREDICATES

    directory = directory or rules_dir()
    rules: list[Rule] = []
    known_controls = control_ids()
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".yaml"):
            continue
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as handle:
                # Rule files are trusted project data without line needs: libyaml's safe constructor is enough.
                rule = Rule.build(yaml.load(handle, Loader=_LOADER), name)
        except RuleError as exc:
            raise RuleError(f"{path}: {exc}") from None
        except (OSError, yaml.YAMLError) as exc:
            raise RuleError(f"{path}: {exc}") from None
        if rule.control not in known_controls:
            raise RuleError(f"{path}: control {rule.control} is not in the catalog")
        if not name.startswith(rule.id):
            raise RuleError(f"{path}: file name must start with the rule id {rule.id}")
        for kind, clauses in rule.applies_to.items():
            for clause in clauses:
                if clause.check == "predicate" and clause.name not in PREDICATES:
                    raise RuleError(f"{path}: {kind}: unknown predicate {clause.name}")
        rules.append(rule)
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RuleError(f"{directory}: duplicate rule ids")
    return tuple(sorted(rules, key=lambda r: r.id))
