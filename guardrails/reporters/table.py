"""The terminal report: findings grouped by control, one `path:line` per finding, never cropped.

A listing rather than a boxed table: a fixed-width table folds or cuts the
location at 80 columns (a CI log), and the location is what a reader clicks.
Each finding is a header line (status, severity, rule, location, resource)
and its message indented below, so long paths and messages wrap as the
terminal wraps them; it is also cheap to render, which the CI gate feels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from guardrails.catalog import controls
from guardrails.model import Finding, Severity, Status
from guardrails.scan import Report

if TYPE_CHECKING:
    from guardrails.rules import Rule

_STYLE = {Status.FAIL: "bold red", Status.UNKNOWN: "yellow", Status.ERROR: "magenta", Status.PASS: "green"}
_INDENT = " " * 4


def render(report: Report, rules: Sequence[Rule] = (), *, root: str = ".") -> str:
    """The report as plain text (for `--output-dir`), passing checks included."""
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=160, no_color=True, highlight=False), show_passed=True)
    return buffer.getvalue()


def print_report(report: Report, console: Console, show_passed: bool = False) -> None:
    titles = {c["id"]: c["title"] for c in controls()}
    order = {c["id"]: i for i, c in enumerate(controls())}
    shown = [f for f in report.findings if show_passed or f.status is not Status.PASS]
    shown.sort(key=lambda f: (order.get(f.control, len(order)), -f.severity.rank, f.path, f.line))
    for control, group in groupby(shown, key=lambda f: f.control):
        block = Text.assemble((control, "bold"), "  ", (titles.get(control, ""), "bold"), "\n")
        for finding in group:
            block.append_text(_entry(finding))
        console.print(block, soft_wrap=True, highlight=False)
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        console.print(Text.assemble(("error ", "magenta bold"), (where, "bold"), f"  {error.reason}"), soft_wrap=True)
    console.print(_summary(report), soft_wrap=True)


def _entry(finding: Finding) -> Text:
    status = finding.status.value
    entry = Text.assemble(
        "  ",
        (f"{status:<7}", "dim" if finding.suppression is not None else _STYLE[finding.status]),
        " ",
        (f"{finding.severity.value:<8}", "bold" if finding.severity.rank >= Severity.HIGH.rank else ""),
        " ",
        (finding.rule_id, "cyan"),
        "  ",
        (f"{finding.path}:{finding.line}", "bold"),
        "  ",
        finding.resource_id,
        (f" ({finding.resource_kind})", "dim"),
        "\n",
        _INDENT,
        finding.message.replace("\n", "\n" + _INDENT),
        "\n",
    )
    if finding.suppression is not None:
        entry.append(f"{_INDENT}suppressed: {finding.suppression.reason}\n", style="dim italic")
    return entry


def _summary(report: Report) -> Text:
    counts = report.summary()["by_status"]
    return Text.assemble(
        (f"{report.files} files, {report.resources} resources, {report.rules} rules: ", "bold"),
        (f"{counts['fail']} failed", _STYLE[Status.FAIL]),
        ", ",
        (f"{counts['unknown']} unknown", _STYLE[Status.UNKNOWN]),
        ", ",
        (f"{counts['pass']} passed", _STYLE[Status.PASS]),
        ", ",
        (f"{len(report.errors) + counts['error']} errors", _STYLE[Status.ERROR]),
    )
