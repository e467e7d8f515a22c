"""JSON documents: edited as data and written back with the file's own indentation (JSON keeps no comments)."""

from __future__ import annotations

import itertools
import json
from typing import Any

from guardrails.fixes.locate import Edit
from guardrails.model import Path


def apply(text: str, edit: Edit) -> str:
    data = json.loads(text)
    if edit.tag is None:
        _set(data, edit.path, edit.value)
    else:
        tags = _get(data, edit.path)
        if tags is None:
            _set(data, edit.path, [{"Key": edit.tag, "Value": edit.value}])
        else:
            item = next((t for t in tags if isinstance(t, dict) and t.get("Key") == edit.tag), None)
            if item is None:
                tags.append({"Key": edit.tag, "Value": edit.value})
            else:
                item["Value"] = edit.value
    out = json.dumps(data, indent=_indent(text), ensure_ascii=False)
    return out + "\n" if text.endswith("\n") else out


def _get(data: Any, path: Path) -> Any:
    for step in path:
        if isinstance(data, dict):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _set(node: Any, path: Path, value: Any) -> None:
    """Set `path`, creating what is missing (an index past a list's end appends)."""
    for step, following in itertools.pairwise(path):
        node = _child(node, step, [] if isinstance(following, int) else {})
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int) and last >= len(node):
        node.append(value)
    else:
        node[last] = value


def _child(node: Any, step: str | int, empty: Any) -> Any:
    if isinstance(node, list):
        assert isinstance(step, int)
        if step >= len(node):
            node.append(empty)
            return node[-1]
        return node[step]
    if node.get(step) is None:
        node[step] = empty
    return node[step]


def _indent(text: str) -> int | str | None:
    """The indentation unit of the first indented line (a tab, or a number of spaces); None when compact."""
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and stripped[0] not in "]}":
            whitespace = line[: len(line) - len(stripped)]
            return whitespace if whitespace.startswith("\t") else len(whitespace) or None
    return None
