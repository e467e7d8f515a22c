"""A static scan end to end: read inputs, normalise, judge, summarise, decide the exit code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from guardrails import __version__
from guardrails.config import Config
from guardrails.engine import index_rules, judge, select_rules
from guardrails.inputs import MAX_BYTES, InputFile, discover
from guardrails.model import Finding, Severity, SourceError, Status
from guardrails.rules import Rule
from guardrails.sources import parse_files

EXIT_OK, EXIT_VIOLATIONS, EXIT_INCOMPLETE = 0, 1, 2


@dataclass(slots=True)
class Report:
    findings: list[Finding]
    errors: list[SourceError]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    files: int = 0
    resources: int = 0
    rules: int = 0

    def summary(self) -> dict[str, Any]:
        statuses = Counter(str(f.status) for f in self.findings)
        failed = [f for f in self.findings if f.status is Status.FAIL]
        return {
            "files": self.files,
            "resources": self.resources,
            "rules": self.rules,
            "findings": len(self.findings),
            "by_status": {s.value: statuses.get(s.value, 0) for s in Status},
            "failed_by_severity": {s.value: sum(1 for f in failed if f.severity is s) for s in Severity},
            "failed_by_control": dict(sorted(Counter(f.control for f in failed).items())),
            "errors": len(self.errors),
            "skipped": len(self.skipped),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "tool": {"name": "guardrails", "version": __version__},
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.findings],
            "errors": [{"path": e.path, "line": e.line, "reason": e.reason} for e in self.errors],
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
        }


def run_scan(
    paths: list[str],
    config: Config,
    rules: tuple[Rule, ...],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    input_type: str | None = None,
    policy_kind: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Report:
    files: list[InputFile] = []
    errors: list[SourceError] = []
    for item in discover(paths, max_bytes):
        (files if isinstance(item, InputFile) else errors).append(item)
    parsed = parse_files(files, input_type, policy_kind)
    chosen = select_rules(rules, [*config.select, *(select or [])], [*config.ignore, *(ignore or [])])
    findings = list(judge(parsed.resources, index_rules(chosen), config))
    findings.sort(key=lambda f: (f.path, f.line, f.resource_id, f.rule_id))
    return Report(
        findings=findings,
        errors=errors + parsed.errors,
        skipped=parsed.skipped,
        files=len(files),
        resources=len(parsed.resources),
        rules=len(chosen),
    )


def exit_code(report: Report, fail_on: Severity = Severity.LOW, fail_on_unknown: bool = False) -> int:
    """2 when the scan is incomplete (it cannot vouch for what it did not see), else 1 on violations."""
    if report.errors or any(f.status is Status.ERROR for f in report.findings):
        return EXIT_INCOMPLETE
    for finding in report.findings:
        if finding.severity.rank < fail_on.rank:
            continue
        if finding.status is Status.FAIL or (fail_on_unknown and finding.status is Status.UNKNOWN):
            return EXIT_VIOLATIONS
    return EXIT_OK
