"""The audit trail: one JSON line per decision (the seed's "built-in audit tracking").

A line names when (UTC), who (the caller's ARN from STS, looked up once per
session; null when the session has no credentials or the lookup fails), what
(operation, resource, the SHA-256 of the request as canonical JSON) and the
verdict with the controls behind it. Bodies are digested, never logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from typing import Any

from guardrails.enforce.judge import Verdict


class AuditLog:
    """Appends lines to `path`; one writer lock per log, lines are whole even across threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, verdict: Verdict, decision: str, params: dict[str, Any], identity: str | None) -> None:
        entry = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "identity": identity,
            "operation": verdict.request.operation,
            "resource": verdict.request.name,
            "digest": "sha256:" + digest(params),
            "verdict": decision,
            "controls": verdict.controls,
            "rules": sorted({v.rule_id for v in verdict.violations}),
            "unassessed": verdict.request.unassessed,
        }
        line = json.dumps(entry) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)


def digest(params: dict[str, Any]) -> str:
    """SHA-256 of the request as canonical JSON (sorted keys, no whitespace); bytes by their own digest."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return f"<{type(value).__name__}>"  # a stream: its content is not read
