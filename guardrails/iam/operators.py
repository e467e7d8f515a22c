"""Condition operator names: which family and test each one spells.

An operator such as ``ForAllValues:StringNotEqualsIfExists`` is split once into
its set qualifier, base test, negation and ``IfExists`` flag so that neither the
parser nor the evaluator re-reads the name. Names are case-sensitive, as in AWS
(``stringEquals`` is rejected with "Invalid Condition type").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache


class Family(StrEnum):
    """The value type an operator compares, which fixes how values are parsed."""

    STRING = "String"
    NUMERIC = "Numeric"
    DATE = "Date"
    BOOL = "Bool"
    BINARY = "Binary"
    IP = "IpAddress"
    ARN = "Arn"
    NULL = "Null"


class Qualifier(StrEnum):
    """Set operators for multivalued context keys."""

    FOR_ALL_VALUES = "ForAllValues"
    FOR_ANY_VALUE = "ForAnyValue"


class Comparison(StrEnum):
    """The positive comparison an operator performs; negated operators invert it."""

    EQUALS = "equals"
    EQUALS_IGNORE_CASE = "equals-ignore-case"
    LIKE = "like"
    LESS = "less"
    LESS_EQUAL = "less-equal"
    GREATER = "greater"
    GREATER_EQUAL = "greater-equal"
    IN_NETWORK = "in-network"
    NULL = "null"


_ORDERINGS = {
    "Equals": (Comparison.EQUALS, False),
    "NotEquals": (Comparison.EQUALS, True),
    "LessThan": (Comparison.LESS, False),
    "LessThanEquals": (Comparison.LESS_EQUAL, False),
    "GreaterThan": (Comparison.GREATER, False),
    "GreaterThanEquals": (Comparison.GREATER_EQUAL, False),
}

BASE_OPERATORS: dict[str, tuple[Family, Comparison, bool]] = {
    "StringEquals": (Family.STRING, Comparison.EQUALS, False),
    "StringNotEquals": (Family.STRING, Comparison.EQUALS, True),
    "StringEqualsIgnoreCase": (Family.STRING, Comparison.EQUALS_IGNORE_CASE, False),
    "StringNotEqualsIgnoreCase": (Family.STRING, Comparison.EQUALS_IGNORE_CASE, True),
    "StringLike": (Family.STRING, Comparison.LIKE, False),
    "StringNotLike": (Family.STRING, Comparison.LIKE, True),
    **{f"Numeric{suffix}": (Family.NUMERIC, *spec) for suffix, spec in _ORDERINGS.items()},
    **{f"Date{suffix}": (Family.DATE, *spec) for suffix, spec in _ORDERINGS.items()},
    "Bool": (Family.BOOL, Comparison.EQUALS, False),
    "BinaryEquals": (Family.BINARY, Comparison.EQUALS, False),
    "IpAddress": (Family.IP, Comparison.IN_NETWORK, False),
    "NotIpAddress": (Family.IP, Comparison.IN_NETWORK, True),
    "ArnEquals": (Family.ARN, Comparison.LIKE, False),
    "ArnLike": (Family.ARN, Comparison.LIKE, False),
    "ArnNotEquals": (Family.ARN, Comparison.LIKE, True),
    "ArnNotLike": (Family.ARN, Comparison.LIKE, True),
    "Null": (Family.NULL, Comparison.NULL, False),
}
"""Base operator -> (family, positive test, negated). ArnEquals takes wildcards like ArnLike (AWS docs)."""


@dataclass(frozen=True, slots=True)
class Operator:
    """A parsed condition operator name."""

    name: str
    base: str
    family: Family
    test: Comparison
    negated: bool
    qualifier: Qualifier | None
    if_exists: bool


@cache
def parse_operator(name: str) -> Operator:
    """Split an operator name; ValueError if AWS would not accept it."""
    qualifier: Qualifier | None = None
    rest = name
    prefix, sep, tail = name.partition(":")
    if sep:
        try:
            qualifier = Qualifier(prefix)
        except ValueError:
            raise ValueError(f"unknown set operator {prefix!r} in {name!r}") from None
        rest = tail
    base = rest.removesuffix("IfExists")
    if_exists = base != rest
    spec = BASE_OPERATORS.get(base)
    if spec is None:
        raise ValueError(f"unknown condition operator {name!r}")
    family, test, negated = spec
    if family is Family.NULL and (if_exists or qualifier):
        raise ValueError(f"Null takes neither a set operator nor IfExists: {name!r}")
    return Operator(name, base, family, test, negated, qualifier, if_exists)
