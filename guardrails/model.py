"""The canonical model every source produces and every rule judges.

A source turns its input into `Resource`s whose `props` have the shape of the
AWS API request that creates the resource, so a rule is written once for every
input format. Values a file cannot pin down are `Unknown`; CloudFormation
`Fn::If` branches are kept side by side as a `Choice`; both are judged, never
guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from typing import Any

Path = tuple[str | int, ...]


class Status(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    UNKNOWN = "unknown"
    ERROR = "error"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}
ZONES = ("research", "dev", "uat", "prod")


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be resolved from the input; `reason` says why."""

    reason: str


@dataclass(frozen=True, slots=True)
class Choice:
    """Alternative values (one per `Fn::If` branch); a rule fails if any branch fails."""

    options: tuple[tuple[str, Any], ...]


class _Absent:
    """The value of a key that a branch removes (`AWS::NoValue`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


class Ref(str):
    """A reference to a resource declared in the same input (a KMS key, a subnet ...).

    It behaves as the string the input wrote, and remembers the referenced
    resource's type so a rule can tell, say, a key this template creates (a
    customer-managed key) from an arbitrary string.
    """

    target_type: str
    target: str

    def __new__(cls, text: str, target_type: str, target: str) -> Ref:
        obj = super().__new__(cls, text)
        obj.target_type = target_type
        obj.target = target
        return obj


class Partial(str):
    """A string with parts known only at deploy time (`${AWS::Region}` ...)."""


@dataclass(slots=True)
class Resource:
    kind: str
    id: str
    props: dict[str, Any]
    path: str
    line: int
    source: str
    lines: dict[Path, int] = field(default_factory=dict)
    tags: dict[str, Any] = field(default_factory=dict)
    skips: list[Suppression] = field(default_factory=list)
    scope: str = "create"
    """create: the whole resource, judged in full; update: a request that sets some parts (an S3
    PutBucketEncryption, a SageMaker Update*), judged on those only, since the rest keeps its current value;
    replace: in full except tags (an update that replaces the whole definition carries none)."""

    def line_of(self, path: Path) -> int:
        """The line of the deepest part of `path` that the input spelled out."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line:
                return line
        return self.line


@dataclass(frozen=True, slots=True)
class Suppression:
    """An inline skip: `rule` is a rule id, rule name or control id; a reason is mandatory."""

    rule: str
    reason: str
    expires: str | None = None
    line: int = 0
    origin: str = "comment"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "reason": self.reason,
            "expires": self.expires,
            "line": self.line,
            "origin": self.origin,
        }


@dataclass(slots=True)
class SourceError:
    """A file (or API) that could not be assessed, and why."""

    path: str
    reason: str
    line: int = 0


@dataclass(slots=True)
class Finding:
    rule_id: str
    rule_name: str
    title: str
    control: str
    severity: Severity
    status: Status
    resource_kind: str
    resource_id: str
    path: str
    line: int
    message: str
    remediation: str
    zone: str | None = None
    source: str = ""
    suppression: Suppression | None = None

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        """Pickled as its field values: a scan's workers send back 100,000 of these, and the default
        slots-dataclass state (a `fields()` walk per object) tripled the cost."""
        return Finding, _FINDING_FIELDS(self)

    @property
    def fingerprint(self) -> str:
        """Stable identity of (rule, resource, file) for baselines and SARIF; lines may move, and the
        file counts by its path from the working directory however it was typed (`.`, absolute ...)."""
        import hashlib
        import os

        where = _from_cwd(os.getcwd(), self.path) if self.path else ""
        text = f"{self.rule_id}\x1f{self.resource_kind}\x1f{self.resource_id}\x1f{where}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "rule_name": self.rule_name,
            "title": self.title,
            "control": self.control,
            "severity": str(self.severity),
            "status": str(self.status),
            "resource": {"kind": self.resource_kind, "id": self.resource_id, "zone": self.zone},
            "location": {"path": self.path, "line": self.line, "source": self.source},
            "message": self.message,
            "remediation": self.remediation,
            "fingerprint": self.fingerprint,
            "suppression": self.suppression.to_dict() if self.suppression else None,
        }


_FINDING_FIELDS = attrgetter(*Finding.__slots__)


@lru_cache(maxsize=4096)
def _from_cwd(cwd: str, path: str) -> str:
    """`path` relative to `cwd`, with `/`: computed once per file, not once per finding."""
    import os

    return os.path.relpath(path, cwd).replace(os.sep, "/")


def dotted(path: Path) -> str:
    """`("A", 0, "B")` -> `A[0].B`, the spelling used in messages."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) or part == "*" else (f".{part}" if out else part)
    return out
