"""Report writers: one module per format, each `render(report, rules, root=...) -> str`.

Modules are imported only when their format is asked for, so a table scan does
not pay for the HTML template or the SARIF model.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guardrails.rules import Rule
    from guardrails.scan import Report

# format -> (module, file name written under --output-dir)
FORMATS: dict[str, tuple[str, str]] = {
    "table": ("table", "guardrails.txt"),
    "json": ("json_report", "guardrails.json"),
    "sarif": ("sarif", "guardrails.sarif"),
    "junit": ("junit", "guardrails.junit.xml"),
    "markdown": ("markdown", "guardrails.md"),
    "html": ("html", "guardrails.html"),
}


def render(fmt: str, report: Report, rules: Sequence[Rule], *, root: str = ".") -> str:
    module = importlib.import_module(f"guardrails.reporters.{FORMATS[fmt][0]}")
    return module.render(report, rules, root=root)
