"""Generated policy files: their text, their size as AWS counts it, and packing under the size limits.

IAM does not count whitespace against a managed policy's 6,144 characters, so
identity, endpoint and bucket policies are written indented for review.
Organizations counts an SCP as uploaded, so SCPs are written compact and
their file size is what counts against 5,120.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

VERSION = "2012-10-17"
LIMITS = {"identity": 6144, "scp": 5120, "endpoint": 20480, "bucket": 20480}
"""AWS's limits: managed policy, SCP, VPC endpoint policy, bucket policy (20 KB)."""

Statement = dict[str, Any]
Item = TypeVar("Item")


class GenerateError(ValueError):
    """The configuration cannot be turned into valid policies; the message says what to change."""


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """One file to write. `document` is a policy or, for bucket encryption, a PutBucketEncryption request."""

    name: str
    kind: str
    document: dict[str, Any]
    limit: int | None = None

    @property
    def text(self) -> str:
        if self.kind == "scp":
            return compact(self.document) + "\n"
        return json.dumps(self.document, indent=2) + "\n"

    @property
    def size(self) -> int:
        """The characters AWS counts against `limit`."""
        return len(compact(self.document))


def compact(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def policy(statements: Sequence[Statement]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def pack(
    items: Sequence[Item], build: Callable[[Sequence[Item]], list[Statement]], limit: int, what: str
) -> list[list[Statement]]:
    """Greedily group `items` (each a unit that must stay in one document) into documents under `limit`.

    `build` turns a group of items into statements, so a group may share statements
    (an SCP's per-key denies span every action family in its document)."""
    documents: list[list[Statement]] = []
    current: list[Item] = []
    for item in items:
        if current and _size(build([*current, item])) > limit:
            documents.append(build(current))
            current = []
        current.append(item)
        if _size(build(current)) > limit:
            raise GenerateError(
                f"{what}: one unit alone is {_size(build(current))} characters, above AWS's limit of {limit}; "
                "shorten the approved lists it repeats"
            )
    if current:
        documents.append(build(current))
    return documents


def _size(statements: list[Statement]) -> int:
    return len(compact(policy(statements)))


def numbered(stem: str, count: int, index: int) -> str:
    """`identity-app1.json`, or `identity-app1-2.json` for the second of several parts."""
    return f"{stem}.json" if count == 1 or index == 0 else f"{stem}-{index + 1}.json"
