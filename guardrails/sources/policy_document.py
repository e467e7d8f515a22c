"""Standalone policy documents: identity, bucket, VPC-endpoint and SCP JSON/YAML files.

The kind is read from the content where it decides (a `Principal` makes a
resource policy; S3 actions on bucket ARNs make a bucket policy), else from
the conventional file name, and `--policy-kind` always wins.
"""

from __future__ import annotations

from typing import Any

from guardrails.loader import Document
from guardrails.model import Resource, SourceError
from guardrails.sources.canonical import policy

NAME = "policy"
KINDS = ("identity", "bucket", "endpoint", "scp")


def detect(data: Any) -> bool:
    return isinstance(data, dict) and "Statement" in data


def infer_kind(data: dict[str, Any], filename: str) -> str:
    """identity | bucket | endpoint | scp for a policy document."""
    name = filename.lower()
    statements = data.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    has_principal = any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s) for s in statements)
    if not has_principal:
        return "scp" if "scp" in name else "identity"
    if "endpoint" in name or "vpce" in name:
        return "endpoint"
    if "bucket" in name:
        return "bucket"
    actions: list[str] = []
    resources: list[str] = []
    for statement in statements:
        if isinstance(statement, dict):
            actions += _strings(statement.get("Action", statement.get("NotAction")))
            resources += _strings(statement.get("Resource", statement.get("NotResource")))
    on_buckets = resources and all(r.startswith("arn:aws:s3:::") for r in resources)
    only_s3 = actions and all(a.lower().startswith("s3:") for a in actions)
    return "bucket" if on_buckets and only_s3 else "endpoint"


def load(doc: Document, path: str, stem: str, kind: str | None = None) -> tuple[list[Resource], list[SourceError]]:
    chosen = kind or infer_kind(doc.data, stem)
    resource = policy(f"policy.{chosen}", stem, doc.data, path, doc.lines.get((), 1), doc.lines, NAME)
    return [resource], []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
