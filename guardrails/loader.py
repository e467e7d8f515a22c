"""Parse YAML and JSON once, safely, keeping the line of every value.

The composer is libyaml's (safe: it builds nodes, never objects); the walk
below turns nodes into plain data and records `path -> line`, so a finding can
point at the line to change. CloudFormation's short-form tags (`!Ref`,
`!GetAtt` ...) become their long form. Alias expansion and nesting are capped,
so a hostile file is an error, not a hang.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import yaml

from guardrails.model import Path

MAX_NODES = 200_000
MAX_DEPTH = 200

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """The safe loader with tag resolution memoised: templates repeat their scalars ("Allow",
    "aws:kms", "true" ...), and resolving each by regex was a fifth of parsing."""

    _tags: ClassVar[dict[tuple[str, bool, bool], str]] = {}

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, *implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(self._tags) < 100_000:
                self._tags[key] = tag
        return tag

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_STD_TAGS = _SCALAR_TAGS | {
    _STR,
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class LoadError(ValueError):
    """The input is not a document we can read; the message says why and where."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(reason)
        self.line = line


@dataclass(slots=True)
class Document:
    data: Any
    lines: dict[Path, int]


def load_text(text: str) -> Document:
    """Parse one YAML or JSON document."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise LoadError(f"not valid YAML/JSON: {exc.problem or exc.context} (line {line})", line) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"not valid YAML/JSON: {exc}") from None
    except RecursionError:
        raise LoadError(f"nesting deeper than {MAX_DEPTH} levels") from None
    if node is None:
        raise LoadError("empty document")
    return _Walker().document(node)


class _Walker:
    __slots__ = ("count", "lines")

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.count = 0

    def document(self, node: yaml.Node) -> Document:
        data = self.value(node, (), 0)
        return Document(data, self.lines)

    def value(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise LoadError(f"document expands to more than {MAX_NODES} nodes (YAML alias expansion?)")
        if depth > MAX_DEPTH:
            raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        lines = self.lines
        lines[path] = node.start_mark.line + 1
        tag = node.tag
        kind = node.__class__
        if kind is yaml.ScalarNode:
            if tag == _STR:  # most of a template: no tag to check, no constructor to run
                return node.value
            value = self.scalar(node)
        elif kind is yaml.SequenceNode:
            value = [self.value(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        else:
            value = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not yaml.ScalarNode:
                    raise LoadError("a mapping key is not a scalar", key_node.start_mark.line + 1)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise LoadError("YAML merge keys (<<) are not supported", key_node.start_mark.line + 1)
                key = key_node.value  # keys stay as written: `Null:` is an IAM operator, not null
                child = (*path, key)
                value[key] = self.value(value_node, child, depth + 1)
                lines[child] = key_node.start_mark.line + 1
        if tag.startswith("!") and not tag.startswith("!!"):
            return _short_form(tag[1:], value)
        if tag not in _STD_TAGS:
            raise LoadError(f"unsupported YAML tag {tag}", node.start_mark.line + 1)
        return value

    @staticmethod
    def scalar(node: yaml.ScalarNode) -> Any:
        if node.tag in _SCALAR_TAGS:
            return _CONSTRUCTOR.yaml_constructors[node.tag](_CONSTRUCTOR, node)
        # Strings, timestamps (CloudFormation's '2010-09-09' stays a string) and
        # CloudFormation short-form tags all keep the text as written.
        return node.value


def _short_form(name: str, value: Any) -> dict[str, Any]:
    """`!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`, `!Ref X` -> `{"Ref": "X"}`."""
    if name in ("Ref", "Condition"):
        return {name: value}
    if name == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{name}": value}
