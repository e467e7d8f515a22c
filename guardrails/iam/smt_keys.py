"""Condition keys as z3 variables: presence, values, and the values' typed readings.

A key holds up to ``bound`` values (1 for a single-valued key) and a symbolic
count; it is present when the count is at least one, as the evaluator treats
an empty list like a missing key. Each value is one z3 term of the key's sort:

* ``BOOL`` (z3 Bool) for keys only Bool operators read;
* ``NUMBER`` (Real) for keys only Numeric/Date operators read;
* ``IP`` (a v6 flag and a 128-bit vector; an IPv4 address uses the low 32 bits)
  for keys only IpAddress operators read;
* ``STRING`` otherwise: String/ARN/Binary operators, a key several families
  read, a key a policy variable names. A key only Binary operators read holds
  canonical base64 (any other text fails BinaryEquals as a non-matching value
  does, so nothing is lost). Typed operators read such a string as
  the concrete code does, exactly, over a domain: Bool readings are
  case-insensitive ``true``/``false``; Numeric/Date readings are decimal
  integers (a string with a digit must be one, or an IPv4 quad where
  IpAddress operators read the key too); IpAddress readings are canonical
  IPv4 quads (a string may not hold ``:``); Binary readings are base64 (a
  valid base64 string must be canonical).

Every string is printable ASCII. The domain is what the engine is complete
over; ``constant_of`` says (None) when a concrete value falls outside it.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

import z3

from guardrails.iam import smt_text as tx
from guardrails.iam.conditions import _boolean, _number, _timestamp
from guardrails.iam.evaluate import _scalar
from guardrails.iam.operators import Family
from guardrails.model import ABSENT

_INTEGER = re.compile(r"-?[0-9]{1,15}")
_DIGIT = re.compile(r"[0-9]")
_PRINTABLE = re.compile(r"[ -~]*")
_V4_BITS = z3.BitVecVal(0, 96)


class Sort(StrEnum):
    STRING = "string"
    BOOL = "bool"
    NUMBER = "number"
    IP = "ip"


@dataclass(frozen=True, slots=True)
class Shape:
    """How one key is encoded: its sort, how many values it may hold, the families that read it."""

    name: str
    sort: Sort
    bound: int
    families: frozenset[Family]

    @property
    def dates_only(self) -> bool:
        """A NUMBER key only Date operators read may be written as ISO 8601, and is shown so."""
        return self.families == {Family.DATE}


def decimal(text: str, family: Family) -> Fraction | None:
    """A Numeric/Date value as the exact rational of the double the evaluator compares."""
    number = (_timestamp if family is Family.DATE else _number)(text)
    return None if number is None else Fraction(number)


def _base64_ok(text: str, only: bool) -> bool:
    """Base64 in its canonical spelling (bytes then compare as strings), or (unless ``only``) not base64."""
    try:
        decoded = base64.b64decode(text, validate=True)
    except binascii.Error:
        return not only
    return base64.b64encode(decoded).decode() == text


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _string_in_domain(text: str, families: frozenset[Family]) -> bool:
    if not _PRINTABLE.fullmatch(text):
        return False
    numeric = families & {Family.NUMERIC, Family.DATE}
    if numeric and _DIGIT.search(text) and not (_INTEGER.fullmatch(text) or (Family.IP in families and _is_ipv4(text))):
        return False
    if Family.IP in families and ":" in text:
        return False
    return Family.BINARY not in families or _base64_ok(text, only=families == {Family.BINARY})


class KeyVar:
    """The z3 variables of one condition key."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        name = shape.name
        self.count = z3.Int(f"{name}#count")
        self.values: list[Any] = [self._fresh(f"{name}#{i}") for i in range(shape.bound)]
        self.present = self.count >= 1

    def _fresh(self, name: str) -> Any:
        sort = self.shape.sort
        if sort is Sort.STRING:
            return z3.String(name)
        if sort is Sort.BOOL:
            return z3.Bool(name)
        if sort is Sort.NUMBER:
            return z3.Real(name)
        return (z3.Bool(f"{name}#v6"), z3.BitVec(name, 128))

    def live(self, index: int) -> z3.BoolRef:
        return self.present if index == 0 else self.count > index

    def domain(self) -> list[z3.BoolRef]:
        out = [self.count >= 0, self.count <= self.shape.bound]
        for value in self.values:
            if self.shape.sort is Sort.STRING:
                out.append(z3.InRe(value, tx.PRINTABLE))
                out += _string_domain(value, self.shape.families)
            elif self.shape.sort is Sort.IP:
                v6, bits = value
                out.append(z3.Or(v6, z3.Extract(127, 32, bits) == _V4_BITS))
        return out

    def single(self) -> tuple[z3.BoolRef, z3.SeqRef]:
        """A policy variable's view: defined when the key holds exactly one value (a STRING key)."""
        defined = self.present if self.shape.bound == 1 else self.count == 1
        return defined, self.values[0]

    def equals(self, value: Any) -> z3.BoolRef | None:
        """The key holds exactly ``value`` (ABSENT, a scalar, or a list/tuple); None if outside the domain."""
        if value is ABSENT:
            return self.count == 0
        items = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        if len(items) > self.shape.bound:
            return None
        terms = [self.count == len(items)]
        for index, item in enumerate(items):
            constant = constant_of(self.shape, item)
            if constant is None:
                return None
            terms.append(_same(self.values[index], constant))
        return z3.And(terms)

    def value(self, model: z3.ModelRef) -> Any:
        """The key's value in ``model``: ABSENT, a scalar, or (multivalued) a list."""
        count = model.eval(self.count, model_completion=True).as_long()
        if count == 0:
            return ABSENT
        values = [self._render(model, value) for value in self.values[:count]]
        return values if self.shape.bound > 1 else values[0]

    def _render(self, model: z3.ModelRef, term: Any) -> Any:
        sort = self.shape.sort
        if sort is Sort.STRING:
            return tx.from_model(model.eval(term, model_completion=True))
        if sort is Sort.BOOL:
            return z3.is_true(model.eval(term, model_completion=True))
        if sort is Sort.NUMBER:
            exact = model.eval(term, model_completion=True)
            return _show_number(Fraction(exact.numerator_as_long(), exact.denominator_as_long()), self.shape.dates_only)
        v6, bits = (model.eval(part, model_completion=True) for part in term)
        number = bits.as_long()
        return str(ipaddress.IPv6Address(number) if z3.is_true(v6) else ipaddress.IPv4Address(number & 0xFFFFFFFF))


def constant_of(shape: Shape, value: Any) -> Any | None:
    """The z3 constant for one concrete value of a key of ``shape``, None if outside the domain."""
    sort = shape.sort
    if sort is Sort.BOOL:
        reading = _boolean(_scalar(value))
        return None if reading is None else z3.BoolVal(reading == "true")
    text = _scalar(value)
    if sort is Sort.STRING:
        return tx.text(text) if _string_in_domain(text, shape.families) else None
    if sort is Sort.NUMBER:
        number = decimal(text, Family.DATE if shape.dates_only else Family.NUMERIC)
        return None if number is None else z3.RealVal(number)
    if "%" in text:
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return (z3.BoolVal(address.version == 6), z3.BitVecVal(int(address), 128))


def _same(term: Any, constant: Any) -> z3.BoolRef:
    if isinstance(term, tuple):
        return z3.And(term[0] == constant[0], term[1] == constant[1])
    return term == constant


def _string_domain(value: z3.SeqRef, families: frozenset[Family]) -> list[z3.BoolRef]:
    out = []
    if families & {Family.NUMERIC, Family.DATE}:
        readable = [tx.INTEGER, tx.NO_DIGIT] + [tx.IPV4] * (Family.IP in families)
        out.append(z3.Or([z3.InRe(value, regex) for regex in readable]))
    if Family.IP in families:
        out.append(z3.Not(z3.Contains(value, tx.text(":"))))
    if families == {Family.BINARY}:
        out.append(z3.InRe(value, tx.CANONICAL_BASE64))
    elif Family.BINARY in families:
        out.append(z3.Or(z3.Not(z3.InRe(value, tx.BASE64)), z3.InRe(value, tx.CANONICAL_BASE64)))
    return out


def _show_number(number: Fraction, as_date: bool) -> str:
    """A number the evaluator reads back as ``number`` (the nearest double when it is not one)."""
    if number.denominator == 1:
        whole = int(number)
        if as_date and 0 <= whole < 253402300800:
            return datetime.fromtimestamp(whole, UTC).isoformat()
        return str(whole)
    return repr(float(number))


def typed(shape: Shape, value: Any, family: Family) -> z3.BoolRef | bool:
    """Whether one value is of ``family``'s type (only a STRING key can hold other text)."""
    if shape.sort is not Sort.STRING or family in (Family.STRING, Family.ARN) or shape.families == {Family.BINARY}:
        return True
    if family is Family.BOOL:
        return z3.InRe(value, tx.boolean())
    if family in (Family.NUMERIC, Family.DATE):
        return z3.InRe(value, tx.INTEGER)
    if family is Family.IP:
        return z3.InRe(value, tx.IPV4)
    return z3.InRe(value, tx.BASE64)
