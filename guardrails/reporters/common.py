"""What the CI-facing reporters (SARIF, JUnit, Markdown, HTML) share: paths, ordering, links, fix formats."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import PurePath

from guardrails.catalog import controls
from guardrails.model import Finding, Status

DOCS_URL = "https://github.com/guardrails-ml/guardrails/blob/main/docs/rules/{}.md"
INFORMATION_URI = "https://github.com/guardrails-ml/guardrails"

FIX_FORMAT = {
    "cloudformation": "cloudformation",
    "terraform": "terraform",
    "terraform-plan": "terraform",
    "api": "api",
    "pipeline": "api",
    "policy": "api",
}
"""The rule `fix` snippet that applies to a finding, by the source that produced it (a policy document is JSON,
as the API takes it)."""


def docs_url(rule_id: str) -> str:
    return DOCS_URL.format(rule_id)


def relative_path(path: str, root: str) -> str:
    """`path` relative to `root`, posix-style (`../` when outside it); absolute when no relative path exists
    (another drive on Windows). Paths are reported as the scan was given them, so both are made absolute first."""
    if not path:
        return "."
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:
        return PurePath(os.path.abspath(path)).as_posix()
    return PurePath(rel).as_posix()


def is_open(finding: Finding) -> bool:
    """A finding someone must act on: not a pass, not suppressed."""
    return finding.status is not Status.PASS and finding.suppression is None


def control_order() -> dict[str, int]:
    """Catalog position of each control: reports list controls as the catalog does (ENC, NET, IAM, GOV)."""
    return {c["id"]: i for i, c in enumerate(controls())}


def control_titles() -> dict[str, str]:
    return {c["id"]: c["title"] for c in controls()}


_STATUS_RANK = {Status.ERROR: 0, Status.FAIL: 1, Status.UNKNOWN: 2, Status.PASS: 3}


def by_urgency(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; within a severity errors, then failures, then unknowns; then by place, for stable output."""
    order = control_order()
    return sorted(
        findings,
        key=lambda f: (
            -f.severity.rank,
            _STATUS_RANK[f.status],
            order.get(f.control, len(order)),
            f.path,
            f.line,
            f.resource_id,
            f.rule_id,
        ),
    )
