"""The JSON report: the documented contract (`schemas/report.schema.json`)."""

from __future__ import annotations

import json

from guardrails.scan import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n"
