"""The JSON report: the documented contract (`schemas/report.schema.json`).

Written one finding per line, streamed: readable and diffable, and a scan of
100,000 findings never holds the whole document (or a dict per finding) in memory.
A large report is encoded by pydantic-core's serializer, three times faster than
the standard library's but 40 ms to import; both write the same bytes.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from guardrails.rules import Rule
    from guardrails.scan import Report

_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":")).encode
RUST_FROM = 10_000
"""Findings from which pydantic-core's encoder pays for its import."""


def encoder(count: int) -> Callable[[Any], str]:
    """The cheaper encoder for `count` items: identical output either way (a test holds them to it)."""
    if count < RUST_FROM:
        return _ENCODE
    from pydantic_core import to_json

    return lambda item: to_json(item).decode()


def render(report: Report, rules: Sequence[Rule] = (), *, root: str = ".") -> str:
    buffer = io.StringIO()
    write(report, buffer)
    return buffer.getvalue()


def write(report: Report, handle: TextIO) -> None:
    from guardrails import __version__

    head = {"version": 1, "tool": {"name": "guardrails", "version": __version__}, "summary": report.summary()}
    handle.write(json.dumps(head, indent=2)[:-2] + ",\n")
    _array(handle, "findings", (f.to_dict() for f in report.findings), encoder(len(report.findings)), ",")
    errors = ({"path": e.path, "line": e.line, "reason": e.reason} for e in report.errors)
    _array(handle, "errors", errors, _ENCODE, ",")
    _array(handle, "skipped", ({"path": p, "reason": r} for p, r in report.skipped), _ENCODE, "")
    handle.write("}\n")


def _array(handle: TextIO, key: str, items: Iterable[dict[str, Any]], encode: Callable[[Any], str], tail: str) -> None:
    handle.write(f'  "{key}": [')
    separator = "\n    "
    for item in items:
        handle.write(separator + encode(item))
        separator = ",\n    "
    handle.write(("]" if separator == "\n    " else "\n  ]") + tail + "\n")
