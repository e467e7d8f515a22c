"""Markdown for a pull-request comment or a job summary.

A summary table (control family × severity, open failures), the most urgent findings, then every other open
finding in a collapsed `<details>` section per control, then notes on unknowns, suppressions and inputs that could
not be assessed. GitHub refuses comments over 65,536 characters, so rows stop before that and a closing note says
how many were left out (the SARIF and HTML reports have them all). User-derived text is escaped: a resource name
cannot inject Markdown or HTML into the comment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from guardrails.catalog import families, family
from guardrails.model import Finding, Severity, Status
from guardrails.reporters.common import by_urgency, control_order, control_titles, docs_url, is_open, relative_path
from guardrails.rules import Rule
from guardrails.scan import Report

LIMIT = 65_536
"""GitHub's limit on a comment body, in characters."""
TOP = 10
MARKER = "<!-- guardrails-report -->"
"""Lets a workflow find and update its previous comment instead of adding another."""
_RESERVE = 1_000
"""Room for the note on left-out rows."""
_REASON_CHARS = 500
_SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]~|#])")
_TOP_HEAD = "| Severity | Location | Rule | Control | Resource | Message |\n| --- | --- | --- | --- | --- | --- |"
_GROUP_HEAD = "| Severity | Location | Rule | Resource | Message |\n| --- | --- | --- | --- | --- |"
_CUT_NOTE = 40
"""Room for the `… N more not shown` line of a cut section."""
_LINK_DEFINITION = 90
"""Room for a rule's link definition (`[GR101]: https://...`) at the end."""


def render(report: Report, rules: Sequence[Rule], *, root: str = ".", limit: int = LIMIT) -> str:
    """`rules` is unused: findings carry what a comment shows; `limit` is the size cap in UTF-16 code units."""
    opened = by_urgency(f for f in report.findings if is_open(f))
    head = [_header(report, opened), _family_table(opened)]
    notes = _notes(report, root)
    top, rest = opened[:TOP], opened[TOP:]
    sections = [_Section(f"### Top findings\n\n{_TOP_HEAD}", [_row(f, root, control=True) for f in top], "")]
    titles = control_titles()
    order = control_order()
    groups: dict[str, list[Finding]] = {}
    for finding in rest:
        groups.setdefault(finding.control, []).append(finding)
    for control in sorted(groups, key=lambda c: (order.get(c, len(order)), c)):
        items = groups[control]
        summary = f"<b>{_html(control)}</b> {_html(titles.get(control, ''))} ({len(items)})"
        rows = [_row(f, root, control=False) for f in items]
        sections.append(_Section(f"<details><summary>{summary}</summary>\n\n{_GROUP_HEAD}", rows, "\n\n</details>"))
    budget = limit - _RESERVE - sum(_units(block) + 2 for block in [*head, notes])
    linked = _allocate(sections, budget)
    text = [*head, *(s.render() for s in sections[:1] if s.kept)]
    if rest:
        text.append(f"### Other findings ({len(rest)})")
    text += [s.render() for s in sections[1:] if s.kept]
    if linked:
        text.append("\n".join(f"[{rule_id}]: {docs_url(rule_id)}" for rule_id in sorted(linked)))
    if notes:
        text.append(notes)
    omitted = sum(len(s.rows) - s.kept for s in sections)
    if omitted:
        text.append(
            f"_{omitted} findings not shown: the comment would exceed GitHub's {LIMIT:,}-character limit. "
            "The SARIF and HTML reports list everything._"
        )
    return "\n\n".join(text) + "\n"


@dataclass(slots=True)
class _Section:
    head: str
    rows: list[tuple[str, str]]
    """(rule id, table row); the rule id's link definition goes at the end of the comment."""
    closer: str
    kept: int = 0

    def render(self) -> str:
        left = len(self.rows) - self.kept
        note = f"\n\n_… {left} more not shown_" if left else ""
        return self.head + "".join(f"\n{row}" for _, row in self.rows[: self.kept]) + note + self.closer


def _allocate(sections: list[_Section], budget: int) -> set[str]:
    """Set each section's `kept` rows within `budget`: the top findings first, then one row per control in turn,
    so a large report still shows every control. Returns the rule ids the kept rows link to."""
    used = 0
    linked: set[str] = set()

    def take(section: _Section) -> bool:
        nonlocal used
        rule_id, row = section.rows[section.kept]
        cost = _units(row) + 1 + (0 if rule_id in linked else _LINK_DEFINITION)
        if not section.kept:
            cost += _units(section.head) + _units(section.closer) + _CUT_NOTE + 2
        if used + cost > budget:
            return False
        used += cost
        linked.add(rule_id)
        section.kept += 1
        return True

    first, others = sections[0], sections[1:]
    while first.kept < len(first.rows) and take(first):
        pass
    progress = True
    while progress:
        progress = False
        for section in others:
            if section.kept < len(section.rows) and take(section):
                progress = True
    return linked


def _header(report: Report, opened: list[Finding]) -> str:
    counts = {s: sum(1 for f in opened if f.status is s) for s in (Status.FAIL, Status.UNKNOWN, Status.ERROR)}
    passed = sum(1 for f in report.findings if f.status is Status.PASS)
    suppressed = sum(1 for f in report.findings if f.suppression is not None)
    verdict = "no open findings"
    if opened or report.errors:
        errors = counts[Status.ERROR] + len(report.errors)
        verdict = f"**{counts[Status.FAIL]} failed**, {counts[Status.UNKNOWN]} unknown, {errors} errors"
    return (
        f"{MARKER}\n## guardrails: {verdict}\n\n"
        f"{report.files} files, {report.resources} resources, {report.rules} rules: "
        f"{passed} checks passed, {suppressed} suppressed."
    )


def _family_table(opened: list[Finding]) -> str:
    names = families()
    rows = ["| Family | " + " | ".join(s.value for s in _SEVERITIES) + " | failed | unknown |"]
    rows.append("| --- |" + " ---: |" * 6)
    for code in names:
        mine = [f for f in opened if family(f.control) == code]
        failed = [f for f in mine if f.status is Status.FAIL]
        cells = [str(sum(1 for f in failed if f.severity is s)) for s in _SEVERITIES]
        unknown = sum(1 for f in mine if f.status is Status.UNKNOWN)
        rows.append(f"| **{code}** {_cell(names[code])} | " + " | ".join(cells) + f" | {len(failed)} | {unknown} |")
    failed = [f for f in opened if f.status is Status.FAIL]
    totals = [str(sum(1 for f in failed if f.severity is s)) for s in _SEVERITIES]
    unknown = sum(1 for f in opened if f.status is Status.UNKNOWN)
    rows.append("| **Total** | " + " | ".join(totals) + f" | **{len(failed)}** | {unknown} |")
    return "\n".join(rows)


def _row(finding: Finding, root: str, control: bool) -> tuple[str, str]:
    """The rule id (for its link definition) and the table row; a status other than fail leads the message."""
    where = f"<code>{_html(relative_path(finding.path, root))}:{finding.line}</code>"
    rule = f"[{finding.rule_id}] {_cell(finding.rule_name)}"
    resource = f"{_cell(finding.resource_id)}<br><sub>{_html(finding.resource_kind)}</sub>"
    status = "" if finding.status is Status.FAIL else f"**{finding.status.value}:** "
    cells = [finding.severity.value, where, rule, *([finding.control] * control), resource]
    return finding.rule_id, "| " + " | ".join(cells) + f" | {status}{_cell(finding.message)} |"


def _notes(report: Report, root: str) -> str:
    notes = []
    if any(f.status is Status.UNKNOWN for f in report.findings):
        notes.append(
            "- **Unknown** findings could not be decided from the files (a parameter without a default, a value known "
            "only after apply): they are not compliant until a reviewer or a fuller input settles them."
        )
    suppressed = [f for f in report.findings if f.suppression is not None]
    if suppressed:
        notes.append(
            f"- **{len(suppressed)} suppressed** findings (skip comments, metadata or the baseline) are not counted "
            "above; each keeps its reason in the SARIF and HTML reports."
        )
    for error in report.errors[:TOP]:
        where = relative_path(error.path, root) + (f":{error.line}" if error.line else "")
        notes.append(f"- **Not assessed:** <code>{_html(where)}</code> {_cell(error.reason[:_REASON_CHARS])}")
    if len(report.errors) > TOP:
        notes.append(f"- … and {len(report.errors) - TOP} more inputs that could not be assessed.")
    return "### Notes\n\n" + "\n".join(notes) if notes else ""


def _html(text: str) -> str:
    """Text for inside an HTML element in a table: entities only, and no pipe to split the cell."""
    return html.escape(" ".join(text.split()), quote=False).replace("|", "&#124;")


def _cell(text: str) -> str:
    """User text as literal Markdown in one table cell: HTML and Markdown syntax escaped, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def _units(text: str) -> int:
    """Length as GitHub counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2
