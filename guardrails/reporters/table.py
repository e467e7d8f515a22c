"""The terminal report: findings grouped by control and severity, each with `path:line`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from guardrails.catalog import controls
from guardrails.model import Finding, Severity, Status
from guardrails.scan import Report

if TYPE_CHECKING:
    from guardrails.rules import Rule

_STYLE = {Status.FAIL: "bold red", Status.UNKNOWN: "yellow", Status.ERROR: "magenta", Status.PASS: "green"}


def render(report: Report, rules: Sequence[Rule] = (), *, root: str = ".") -> str:
    """The table as plain text (for `--output-dir`), passing checks included."""
    buffer = io.StringIO()
    print_report(report, Console(file=buffer, width=160, no_color=True, highlight=False), show_passed=True)
    return buffer.getvalue()


def print_report(report: Report, console: Console, show_passed: bool = False) -> None:
    titles = {c["id"]: c["title"] for c in controls()}
    order = [c["id"] for c in controls()]
    shown = [f for f in report.findings if show_passed or f.status is not Status.PASS]
    shown.sort(key=lambda f: (order.index(f.control), -f.severity.rank, f.path, f.line))
    for control, group in groupby(shown, key=lambda f: f.control):
        items = list(group)
        table = Table(title=f"{control}  {titles.get(control, '')}", title_justify="left", expand=True)
        table.add_column("status", no_wrap=True)
        table.add_column("severity", no_wrap=True)
        table.add_column("rule", no_wrap=True)
        table.add_column("resource", ratio=2, overflow="fold")
        table.add_column("location", ratio=2, overflow="fold", no_wrap=True)
        table.add_column("message", ratio=5, overflow="fold")
        for finding in items:
            table.add_row(*_row(finding))
        console.print(table)
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        console.print(Text.assemble(("error ", "magenta bold"), (where, "bold"), f"  {error.reason}"))
    console.print(_summary(report))


def _row(finding: Finding) -> list[Text | str]:
    status = Text(finding.status.value, style=_STYLE[finding.status])
    message = Text(finding.message, overflow="fold")
    if finding.suppression is not None:
        status = Text.assemble((finding.status.value, "dim"), ("\nsuppressed", "dim italic"))
        message.append(f"\nsuppressed: {finding.suppression.reason}", style="dim italic")
    return [
        status,
        Text(finding.severity.value, style="bold" if finding.severity.rank >= Severity.HIGH.rank else ""),
        Text(finding.rule_id),
        Text.assemble(finding.resource_id, ("\n" + finding.resource_kind, "dim")),
        Text(f"{finding.path}:{finding.line}"),
        message,
    ]


def _summary(report: Report) -> Text:
    counts = report.summary()["by_status"]
    return Text.assemble(
        ("\n", ""),
        (f"{report.files} files, {report.resources} resources, {report.rules} rules: ", "bold"),
        (f"{counts['fail']} failed", _STYLE[Status.FAIL]),
        ", ",
        (f"{counts['unknown']} unknown", _STYLE[Status.UNKNOWN]),
        ", ",
        (f"{counts['pass']} passed", _STYLE[Status.PASS]),
        ", ",
        (f"{len(report.errors) + counts['error']} errors", _STYLE[Status.ERROR]),
    )
