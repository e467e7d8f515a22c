"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One `reportingDescriptor` per rule, carrying the rule's documentation as help. Results are what needs attention:
failed, unknown and error findings. Passes are not results (SARIF has `kind: pass`, but code scanning would show
each one as an alert); the JSON report keeps them. Levels: a failure is `error` (critical, high), `warning`
(medium) or `note` (low); an unknown is a `warning` (it is not compliant, but needs review rather than a fix); an
error finding is an `error`. Suppressed findings stay results with a SARIF `suppressions` entry, so the accepted
risk stays visible (`inSource` for skip comments and metadata, `external` for the baseline).

Locations are relative to `root` with `uriBaseId: %SRCROOT%`, as code scanning needs to place them in the
repository. The output has no timestamps or absolute paths of the machine, so it is byte-for-byte reproducible.
GitHub rejects runs with more than 25,000 results: beyond that the most urgent are kept and a notification says
how many were left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from guardrails import __version__
from guardrails.catalog import family
from guardrails.docs import rule_help
from guardrails.model import Finding, Severity, SourceError, Status
from guardrails.reporters.common import INFORMATION_URI, by_urgency, docs_url, relative_path
from guardrails.rules import Rule
from guardrails.scan import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "guardrails/v1"
MAX_RESULTS = 25_000
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
_FAIL_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}


def render(report: Report, rules: Sequence[Rule], *, root: str = ".") -> str:
    return json.dumps(to_sarif(report, rules, root=root), indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: Report, rules: Sequence[Rule], *, root: str = ".") -> dict[str, Any]:
    descriptors = sorted({r.id: r for r in rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(descriptors)}
    reported = by_urgency(f for f in report.findings if f.status is not Status.PASS)
    kept = sorted(reported[:MAX_RESULTS], key=lambda f: (f.path, f.line, f.resource_id, f.rule_id))
    notifications = [_error_notification(e, root) for e in report.errors]
    notifications += [_note(path, f"not scanned: {reason}", root) for path, reason in report.skipped]
    if len(reported) > MAX_RESULTS:
        left_out = len(reported) - MAX_RESULTS
        notifications.append(
            {
                "level": "warning",
                "message": {"text": f"{left_out} less urgent results left out: GitHub accepts {MAX_RESULTS} a run"},
            }
        )
    incomplete = bool(report.errors) or any(f.status is Status.ERROR for f in report.findings)
    invocation: dict[str, Any] = {"executionSuccessful": not incomplete}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guardrails",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(r) for r in descriptors],
                    }
                },
                "invocations": [invocation],
                "results": [_result(f, index, root) for f in kept],
                "columnKind": "utf16CodeUnits",
                "properties": {"summary": report.summary()},
            }
        ],
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    text = [rule.docs.what.strip(), rule.docs.why.strip(), f"Remediation: {rule.remediation.strip()}"]
    if rule.docs.references:
        text.append(f"References: {', '.join(rule.docs.references)}")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.docs.what.strip()},
        "help": {"text": "\n\n".join(text), "markdown": rule_help(rule)},
        "helpUri": docs_url(rule.id),
        "defaultConfiguration": {"level": _FAIL_LEVEL[rule.severity]},
        "properties": {
            "control": rule.control,
            "severity": rule.severity.value,
            "tags": [rule.control, family(rule.control), "security"],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _result(finding: Finding, index: dict[str, int], root: str) -> dict[str, Any]:
    qualified = f"{finding.resource_kind}/{finding.resource_id}"
    prefix = {Status.FAIL: "", Status.UNKNOWN: "Unknown (cannot be decided): ", Status.ERROR: "Not assessed: "}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": _level(finding),
        "message": {
            "text": f"{prefix[finding.status]}{finding.resource_id}: {finding.message}\n\n"
            f"Remediation: {finding.remediation}"
        },
        "locations": [
            {
                "physicalLocation": _physical(finding.path, finding.line, root),
                "logicalLocations": [{"name": finding.resource_id, "fullyQualifiedName": qualified}],
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "status": finding.status.value,
            "severity": finding.severity.value,
            "control": finding.control,
            "resourceKind": finding.resource_kind,
            "resourceId": finding.resource_id,
            "zone": finding.zone,
            "source": finding.source,
        },
    }
    if finding.rule_id in index:
        result["ruleIndex"] = index[finding.rule_id]
    if finding.suppression is not None:
        skip = finding.suppression
        suppression: dict[str, Any] = {
            "kind": "external" if skip.origin == "baseline" else "inSource",
            "status": "accepted",
            "justification": skip.reason,
            "properties": {"rule": skip.rule, "origin": skip.origin, "expires": skip.expires},
        }
        if skip.line > 0:
            suppression["location"] = {"physicalLocation": _physical(finding.path, skip.line, root)}
        result["suppressions"] = [suppression]
    return result


def _level(finding: Finding) -> str:
    if finding.status is Status.FAIL:
        return _FAIL_LEVEL[finding.severity]
    return "error" if finding.status is Status.ERROR else "warning"


def artifact_uri(path: str, root: str) -> dict[str, str]:
    """A non-empty URI reference: relative to `root` under `%SRCROOT%`, else an absolute `file://` URI."""
    rel = relative_path(path, root)
    if PurePath(rel).is_absolute():
        return {"uri": PurePath(rel).as_uri()}
    return {"uri": quote(rel), "uriBaseId": SRCROOT}


def _physical(path: str, line: int, root: str) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": artifact_uri(path, root)}
    if line > 0:
        location["region"] = {"startLine": line}
    return location


def _error_notification(error: SourceError, root: str) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"{relative_path(error.path, root)}: {error.reason}"},
        "locations": [{"physicalLocation": _physical(error.path, error.line, root)}],
    }


def _note(path: str, text: str, root: str) -> dict[str, Any]:
    return {
        "level": "note",
        "message": {"text": f"{relative_path(path, root)}: {text}"},
        "locations": [{"physicalLocation": _physical(path, 0, root)}],
    }
