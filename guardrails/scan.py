"""A static scan end to end: read inputs, normalise, judge, summarise, decide the exit code."""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from guardrails import __version__
from guardrails.config import Config
from guardrails.engine import index_rules, judge, select_rules
from guardrails.inputs import MAX_BYTES, InputFile, find_files, read_file
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
        failed = [f for f in self.findings if f.status is Status.FAIL and f.suppression is None]
        return {
            "files": self.files,
            "resources": self.resources,
            "rules": self.rules,
            "findings": len(self.findings),
            "by_status": {s.value: statuses.get(s.value, 0) for s in Status},
            "failed_by_severity": {s.value: sum(1 for f in failed if f.severity is s) for s in Severity},
            "failed_by_control": dict(sorted(Counter(f.control for f in failed).items())),
            "suppressed": sum(1 for f in self.findings if f.suppression is not None),
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
    jobs: int = 0,
) -> Report:
    """Scan `paths`. Each unit of work (a file, or a Terraform module directory) is read, parsed
    and judged on its own, so memory stays flat; with many units, `jobs` processes share them
    (0: one per core)."""
    chosen = select_rules(rules, [*config.select, *(select or [])], [*config.ignore, *(ignore or [])])
    errors: list[SourceError] = []
    units: list[list[str]] = []
    modules: dict[str, list[str]] = {}
    for item in find_files(paths):
        if isinstance(item, SourceError):
            errors.append(item)
        elif input_type == "terraform" or (input_type is None and item.endswith(".tf")):
            modules.setdefault(os.path.dirname(item), []).append(item)
        else:
            units.append([item])
    units += modules.values()
    job = _Job(config, index_rules(chosen), input_type, policy_kind, max_bytes)
    workers = min(jobs or os.cpu_count() or 1, len(units) // _UNITS_PER_WORKER)
    report = Report(findings=[], errors=errors, rules=len(chosen))
    with _few_collections():  # also over the workers (forked inside) and the unpickling of their findings
        for part in _map(job, units, workers):
            report.findings += part.findings
            report.errors += part.errors
            report.skipped += part.skipped
            report.files += part.files
            report.resources += part.resources
        report.findings.sort(key=attrgetter("path", "line", "resource_id", "rule_id"))
    report.errors.sort(key=lambda e: (e.path, e.line))
    return report


_UNITS_PER_WORKER = 64
"""Below this many units per process a pool costs more than it saves (a CI gate scans a few files)."""


@dataclass(slots=True)
class _Job:
    config: Config
    index: dict[str, list[Rule]]
    input_type: str | None
    policy_kind: str | None
    max_bytes: int

    def __call__(self, units: list[list[str]]) -> Report:
        """Runs under `_few_collections`, entered by `run_scan` and inherited by forked workers."""
        part = Report(findings=[], errors=[])
        for unit in units:
            files: list[InputFile] = []
            for path in unit:
                item = read_file(path, self.max_bytes)
                (files if isinstance(item, InputFile) else part.errors).append(item)
            parsed = parse_files(files, self.input_type, self.policy_kind)
            part.findings += judge(parsed.resources, self.index, self.config)
            part.errors += parsed.errors
            part.skipped += parsed.skipped
            part.files += len(files)
            part.resources += len(parsed.resources)
        return part


@contextmanager
def _few_collections() -> Iterator[None]:
    """Parsing allocates millions of short-lived, acyclic objects; the default collector
    thresholds make it scan them over and over (a third of the scan's time). Collect rarely."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


_JOB: _Job | None = None


def _run_chunk(units: list[list[str]]) -> Report:
    """In a worker: what earlier chunks left alive (caches, mostly) is frozen too, so collections skip it."""
    assert _JOB is not None
    gc.freeze()
    return _JOB(units)


def _map(job: _Job, units: list[list[str]], workers: int) -> Iterator[Report]:
    """Run the job over the units, in this process or in forked workers that inherit it."""
    import multiprocessing  # only large scans pay for the process pool's imports
    from concurrent.futures import ProcessPoolExecutor

    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield job(units)
        return
    global _JOB
    _JOB = job
    chunks = [units[i : i + 16] for i in range(0, len(units), 16)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_run_chunk, chunks)
    finally:
        _JOB = None


def exit_code(report: Report, fail_on: Severity = Severity.LOW, fail_on_unknown: bool = False) -> int:
    """2 when the scan is incomplete (it cannot vouch for what it did not see), else 1 on violations."""
    if report.errors or any(f.status is Status.ERROR for f in report.findings):
        return EXIT_INCOMPLETE
    for finding in report.findings:
        if finding.severity.rank < fail_on.rank or finding.suppression is not None:
            continue
        if finding.status is Status.FAIL or (fail_on_unknown and finding.status is Status.UNKNOWN):
            return EXIT_VIOLATIONS
    return EXIT_OK
