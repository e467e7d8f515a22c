"""Condition operators evaluated against a request context.

Semantics follow reference_policies_elements_condition_operators.html and
reference_policies_condition-single-vs-multi-valued-context-keys.html:

* several values for one key are OR-ed; a negated operator (StringNotEquals,
  NotIpAddress, ArnNotLike, ...) is the negation of that OR, so it is true
  when the context value matches *none* of the policy values;
* a key missing from the context (or a multivalued key with no values) makes
  a non-negated operator false, a negated one true, any ``...IfExists``
  operator true, ``ForAllValues`` true and ``ForAnyValue`` false;
* ``ForAllValues`` is true when every context value passes the test,
  ``ForAnyValue`` when at least one does;
* an operator with no set qualifier applied to a multivalued context value is
  true when *any* value passes. AWS only says multivalued keys "require" a set
  operator and does not document the unqualified case, so we read it as
  ``ForAnyValue`` (the scanner's catalog check flags such policies anyway);
* a context value that is not of the operator's type (``"abc"`` for
  NumericEquals, an unparsable date or address) passes neither the test nor
  its negation;
* Null ``"true"`` means the key is absent or an empty set, ``"false"`` present.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import operator
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from guardrails.iam.operators import Comparison, Family, Operator, Qualifier
from guardrails.iam.patterns import Pieces, compile_patterns, pieces
from guardrails.iam.variables import Context, Template, parse_template

Matcher = Callable[[str], bool | None]
"""Whether one context value passes the positive test; None if it is not of the operator's type."""

ConditionTest = Callable[[Context], bool]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _timestamp(text: str) -> float | None:
    """ISO 8601 (naive means UTC) or epoch seconds, as epoch seconds."""
    number = _number(text)
    if number is not None:
        return number
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _boolean(text: str) -> str | None:
    lowered = text.lower()
    return lowered if lowered in ("true", "false") else None


def _binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return None


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


_PARSERS: dict[Family, Callable[[str], object]] = {
    Family.NUMERIC: _number,
    Family.DATE: _timestamp,
    Family.BOOL: _boolean,
    Family.BINARY: _binary,
    Family.IP: _network,
    Family.NULL: _boolean,
}
"""Parsers for policy values of typed families (None = invalid)."""

_ORDER: dict[Comparison, Callable[[float, float], bool]] = {
    Comparison.EQUALS: operator.eq,
    Comparison.LESS: operator.lt,
    Comparison.LESS_EQUAL: operator.le,
    Comparison.GREATER: operator.gt,
    Comparison.GREATER_EQUAL: operator.ge,
}
"""Context value (left) compared with policy value (right)."""


def check_value(op: Operator, value: str, *, substitute: bool) -> None:
    """Raise ValueError if ``value`` cannot be a value of ``op``'s type.

    A value holding variables is only known per request, so it is not checked;
    Null never substitutes, so its values must be literal true/false.
    """
    parse = _PARSERS.get(op.family)
    if parse is None or (substitute and op.family is not Family.NULL and parse_template(value)):
        return
    if parse(value) is None:
        raise ValueError(f"{value!r} is not a valid {op.family} value for {op.name}")


def _never(_: str) -> bool:
    return False


@lru_cache(maxsize=16384)
def _matcher(family: Family, test: Comparison, values: tuple[Pieces, ...]) -> Matcher:
    """The positive test of one family against a fixed set of policy values."""
    if (family is Family.STRING and test is Comparison.LIKE) or family is Family.ARN:
        if not values:
            return _never
        regex = compile_patterns(values, arn=family is Family.ARN).fullmatch
        return lambda value: regex(value) is not None
    texts = ["".join(text for text, _ in value) for value in values]
    if family is Family.STRING:
        if test is Comparison.EQUALS_IGNORE_CASE:
            folded = frozenset(text.lower() for text in texts)
            return lambda value: value.lower() in folded
        return frozenset(texts).__contains__
    if family in (Family.NUMERIC, Family.DATE):
        parse = _number if family is Family.NUMERIC else _timestamp
        bounds = [bound for bound in map(parse, texts) if bound is not None]
        compare = _ORDER[test]

        def ordered(value: str) -> bool | None:
            number = parse(value)
            return None if number is None else any(compare(number, bound) for bound in bounds)

        return ordered
    if family is Family.BOOL:
        wanted = frozenset(_boolean(text) for text in texts)

        def boolean(value: str) -> bool | None:
            parsed = _boolean(value)
            return None if parsed is None else parsed in wanted

        return boolean
    if family is Family.BINARY:
        blobs = frozenset(_binary(text) for text in texts) - {None}

        def binary(value: str) -> bool | None:
            parsed = _binary(value)
            return None if parsed is None else parsed in blobs

        return binary
    networks = [network for network in map(_network, texts) if network is not None]

    def in_network(value: str) -> bool | None:
        address = _address(value)
        return None if address is None else any(address in network for network in networks)

    return in_network


def compile_condition(op: Operator, key: str, values: tuple[str, ...], *, substitute: bool) -> ConditionTest:
    """A predicate over the request context for one operator/key/values triple.

    Policy values are parsed once here; with ``substitute`` (2012-10-17) values
    holding variables are rendered per request and their matchers cached.
    """
    key = key.lower()
    if op.family is Family.NULL:
        wanted = frozenset(value.lower() == "true" for value in values)
        return lambda context: (not context.get(key)) in wanted

    templates: list[tuple[str, Template | None]] = [
        (value, parse_template(value) if substitute else None) for value in values
    ]
    static: Matcher | None = None
    if not any(template for _, template in templates):
        static = _matcher(op.family, op.test, tuple(pieces(value) for value in values))

    def resolve(context: Context) -> Matcher:
        rendered = (template.render(context) if template else pieces(value) for value, template in templates)
        return _matcher(op.family, op.test, tuple(r for r in rendered if r is not None))

    negated = op.negated
    for_all = op.qualifier is Qualifier.FOR_ALL_VALUES
    when_missing = op.if_exists or for_all or (op.qualifier is None and negated)

    def test(context: Context) -> bool:
        found = context.get(key)
        if not found:
            return when_missing
        matcher = static or resolve(context)
        if for_all:
            for value in found:
                passed = matcher(value)
                if passed is None or passed == negated:
                    return False
            return True
        for value in found:
            passed = matcher(value)
            if passed is not None and passed != negated:
                return True
        return False

    return test
