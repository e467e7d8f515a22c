"""The JSON report: the documented contract (`schemas/report.schema.json`).

Written one finding per line, streamed: readable and diffable, and a scan of
100,000 findings never holds the whole document (or a dict per finding) in memory.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from guardrails.rules import Rule
    from guardrails.scan import Report

_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def render(report: Report, rules: Sequence[Rule] = (), *, root: str = ".") -> str:
    buffer = io.StringIO()
    write(report, buffer)
    return buffer.getvalue()


def write(report: Report, handle: TextIO) -> None:
    from guardrails import __version__

    head = {"version": 1, "tool": {"name": "guardrails", "version": __version__}, "summary": report.summary()}
    handle.write(json.dumps(head, indent=2)[:-2] + ",\n")
    _array(handle, "findings", (f.to_dict() for f in report.findings), bool(report.findings), ",")
    errors = [{"path": e.path, "line": e.line, "reason": e.reason} for e in report.errors]
    _array(handle, "errors", errors, bool(errors), ",")
    skipped = [{"path": p, "reason": r} for p, r in report.skipped]
    _array(handle, "skipped", skipped, bool(skipped), "")
    handle.write("}\n")


def _array(handle: TextIO, key: str, items: Iterable[dict[str, Any]], any_items: bool, tail: str) -> None:
    if not any_items:
        handle.write(f'  "{key}": []{tail}\n')
        return
    handle.write(f'  "{key}": [\n')
    first = True
    for item in items:
        handle.write(("    " if first else ",\n    ") + _ENCODE(item))
        first = False
    handle.write(f"\n  ]{tail}\n")
