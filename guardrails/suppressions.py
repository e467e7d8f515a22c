"""Inline suppressions and baselines: accepted risks stay visible, with a reason and an expiry.

Two spellings, both needing a reason:
  CloudFormation  Metadata: {guardrails: {skip: [{id: GR101, reason: "...", expires: 2027-01-31}]}}
  YAML/Terraform  # guardrails:skip=GR101 reason="..." expires=2027-01-31   (`//` in Terraform too)

A comment applies to the resource that starts right below it (only blank or
comment lines between), else to the resource whose block it sits in. `id` is a
rule id, a rule name or a control id. An expired suppression stops
suppressing; one without a reason never suppresses; both are reported.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from guardrails.model import Finding, Resource, SourceError, Status, Suppression

_COMMENT = re.compile(r"(?:#|//)\s*guardrails:skip=(?P<id>[\w.:-]+)(?P<rest>.*)$")
_FIELD = re.compile(r'(\w+)=(?:"([^"]*)"|(\S+))')


def from_metadata(metadata: Any, line: int) -> tuple[list[Suppression], list[str]]:
    """Skips from a CloudFormation resource's `Metadata.guardrails.skip`, and problems found."""
    if not isinstance(metadata, dict) or not isinstance(metadata.get("guardrails"), dict):
        return [], []
    skips, problems = [], []
    for entry in metadata["guardrails"].get("skip") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append("Metadata.guardrails.skip entries need an id")
            continue
        made = _make(entry["id"], entry.get("reason"), entry.get("expires"), line, "metadata")
        (skips if isinstance(made, Suppression) else problems).append(made)
    return skips, problems


def attach_comments(text: str, path: str, resources: list[Resource]) -> list[SourceError]:
    """Attach `# guardrails:skip=...` comments in `text` to the resources of `path`."""
    if "guardrails:skip" not in text:
        return []
    lines = text.splitlines()
    mine = sorted((r for r in resources if r.path == path), key=lambda r: r.line)
    errors = []
    for number, content in enumerate(lines, start=1):
        match = _COMMENT.search(content)
        if not match:
            continue
        fields = {m[1]: m[2] if m[2] is not None else m[3] for m in _FIELD.finditer(match["rest"])}
        made = _make(match["id"], fields.get("reason"), fields.get("expires"), number, "comment")
        if isinstance(made, str):
            errors.append(SourceError(path, made, number))
            continue
        target = _target(number, lines, mine)
        if target is None:
            errors.append(SourceError(path, f"guardrails:skip={made.rule} is not inside or above a resource", number))
            continue
        for resource in mine:
            if resource.line == target:
                resource.skips.append(made)
    return errors


def _target(number: int, lines: list[str], resources: list[Resource]) -> int | None:
    """The start line of the resource a comment on line `number` belongs to."""
    below = next((r.line for r in resources if r.line > number), None)
    if below is not None and all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines[number : below - 1]):
        return below
    above = [r.line for r in resources if r.line <= number]
    return above[-1] if above else None


def _make(rule: str, reason: Any, expires: Any, line: int, origin: str) -> Suppression | str:
    if not isinstance(reason, str) or not reason.strip():
        return f'guardrails:skip={rule} has no reason; it does not suppress (add reason="...")'
    if isinstance(expires, dt.date):
        expires = expires.isoformat()
    if expires is not None:
        try:
            dt.date.fromisoformat(str(expires))
        except ValueError:
            return f"guardrails:skip={rule}: expires={expires} is not a date (YYYY-MM-DD)"
    return Suppression(rule, reason.strip(), None if expires is None else str(expires), line, origin)


def apply(finding: Finding, skips: Iterable[Suppression], today: dt.date) -> None:
    """Mark `finding` suppressed by the first matching live skip; note an expired one in its message."""
    if finding.status is Status.PASS:
        return
    for skip in skips:
        if skip.rule not in (finding.rule_id, finding.rule_name, finding.control):
            continue
        if skip.expires is not None and dt.date.fromisoformat(skip.expires) < today:
            finding.message += f" (its suppression expired on {skip.expires}: {skip.reason})"
            continue
        finding.suppression = skip
        return


def write_baseline(findings: Iterable[Finding], path: str) -> int:
    """Record the fingerprints of today's open findings; returns how many."""
    entries = sorted(
        (
            {"fingerprint": f.fingerprint, "rule_id": f.rule_id, "resource": f.resource_id, "path": f.path}
            for f in findings
            if f.status is not Status.PASS and f.suppression is None
        ),
        key=lambda e: (e["path"], e["resource"], e["rule_id"]),
    )
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"version": 1, "findings": entries}, handle, indent=1)
        handle.write("\n")
    return len(entries)


def read_baseline(path: str) -> set[str]:
    """The fingerprints a baseline accepts; ValueError with the reason when it is not one."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return {entry["fingerprint"] for entry in data["findings"]}
    except OSError as exc:
        raise ValueError(f"{path}: cannot read baseline: {exc.strerror}") from None
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a guardrails baseline ({exc})") from None


def apply_baseline(findings: Iterable[Finding], accepted: set[str], path: str) -> None:
    for finding in findings:
        if finding.suppression is None and finding.status is not Status.PASS and finding.fingerprint in accepted:
            finding.suppression = Suppression(finding.rule_id, f"accepted in baseline {path}", None, 0, "baseline")
