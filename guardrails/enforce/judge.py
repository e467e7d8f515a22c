"""Judge one request with the scanner's rules and say, per failing control, the field and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from guardrails.config import Config
from guardrails.enforce.requests import Request
from guardrails.fixes.plan import Problem, problems, remedy
from guardrails.model import Resource
from guardrails.rules import Clause, Rule

OBJECT_KIND = "s3.object"


@dataclass(frozen=True, slots=True)
class Violation:
    """One failing control on one field of the request, with the fix the configuration decides."""

    control: str
    rule_id: str
    severity: str
    status: str
    resource: str
    field: str
    message: str
    fix: str


@dataclass(slots=True)
class Verdict:
    request: Request
    violations: list[Violation] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return not self.violations and not self.request.unassessed

    @property
    def controls(self) -> list[str]:
        return sorted({v.control for v in self.violations})


class Judge:
    """The rules of a configuration, indexed once, applied to requests."""

    def __init__(self, config: Config, index: dict[str, list[Rule]]) -> None:
        self.config = config
        self.index = dict(index)
        upload = _object_rule(index)
        if upload is not None:
            self.index[OBJECT_KIND] = [upload]

    def __call__(self, request: Request) -> Verdict:
        verdict = Verdict(request)
        for i, resource in enumerate(request.resources):
            # Pipeline steps (every resource after the first) are whole requests of their own.
            resource.scope = request.scope if i == 0 else "create"
            for problem in problems(resource, self.index.get(resource.kind, []), self.config):
                verdict.violations.append(self._violation(problem, resource))
        return verdict

    def _violation(self, problem: Problem, resource: Resource) -> Violation:
        finding = problem.finding
        fix = remedy(problem, resource, self.config)
        return Violation(
            control=finding.control,
            rule_id=finding.rule_id,
            severity=str(finding.severity),
            status=str(finding.status),
            resource=resource.id,
            field=problem.field,
            message=finding.message,
            fix=fix.describe() if fix.changes else _first_sentence(problem.rule.remediation),
        )


def _object_rule(index: dict[str, list[Rule]]) -> Rule | None:
    """ENC-5's rule, read from the request side: an upload must ask for SSE-KMS under an approved key."""
    base = next((r for rules in index.values() for r in rules if r.control == "ENC-5"), None)
    if base is None:
        return None
    algorithm = {"check": "one_of", "path": "ServerSideEncryption", "values": ["aws:kms", "aws:kms:dsse"]}
    key = {"check": "customer_managed_key", "path": "SSEKMSKeyId"}
    clauses = (Clause.build(algorithm, "upload"), Clause.build(key, "upload"))
    return replace(base, applies_to={OBJECT_KIND: clauses})


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]
