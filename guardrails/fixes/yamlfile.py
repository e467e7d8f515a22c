"""YAML documents: line edits guided by the line of every value, so comments and layout stay as written.

An existing scalar is replaced in place; a missing key is inserted at the end of
its mapping with the mapping's own indentation; a tag is appended in the style
of the list's items. Layouts a line edit cannot change safely (inline mappings
that would need to grow, block scalars, multi-line values) are refused with
the reason, never rewritten.
"""

from __future__ import annotations

import json
import re
from typing import Any

from guardrails.fixes.locate import Edit, Unfixable
from guardrails.loader import load_text
from guardrails.model import Path, dotted

_PLAIN = re.compile(r"[A-Za-z/][A-Za-z0-9_./:@+-]*")
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def apply(text: str, edit: Edit) -> str:
    editor = _Editor(text)
    if edit.tag is None:
        editor.set(edit.path, edit.value)
    else:
        editor.tag(edit.path, edit.tag, edit.value)
    return "".join(editor.lines)


class _Editor:
    def __init__(self, text: str) -> None:
        document = load_text(text)
        self.data = document.data
        self.at = document.lines
        self.lines = text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        self.newline = "\r\n" if "\r\n" in text else "\n"

    # ---- reading -----------------------------------------------------------------------------------------

    def get(self, path: Path) -> tuple[Any, int]:
        """The value at the deepest existing prefix of `path`, and that prefix's length."""
        node = self.data
        for depth, step in enumerate(path):
            found = (isinstance(node, dict) and step in node) or (
                isinstance(node, list) and isinstance(step, int) and step < len(node)
            )
            if not found:
                return node, depth
            node = node[step]
        return node, len(path)

    def column(self, path: Path) -> int:
        """The column where the key (or list item) at `path` starts on its line."""
        text = self.lines[self.at[path] - 1]
        step = path[-1]
        if isinstance(step, int):
            return _indent(text) + 2 if text.lstrip().startswith("- ") else _indent(text)
        match = _key(step).search(text)
        if match is None:
            raise Unfixable(f"{dotted(path)}: cannot find the key on line {self.at[path]}")
        return match.start(1)

    def end(self, index: int, column: int, dash_at: int | None = None) -> int:
        """The last line (0-based) of the block that starts at `index`: the lines indented to `column` or
        deeper, and list items (`- `) at `dash_at` (a sequence may sit at its key's own indentation)."""
        last = index
        for i in range(index + 1, len(self.lines)):
            stripped = self.lines[i].strip()
            if not stripped or stripped.startswith("#"):
                continue
            indent = _indent(self.lines[i])
            if indent < column and not (indent == dash_at and stripped.startswith("- ")):
                break
            last = i
        return last

    # ---- editing -----------------------------------------------------------------------------------------

    def set(self, path: Path, value: Any) -> None:
        current, depth = self.get(path)
        if depth == len(path):
            if isinstance(current, dict | list) and not _intrinsic(current):
                self._replace_collection(path, value)
            else:
                self._replace_scalar(path, value)
            return
        if not isinstance(current, dict):
            raise Unfixable(f"{dotted(path)}: cannot add to the YAML list at {dotted(path[:depth])}")
        tree: Any = value
        for step in reversed(path[depth + 1 :]):
            tree = [tree] if isinstance(step, int) else {step: tree}
        self._insert(path[:depth], {str(path[depth]): tree})

    def tag(self, path: Path, key: str, value: Any) -> None:
        tags, depth = self.get(path)
        if depth < len(path):
            self.set(path, [{"Key": key, "Value": value}])
            return
        if not isinstance(tags, list) or not tags or self._flow_value(path):
            raise Unfixable(f"{dotted(path)}: the tag list is written inline; add the {key} tag by hand")
        for i, item in enumerate(tags):
            if isinstance(item, dict) and item.get("Key") == key:
                self.set((*path, i, "Value"), value)
                return
        first = self.lines[self.at[(*path, 0)] - 1]
        pad = " " * _indent(first)
        if first.lstrip().startswith("- {"):
            new = [f"{pad}- {{Key: {_scalar(key)}, Value: {_scalar(value)}}}"]
        else:
            new = [f"{pad}- Key: {_scalar(key)}", f"{pad}  Value: {_scalar(value)}"]
        last = (*path, len(tags) - 1)
        self._put(self.end(self.at[last] - 1, self.column(last)) + 1, new)

    def _insert(self, parent: Path, tree: dict[str, Any]) -> None:
        node, _ = self.get(parent)
        if not node:
            raise Unfixable(f"{dotted(parent) or 'the document'} is empty or inline; add {next(iter(tree))} by hand")
        first = (*parent, next(iter(node)))
        if parent and self._in_flow(first):
            raise Unfixable(f"{dotted(parent)} is written inline; add {next(iter(tree))} by hand")
        column = self.column(first)
        self._put(self.end(self.at[first] - 1, column) + 1, _block(tree, column))

    def _replace_scalar(self, path: Path, value: Any) -> None:
        index = self.at[path] - 1
        text = self.lines[index]
        step = path[-1]
        if isinstance(step, int):
            match = re.match(r"(\s*-\s+)", text)
            if match is None:
                raise Unfixable(f"{dotted(path)}: the list is written inline; edit it by hand")
            start = match.end()
            flow = False
        else:
            found = _key(step).search(text)
            if found is None:
                raise Unfixable(f"{dotted(path)}: cannot find the key on line {index + 1}")
            start = found.end()
            flow = "{" in text[: found.start()]
        stop = max(_value_end(text, start, flow), start)
        old = text[start:stop]
        if old[:1] in ("|", ">", "&", "*", "!") or self._continues(index, path):
            raise Unfixable(f"{dotted(path)}: the value spans lines or uses anchors/tags; edit it by hand")
        self.lines[index] = text[:start] + _scalar(value) + text[stop:]

    def _replace_collection(self, path: Path, value: Any) -> None:
        index = self.at[path] - 1
        text = self.lines[index]
        found = _key(str(path[-1])).search(text) if isinstance(path[-1], str) else None
        if found is None:
            raise Unfixable(f"{dotted(path)}: only a keyed value can be replaced")
        stop = max(_value_end(text, found.end(), False), found.end())
        if text[found.end() : stop].strip():
            if not text[found.end() : stop].endswith(("]", "}")):
                raise Unfixable(f"{dotted(path)}: the inline value spans lines; edit it by hand")
            self.lines[index] = text[: found.end()] + _flow(value) + text[stop:]
            return
        column = found.start(1)
        stop = self.end(index, column + 1, dash_at=column)
        body = [line for line in self.lines[index + 1 : stop + 1] if line.strip() and not line.strip().startswith("#")]
        child = _indent(body[0]) if body else column + 2
        del self.lines[index + 1 : stop + 1]
        lines = _items(value, child) if isinstance(value, list) else _block(value, child)
        self._put(index + 1, lines)

    def _in_flow(self, path: Path) -> bool:
        """Whether the key at `path` sits inside an inline `{...}` or `[...]`."""
        text = self.lines[self.at[path] - 1]
        found = _key(str(path[-1])).search(text)
        return found is not None and any(c in text[: found.start()] for c in "{[")

    def _flow_value(self, path: Path) -> bool:
        """Whether the value at `path` is written inline (`[...]`, `{...}`)."""
        text = self.lines[self.at[path] - 1]
        found = _key(str(path[-1])).search(text)
        return found is not None and text[found.end() :].lstrip()[:1] in ("[", "{")

    def _continues(self, index: int, path: Path) -> bool:
        column = self.column(path)
        for line in self.lines[index + 1 :]:
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return _indent(line) > column and not stripped.startswith("- ")
        return False

    def _put(self, index: int, new: list[str]) -> None:
        self.lines[index:index] = [line + self.newline for line in new]


def _key(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w\-.])([\"']?){re.escape(name)}\1[ \t]*:(?:[ \t]+|$)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_end(text: str, start: int, flow: bool) -> int:
    """Where the value starting at `start` ends: at a comment, the line end, or (in flow) the next , } ]."""
    quote = None
    depth = 0
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}" and depth:
            depth -= 1
        elif (flow and depth == 0 and char in ",}]") or (char == "#" and text[i - 1 : i] in ("", " ", "\t")):
            return len(text[:i].rstrip())
    return len(text.rstrip("\r\n").rstrip())


def _intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and (next(iter(value)) == "Ref" or "Fn::" in next(iter(value)))


def _scalar(value: Any) -> str:
    if _intrinsic(value):
        (name, arg), = value.items()
        short = name.removeprefix("Fn::")
        return f"!{short} {'.'.join(arg) if isinstance(arg, list) else arg}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _SPECIAL:
        return text
    return json.dumps(text)


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict) and not _intrinsic(value):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _block(tree: dict[str, Any], column: int) -> list[str]:
    pad = " " * column
    out = []
    for key, value in tree.items():
        if isinstance(value, dict) and not _intrinsic(value):
            out += [f"{pad}{key}:", *_block(value, column + 2)]
        elif isinstance(value, list):
            out += [f"{pad}{key}:", *_items(value, column + 2)]
        else:
            out.append(f"{pad}{key}: {_scalar(value)}")
    return out


def _items(items: list[Any], column: int) -> list[str]:
    pad = " " * column
    out = []
    for item in items:
        if isinstance(item, dict) and not _intrinsic(item):
            lines = _block(item, column + 2)
            out += [f"{pad}- {lines[0].lstrip()}", *lines[1:]]
        else:
            out.append(f"{pad}- {_scalar(item)}")
    return out
