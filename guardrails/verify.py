"""Prove a policy document's controls with the complete engine, cross-checked by the bounded one.

``guardrails policy verify`` judges each file with exactly the rules a scan
applies to its kind (those whose ``applies_to`` names ``policy.<kind>``),
answering their predicates' questions with z3 (``reasoning.engine("z3")``),
then again with the scanner's search. A counterexample from z3 has been
decided by the concrete evaluator; every one the search finds, z3 must find
too, so a control the search fails and z3 passes is reported as a bug.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from guardrails import predicates
from guardrails.config import Config
from guardrails.engine import index_rules, judge, select_rules
from guardrails.iam import Policy, PolicyError, parse_policy
from guardrails.iam.symbolic import Disagreement, SolverGaveUp, Unsupported, recording
from guardrails.inputs import InputFile, read_file
from guardrails.loader import Document, LoadError, load_text
from guardrails.model import ABSENT, Finding, Resource, Status
from guardrails.reasoning import Counterexample, engine
from guardrails.rules import Rule, load_rules
from guardrails.sources import policy_document

KINDS = ("identity", "scp", "bucket", "endpoint")
VERDICTS = {Status.PASS: "holds", Status.FAIL: "counterexample", Status.UNKNOWN: "unknown"}


class VerifyError(ValueError):
    """An input that cannot be verified (unreadable, not a policy, invalid), or an engine fault; exit 2."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One control on one file: the z3 engine's answer and the search's."""

    rule: Rule
    status: Status
    message: str
    counterexample: Counterexample | None
    search_status: Status
    search_message: str

    @property
    def verdict(self) -> str:
        return VERDICTS[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "control": self.rule.control,
            "title": self.rule.title,
            "verdict": self.verdict,
            "explanation": self.message,
            "counterexample": None if self.counterexample is None else request_dict(self.counterexample),
            "search": {
                "verdict": VERDICTS[self.search_status],
                "found_counterexample": self.search_status is Status.FAIL,
                "explanation": self.search_message,
            },
        }


@dataclass(frozen=True, slots=True)
class FileReport:
    path: str
    kind: str
    verdicts: tuple[Verdict, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "controls": [v.to_dict() for v in self.verdicts]}


def request_dict(found: Counterexample) -> dict[str, Any]:
    """A counterexample request as JSON: what it sets, and the condition keys it leaves out."""
    request = found.request
    return {
        "action": request.action,
        "resource": request.resource,
        "principal": request.principal,
        "context": dict(request.context),
        "absent": [name for name, value in found.chosen if value is ABSENT],
    }


def load_document(path: str) -> tuple[Document, Policy]:
    """A policy file, read and parsed; VerifyError naming the file and the reason."""
    item = read_file(path)
    if not isinstance(item, InputFile):
        raise VerifyError(f"{path}: {item.reason}")
    try:
        document = load_text(item.text)
    except LoadError as exc:
        raise VerifyError(f"{path}: {exc}") from None
    if not isinstance(document.data, dict) or "Statement" not in document.data:
        raise VerifyError(f"{path}: not a policy document (no Statement)")
    try:
        policy = parse_policy(document.data, name=path)
    except PolicyError as exc:
        raise VerifyError(f"{path}: invalid policy: {exc}") from None
    return document, policy


def _resource(path: str, kind: str | None) -> Resource:
    document, _ = load_document(path)
    stem = os.path.basename(path).split(".", 1)[0]
    resources, errors = policy_document.load(document, path, stem, kind)
    if errors:
        raise VerifyError(f"{path}: {errors[0].reason}")
    return resources[0]


def rules_for(kind: str, rules: Iterable[Rule]) -> list[Rule]:
    """The rules whose predicates a scan applies to standalone ``kind`` policy documents."""
    key = f"policy.{kind}"
    return [r for r in rules if any(c.check == "predicate" for c in r.applies_to.get(key, ()))]


def _judge(resource: Resource, rules: list[Rule], config: Config, name: str) -> dict[str, Finding]:
    # Predicate verdicts are cached by policy and configuration, not by engine: start each pass afresh.
    predicates._CACHE.clear()
    with engine(name):
        return {finding.rule_id: finding for finding in judge([resource], index_rules(rules), config)}


def _witness(message: str, seen: dict[str, Counterexample]) -> Counterexample | None:
    """The counterexample a fail message names (predicates put the request's text in their message)."""
    named = [text for text in seen if text in message]
    return seen[max(named, key=len)] if named else None


def verify_file(path: str, config: Config, rules: Iterable[Rule], kind: str | None = None) -> FileReport:
    """Judge one policy file with both engines; VerifyError on bad input or when the engines disagree."""
    resource = _resource(path, kind)
    chosen = rules_for(resource.kind.removeprefix("policy."), rules)
    try:
        with recording() as seen:
            proved = _judge(resource, chosen, config, "z3")
    except (Unsupported, SolverGaveUp) as exc:
        raise VerifyError(f"{path}: the z3 engine cannot verify this policy: {exc}") from None
    except Disagreement as exc:
        raise VerifyError(f"{path}: internal error, please report: {exc}") from None
    searched = _judge(resource, chosen, config, "search")
    verdicts = []
    for rule in chosen:
        finding, other = proved.get(rule.id), searched.get(rule.id)
        if finding is None or other is None:
            continue
        if finding.status is Status.ERROR:
            raise VerifyError(f"{path}: {finding.message}")
        if other.status is Status.FAIL and finding.status is not Status.FAIL:
            raise VerifyError(
                f"{path}: {rule.control} ({rule.id}): the bounded search found a counterexample the z3 engine "
                f"did not ({other.message}); this is a bug in the symbolic encoding, please report it"
            )
        witness = _witness(finding.message, seen) if finding.status is Status.FAIL else None
        verdicts.append(Verdict(rule, finding.status, finding.message, witness, other.status, other.message))
    return FileReport(path, resource.kind.removeprefix("policy."), tuple(verdicts))


def verify(paths: Iterable[str], config: Config, kind: str | None = None) -> list[FileReport]:
    rules = select_rules(load_rules(), config.select, config.ignore)
    return [verify_file(path, config, rules, kind) for path in paths]


def holds(reports: Iterable[FileReport]) -> bool:
    return all(v.status is Status.PASS for report in reports for v in report.verdicts)


def summary(reports: list[FileReport]) -> dict[str, int]:
    verdicts = [v.verdict for report in reports for v in report.verdicts]
    return {
        "files": len(reports),
        "controls": len(verdicts),
        **{name: verdicts.count(name) for name in VERDICTS.values()},
    }
