"""z3 strings and regular expressions for IAM text.

The symbolic engine (``guardrails.iam.symbolic``) compares request strings
with policy text through these builders: globs and ARN patterns as
``patterns.py`` compiles them (a policy variable inside a pattern is a
symbolic literal), canonical dotted-quad IPv4 addresses and CIDR blocks,
case-insensitive ASCII text, integers, and base64 as CPython 3.11's
``b64decode(validate=True)`` accepts it. Every builder is exact: a string is
in the regex exactly when the concrete code would say yes.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Sequence
from fractions import Fraction
from functools import cache

import z3

STRING = z3.StringSort()
_RE = z3.ReSort(STRING)
_LAST = "\\u{2ffff}"
"""z3's largest character (its default Unicode alphabet), as z3 string-literal text."""
CHAR = z3.Range("\\u{0}", _LAST)
"""Any one character: a range, which z3's regex solver handles far faster than ``re.allchar``."""
ANY = z3.Star(CHAR)
PRINTABLE = z3.Star(z3.Range(" ", "~"))
"""The symbolic engine's string domain: printable ASCII (readable counterexamples, exact lower-casing)."""


def _except(char: str) -> z3.ReRef:
    """Any one character but ``char`` (ranges: z3 solves them faster than a complement)."""
    return z3.Union(z3.Range("\\u{0}", f"\\u{{{ord(char) - 1:x}}}"), z3.Range(f"\\u{{{ord(char) + 1:x}}}", _LAST))


NOT_COLON = _except(":")
NOT_NEWLINE = _except("\n")
DIGIT = z3.Range("0", "9")
NO_DIGIT = z3.Star(z3.Union(z3.Range("\\u{0}", "/"), z3.Range(":", _LAST)))
INTEGER = z3.Concat(z3.Option(z3.Re("-")), z3.Loop(DIGIT, 1, 15))
"""Decimal integers short enough that ``float`` reads them exactly."""
_B64 = z3.Union(z3.Range("A", "Z"), z3.Range("a", "z"), DIGIT, z3.Re("+"), z3.Re("/"))
_MAX_CHAR = 0x2FFFF
_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}")
_SPECIAL = re.compile(r"([*?:])")

Segment = tuple[str, bool] | z3.SeqRef
"""Pattern text as ``(text, literal)`` (wildcards live unless literal), or a symbolic literal (a variable's value)."""


def text(value: str) -> z3.SeqRef:
    """A z3 string constant holding exactly ``value`` (z3 would read ``\\u{..}`` in plain text as an escape)."""
    out = []
    for char in value:
        code = ord(char)
        if code > _MAX_CHAR:
            raise ValueError(f"character U+{code:X} is beyond z3's alphabet")
        out.append(char if " " <= char <= "~" and char != "\\" else f"\\u{{{code:x}}}")
    return z3.StringVal("".join(out))


def from_model(value: z3.SeqRef) -> str:
    """The Python string of a z3 string value (z3 prints ``\\`` and non-printables as ``\\u{..}``)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value.as_string())


def concat(parts: Sequence[z3.ReRef]) -> z3.ReRef:
    if not parts:
        return z3.Re(text(""))
    return parts[0] if len(parts) == 1 else z3.Concat(*parts)


def union(parts: Sequence[z3.ReRef]) -> z3.ReRef:
    return parts[0] if len(parts) == 1 else z3.Union(*parts)


def _wildcard_in_fields(segments: Sequence[Segment], colons: int) -> bool:
    """Whether a live wildcard in ``segments`` may fall in the first five ARN fields, counting
    ``colons`` before them and none in symbolic literals (the fewest they can hold)."""
    for segment in segments:
        if not isinstance(segment, tuple):
            continue
        value, literal = segment
        for part in _SPECIAL.split(value):
            if part == ":":
                colons += 1
            elif not literal and part in ("*", "?") and colons < 5:
                return True
    return False


def _colons(count: int, at_least: bool) -> z3.ReRef:
    """Strings with exactly (or at least) ``count`` colons."""
    parts = [z3.Star(NOT_COLON), z3.Re(":")] * count
    return concat([*parts, ANY if at_least else z3.Star(NOT_COLON)])


def pattern(segments: Sequence[Segment], *, arn: bool = False) -> list[tuple[list[z3.BoolRef], z3.ReRef]]:
    """The regex of one IAM pattern, as alternatives ``(guards, regex)`` to OR.

    With ``arn``, a wildcard in the first five ``:``-separated fields stays in
    its field (``patterns._source``). Where a symbolic literal precedes such a
    wildcard, the field depends on how many colons the literal holds, so each
    count is an alternative guarded by that count.
    """
    alternatives: list[tuple[list[z3.BoolRef], list[z3.ReRef], int]] = [([], [], 0)]
    for position, segment in enumerate(segments):
        if not isinstance(segment, tuple):
            grown = []
            for guards, parts, colons in alternatives:
                if not (arn and _wildcard_in_fields(segments[position + 1 :], colons)):
                    grown.append((guards, [*parts, z3.Re(segment)], colons))
                    continue
                for extra in range(6 - colons):
                    guard = z3.InRe(segment, _colons(extra, at_least=colons + extra == 5))
                    grown.append(([*guards, guard], [*parts, z3.Re(segment)], colons + extra))
            alternatives = grown
            continue
        value, literal = segment
        alternatives = [
            (guards, *_literal_parts(value, literal, arn, parts, colons)) for guards, parts, colons in alternatives
        ]
    return [(guards, concat(parts)) for guards, parts, _ in alternatives]


def in_pattern(value: z3.SeqRef, segments: Sequence[Segment], *, arn: bool = False) -> z3.BoolRef:
    """``value`` matches the pattern: one regex membership, any symbolic literal inside the regex.
    (Peeling symbolic literals off as a prefix/suffix split proves a match faster but refutes one far
    slower in z3 5.4, and z3 internalises both encodings if given both; the regex is steadier.)"""
    return z3.Or([z3.And(*guards, z3.InRe(value, regex)) for guards, regex in pattern(segments, arn=arn)])


def _literal_parts(
    value: str, literal: bool, arn: bool, parts: list[z3.ReRef], colons: int
) -> tuple[list[z3.ReRef], int]:
    out = list(parts)
    pending = ""
    for part in _SPECIAL.split(value):
        if part == ":":
            colons += 1
            pending += ":"
        elif literal or part not in ("*", "?"):
            pending += part
        else:
            if pending:
                out.append(z3.Re(text(pending)))
                pending = ""
            field = arn and colons < 5
            if part == "*":
                out.append(z3.Star(NOT_COLON) if field else ANY)
            else:
                out.append(NOT_COLON if field else CHAR)
    if pending:
        out.append(z3.Re(text(pending)))
    return out, colons


def folded(value: str) -> z3.ReRef:
    """Strings whose ``str.lower()`` equals ``value.lower()``, over the ASCII domain."""
    parts = []
    for char in value.lower():
        if "a" <= char <= "z":
            parts.append(z3.Union(z3.Re(char), z3.Re(char.upper())))
        else:
            parts.append(z3.Re(text(char)))
    return concat(parts)


@cache
def boolean(truth: bool | None = None) -> z3.ReRef:
    """Strings ``conditions._boolean`` reads as ``truth`` (None: as either)."""
    if truth is None:
        return z3.Union(folded("true"), folded("false"))
    return folded("true" if truth else "false")


def lower(value: z3.SeqRef) -> z3.SeqRef:
    """``value.lower()`` for ASCII strings, symbolically."""
    return z3.SeqMap(_TO_LOWER, value)


def _to_lower() -> z3.QuantifierRef:
    char = z3.Const("c", z3.CharSort())
    upper = z3.And(z3.CharVal("A") <= char, char <= z3.CharVal("Z"))
    return z3.Lambda([char], z3.If(upper, z3.CharFromBv(z3.CharToBv(char) + 32), char))


_TO_LOWER = _to_lower()


def _numbers(low: int, high: int) -> z3.ReRef:
    if (low, high) == (0, 255):
        return _OCTET
    return union([z3.Re(str(n)) for n in range(low, high + 1)])


_OCTET = z3.Union(
    z3.Concat(z3.Re("25"), z3.Range("0", "5")),
    z3.Concat(z3.Re("2"), z3.Range("0", "4"), DIGIT),
    z3.Concat(z3.Re("1"), DIGIT, DIGIT),
    z3.Concat(z3.Range("1", "9"), DIGIT),
    DIGIT,
)


def ipv4_block(network: ipaddress.IPv4Network) -> z3.ReRef:
    """Canonical dotted quads (what ``ipaddress`` accepts: no leading zeros) inside ``network``."""
    first, last = network.network_address.packed, network.broadcast_address.packed
    parts: list[z3.ReRef] = []
    for index in range(4):
        if index:
            parts.append(z3.Re("."))
        parts.append(_numbers(first[index], last[index]))
    return concat(parts)


IPV4 = ipv4_block(ipaddress.IPv4Network("0.0.0.0/0"))

_ZEROS = z3.Star(z3.Re("0"))
_NONZERO = z3.Range("1", "9")


def _digits(count: int, more: bool = False) -> z3.ReRef:
    """Exactly ``count`` digits (``more``: at least)."""
    fixed = z3.Loop(DIGIT, count, count) if count else z3.Re(text(""))
    return z3.Concat(fixed, z3.Star(DIGIT)) if more else fixed


def _magnitude(limit: int, at_most: bool) -> z3.ReRef:
    """Digit strings (leading zeros allowed) whose value is at most (else at least) ``limit`` >= 0."""
    if not at_most and limit == 0:
        return z3.Plus(DIGIT)
    canonical = str(limit)
    width = len(canonical)
    options = [z3.Re(text(canonical))] if limit else []
    for index, digit in enumerate(canonical):
        low, high = (0 if index else 1, int(digit) - 1) if at_most else (int(digit) + 1, 9)
        if low <= high:
            step = z3.Range(str(low), str(high))
            options.append(concat([z3.Re(text(canonical[:index])), step, _digits(width - index - 1)]))
    if at_most:
        if width > 1:  # fewer digits (z3's Loop reads an upper bound of 0 as "unbounded")
            options.append(z3.Concat(_NONZERO, z3.Loop(DIGIT, 0, width - 2)) if width > 2 else _NONZERO)
        zero = z3.Plus(z3.Re("0"))
        return z3.Union(z3.Concat(_ZEROS, union(options)), zero) if options else zero
    options.append(z3.Concat(_NONZERO, _digits(width, more=True)))
    return z3.Concat(_ZEROS, union(options))


def _at_most(limit: int) -> z3.ReRef:
    if limit >= 0:
        return z3.Union(z3.Concat(z3.Re("-"), z3.Plus(DIGIT)), _magnitude(limit, at_most=True))
    return z3.Concat(z3.Re("-"), _magnitude(-limit, at_most=False))


def _at_least(limit: int) -> z3.ReRef:
    if limit <= 0:
        return z3.Union(z3.Plus(DIGIT), z3.Concat(z3.Re("-"), _magnitude(-limit, at_most=True)))
    return _magnitude(limit, at_most=False)


def integers(test: str, bound: Fraction) -> z3.ReRef:
    """Integer strings (``-?[0-9]+``) whose value passes ``value TEST bound``: a comparison z3 decides
    on the string itself, far faster than after ``str.to_int``. ``test`` is ``operators.Comparison``'s
    value (equals, less, less-equal, greater, greater-equal)."""
    if test == "equals":
        if bound.denominator != 1:
            return z3.Empty(_RE)
        magnitude = z3.Concat(_ZEROS, z3.Re(text(str(abs(int(bound)))))) if bound else z3.Plus(z3.Re("0"))
        sign = z3.Option(z3.Re("-")) if bound == 0 else z3.Re("-") if bound < 0 else z3.Re(text(""))
        return z3.Concat(sign, magnitude)
    if test in ("less", "less-equal"):
        limit = math.ceil(bound) - 1 if test == "less" else math.floor(bound)
        return _at_most(limit)
    limit = math.floor(bound) + 1 if test == "greater" else math.ceil(bound)
    return _at_least(limit)


_QUADS = z3.Star(z3.Loop(_B64, 4, 4))
BASE64 = z3.Union(
    _QUADS,
    z3.Concat(z3.Plus(z3.Loop(_B64, 4, 4)), z3.Plus(z3.Re("="))),
    z3.Concat(_QUADS, _B64, _B64, z3.Re("==")),
    z3.Concat(_QUADS, _B64, _B64, _B64, z3.Re("=")),
)
"""What ``base64.b64decode(s, validate=True)`` accepts on CPython 3.11: any run of padding after a full quad
(``AAAA===``), exact padding after a partial one."""
CANONICAL_BASE64 = z3.Union(
    _QUADS,
    z3.Concat(_QUADS, _B64, union([z3.Re(c) for c in "AQgw"]), z3.Re("==")),
    z3.Concat(_QUADS, _B64, _B64, union([z3.Re(c) for c in "AEIMQUYcgkosw048"]), z3.Re("=")),
)
"""``b64encode`` output: one spelling per byte string, so bytes compare as these strings do."""
