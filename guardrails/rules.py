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
from functools import cache
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from guardrails.model import Path, Severity

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class When(_Strict):
    """A clause applies only when the value at `path` equals `equals`, matches the regex `matches`,
    or (with `present`) is present or absent."""

    path: str
    equals: Any = None
    matches: str | None = None
    present: bool | None = None


class Clause(_Strict):
    """One thing a resource of a kind must satisfy."""

    check: str
    path: str = ""
    tag: str | None = None
    value: Any = None
    values: list[Any] | None = None
    list_name: str | None = Field(None, alias="list")
    name: str | None = None
    when: When | None = None
    says: str | None = None

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        if value not in CHECKS:
            raise ValueError(f"unknown check {value!r}; one of {', '.join(CHECKS)}")
        return value

    @property
    def parts(self) -> Path:
        return parse_path(self.path)


class Docs(_Strict):
    what: str
    why: str
    example: str
    instead: str
    references: list[str] = Field(default_factory=list)


class Rule(_Strict):
    id: str
    name: str
    title: str
    control: str
    severity: Severity
    zones: list[Literal["research", "dev", "uat", "prod"]] | None = None
    applies_to: dict[str, list[Clause]]
    remediation: str
    fix: dict[Literal["cloudformation", "terraform", "api"], str] = Field(default_factory=dict)
    docs: Docs

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not re.fullmatch(r"GR\d{3}", value):
            raise ValueError("rule ids look like GR123")
        return value


class RuleError(ValueError):
    """A rule file is invalid; the message names the file."""


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
                rule = Rule.model_validate(yaml.load(handle, Loader=_LOADER))
        except (OSError, yaml.YAMLError, ValidationError) as exc:
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
