"""What a blocked request raises, and how it reads in a traceback."""

from __future__ import annotations

from enum import StrEnum

from botocore.exceptions import BotoCoreError

from guardrails.enforce.judge import Verdict, Violation


class Mode(StrEnum):
    BLOCK = "block"
    AUDIT = "audit"


class GuardrailViolation(BotoCoreError):
    """A request refused in the client; nothing was sent. `findings` holds one Violation per field at fault."""

    __module__ = "guardrails.enforce"  # where users import it from, and how tracebacks name it
    fmt = "{report}"

    def __init__(self, *, report: str, operation: str, findings: tuple[Violation, ...]) -> None:
        super().__init__(report=report, operation=operation, findings=findings)
        self.operation = operation
        self.findings = list(findings)

    @classmethod
    def from_verdict(cls, verdict: Verdict) -> GuardrailViolation:
        return cls(report=report(verdict), operation=verdict.request.operation, findings=tuple(verdict.violations))


def report(verdict: Verdict) -> str:
    """The error text: a headline, then one line per failing control with its fields and fixes."""
    request = verdict.request
    count = len(verdict.controls)
    why = f"{count} control{'s' if count != 1 else ''} failed" if count else "it could not be judged"
    lines = [f"{request.operation} {request.name} blocked by guardrails, nothing was sent ({why}):"]
    for control in verdict.controls:
        violations = [v for v in verdict.violations if v.control == control]
        problems = "; ".join(dict.fromkeys(_problem(v) for v in violations))
        fixes = "; ".join(dict.fromkeys(v.fix for v in violations))
        lines.append(f"  {control} {problems} -> fix: {fixes}")
    lines += [f"  not assessed: {reason}" for reason in request.unassessed]
    return "\n".join(lines)


def _problem(violation: Violation) -> str:
    message = violation.message
    return message if message.startswith(violation.field) else f"{violation.field}: {message}"
