"""The JSON report: the documented contract (`schemas/report.schema.json`).

One finding per line keeps the file readable and diffable while the C encoder
does the work (an indented dump of 100,000 findings takes seconds).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guardrails.rules import Rule
    from guardrails.scan import Report


def render(report: Report, rules: Sequence[Rule] = (), *, root: str = ".") -> str:
    data = report.to_dict()
    head = {k: v for k, v in data.items() if k not in ("findings", "errors", "skipped")}
    lines = [json.dumps(head, indent=2)[:-2] + ","]
    for i, key in enumerate(("findings", "errors", "skipped")):
        items = data[key]
        body = ",\n".join(f"    {json.dumps(item, ensure_ascii=False)}" for item in items)
        tail = "," if i < 2 else ""
        lines.append(f'  "{key}": [\n{body}\n  ]{tail}' if items else f'  "{key}": []{tail}')
    return "\n".join(lines) + "\n}\n"
