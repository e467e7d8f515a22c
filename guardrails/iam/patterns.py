"""IAM wildcard patterns compiled to cached regular expressions.

In IAM text ``*`` matches any run of characters and ``?`` exactly one; the rest
is literal. A pattern is kept as *pieces*, ``(text, literal)`` pairs, because a
policy variable's value and the escapes ``${*}``/``${?}`` are literal even
though they sit inside a wildcard pattern. A scan matches the same few hundred
patterns many thousands of times, so every compiled regex is cached.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

Pieces = tuple[tuple[str, bool], ...]
"""A pattern as ``(text, literal)`` pairs; wildcards only count where ``literal`` is False."""

_SPECIAL = re.compile(r"([*?:])")


def pieces(text: str) -> Pieces:
    """A plain policy string as pattern pieces (its wildcards are live)."""
    return ((text, False),)


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def _source(pattern: Pieces, *, arn: bool) -> str:
    """Regex source for one pattern; with ``arn`` a wildcard stays within its ARN segment.

    ARN segments are the first five ``:``-separated fields; the sixth (the
    resource) is free text, so wildcards there may cross colons.
    """
    out: list[str] = []
    colons = 0
    for text, literal in pattern:
        for part in _SPECIAL.split(text):
            if not part:
                continue
            if part == ":":
                colons += 1
                out.append(":")
            elif literal or part not in ("*", "?"):
                out.append(re.escape(part))
            elif arn and colons < 5:
                out.append("[^:]*" if part == "*" else "[^:]")
            else:
                out.append(".*" if part == "*" else ".")
    return "".join(out)


@lru_cache(maxsize=16384)
def compile_patterns(patterns: tuple[Pieces, ...], *, arn: bool = False) -> re.Pattern[str]:
    """One case-sensitive regex matching any of ``patterns``; use with ``fullmatch``."""
    return re.compile("|".join(f"(?:{_source(p, arn=arn)})" for p in patterns), re.DOTALL)


def _always(_: str) -> bool:
    return True


def _never(_: str) -> bool:
    return False


def glob_matcher(patterns: Iterable[str], *, lowercase: bool = False) -> Callable[[str], bool]:
    """A predicate for plain-text globs: a set lookup when nothing is wild, else one regex.

    With ``lowercase`` the patterns are lowered and the caller passes lowered text
    (cheaper than a case-insensitive regex on every call).
    """
    texts = [p.lower() for p in patterns] if lowercase else list(patterns)
    if "*" in texts:
        return _always
    if not texts:
        return _never
    exact = frozenset(t for t in texts if not has_wildcard(t))
    wild = tuple(pieces(t) for t in texts if has_wildcard(t))
    if not wild:
        return exact.__contains__
    regex = compile_patterns(wild).fullmatch
    if not exact:
        return lambda text: regex(text) is not None
    return lambda text: text in exact or regex(text) is not None
