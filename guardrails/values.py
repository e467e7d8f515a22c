"""Walking canonical values: paths, `Fn::If` branches, unknown parts.

Rules read resources through `fan`, which spans list items and fans out over
branches, so a control is judged on each branch without any rule knowing that
branches exist. Policy predicates judge a document as a whole, once per
combination of branches (`variants`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from guardrails.model import ABSENT, Choice, Path, Unknown

MAX_VARIANTS = 64


def variants(value: Any) -> list[tuple[str, Any]]:
    """Every concrete version of `value` (one per combination of branches), capped."""
    if isinstance(value, Choice):
        out: list[tuple[str, Any]] = []
        for branch, option in value.options:
            for label, concrete in variants(option):
                out.append((_join(branch, label), concrete))
        return out[:MAX_VARIANTS]
    if isinstance(value, dict):
        combos: list[tuple[str, dict[str, Any]]] = [("", {})]
        for key, item in value.items():
            options = variants(item)
            if len(options) == 1 and not options[0][0]:
                concrete = options[0][1]
                for _, partial in combos:
                    if concrete is not ABSENT:
                        partial[key] = concrete
                continue
            combos = [
                (_join(label, opt_label), {**partial, **({} if opt is ABSENT else {key: opt})})
                for label, partial in combos
                for opt_label, opt in options
            ][:MAX_VARIANTS]
        return combos
    if isinstance(value, list):
        lists: list[tuple[str, list[Any]]] = [("", [])]
        for item in value:
            options = variants(item)
            lists = [
                (_join(label, opt_label), partial + ([] if opt is ABSENT else [opt]))
                for label, partial in lists
                for opt_label, opt in options
            ][:MAX_VARIANTS]
        return lists
    return [("", value)]


def first_unknown(value: Any) -> Unknown | None:
    """The first unresolved part of `value`, if any."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list):
        items = value
    elif isinstance(value, Choice):
        items = [option for _, option in value.options]
    else:
        return None
    for item in items:
        found = first_unknown(item)
        if found:
            return found
    return None


def _join(left: str, right: str) -> str:
    return f"{left}, {right}" if left and right else left or right


def fan(value: Any, path: Path, done: Path = (), label: str = "") -> Iterator[tuple[Any, str, Path]]:
    """Every value at `path` (`*` spans list items, `Fn::If` branches fan out) with its concrete path."""
    if isinstance(value, Choice):
        for branch, option in value.options:
            yield from fan(option, path, done, f"{label}, {branch}" if label else branch)
        return
    if not path or isinstance(value, Unknown):
        yield value, label, done
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, list) and value:
            for i, item in enumerate(value):
                yield from fan(item, rest, (*done, i), label)
        else:
            yield (ABSENT if not isinstance(value, list) or not value else value), label, done
        return
    if isinstance(value, dict) and isinstance(head, str):
        yield from fan(value.get(head, ABSENT), rest, (*done, head), label)
    elif isinstance(value, list) and isinstance(head, int) and -len(value) <= head < len(value):
        yield from fan(value[head], rest, (*done, head), label)
    else:
        yield ABSENT, label, (*done, *path)
