"""Policy sets as z3 formulas over one symbolic request, and ``solve``, the complete twin of ``reasoning.find``.

The request is symbolic in its action (one of a finite list), resource, principal
and every condition key the policies name (``smt_keys`` says how a key's values
are encoded). The decision follows ``evaluate``: an applicable Deny anywhere
wins; otherwise an identity or resource policy must allow, and so must each
SCP, boundary and endpoint layer that is present. Where ``find`` tries the
candidate values it can think of, ``solve`` asks z3 whether any request in
the encoding's domain has the wanted decision, so "none" means none, and every
request it reports is decided again by the concrete evaluator.

This module and its helpers (``smt_text``, ``smt_keys``) import z3; ``import guardrails.iam`` does not.
"""

from __future__ import annotations

import base64
import ipaddress
import itertools
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import z3

from guardrails.iam import smt_text as tx
from guardrails.iam.catalog import action_supports, is_multivalued, key_type
from guardrails.iam.conditions import compile_condition
from guardrails.iam.evaluate import Decision, PolicyKind, Request
from guardrails.iam.operators import Comparison, Family, Operator, Qualifier
from guardrails.iam.policy import Condition, Effect, Policy, PolicyError, Principal, Statement
from guardrails.iam.principals import _ACCOUNT, _ROLE, _ROOT
from guardrails.iam.smt_keys import KeyVar, Shape, Sort, constant_of, decimal, typed
from guardrails.iam.variables import Variable, parse_template
from guardrails.model import ABSENT
from guardrails.reasoning import (
    BASE_CONTEXT,
    PRINCIPAL,
    TOGETHER,
    Counterexample,
    PolicySet,
    _canonical,
    _names,
    action_matches,
)

_LAYERS = (
    ("identity", PolicyKind.IDENTITY),
    ("resource", PolicyKind.RESOURCE),
    ("scps", PolicyKind.SCP),
    ("boundaries", PolicyKind.BOUNDARY),
    ("endpoint", PolicyKind.ENDPOINT),
)
_NAMES_PRINCIPAL = frozenset({PolicyKind.RESOURCE, PolicyKind.ENDPOINT})
_MIN_BOUND = 3
"""Values a multivalued key may hold, at least; more when more conditions test it (see ``_shape``)."""
_BUDGETS_MS = (1_000, 2_000, 4_000, 8_000, 16_000)
"""Time for each attempt of a check, each with another random seed (31 s in all)."""
_ORDER = {
    Comparison.EQUALS: lambda a, b: a == b,
    Comparison.LESS: lambda a, b: a < b,
    Comparison.LESS_EQUAL: lambda a, b: a <= b,
    Comparison.GREATER: lambda a, b: a > b,
    Comparison.GREATER_EQUAL: lambda a, b: a >= b,
}
_SESSION_TAIL = z3.Plus(tx.NOT_NEWLINE)
_FIELD = z3.Star(tx.NOT_COLON)


class Unsupported(ValueError):
    """A policy feature the encoding does not express; the message names it."""


class OutsideDomain(ValueError):
    """A concrete request the encoding does not cover (see ``smt_keys``)."""


class SolverGaveUp(RuntimeError):
    """z3 answered unknown (a timeout or an undecided string constraint)."""


class Disagreement(AssertionError):
    """The concrete evaluator decided a model differently from the encoding: a bug in one of them."""


def _any(terms: Sequence[z3.BoolRef | bool]) -> z3.BoolRef:
    terms = [z3.BoolVal(t) if isinstance(t, bool) else t for t in terms]
    return z3.BoolVal(False) if not terms else terms[0] if len(terms) == 1 else z3.Or(terms)


def _all(terms: Sequence[z3.BoolRef | bool]) -> z3.BoolRef:
    terms = [z3.BoolVal(t) if isinstance(t, bool) else t for t in terms]
    return z3.BoolVal(True) if not terms else terms[0] if len(terms) == 1 else z3.And(terms)


@dataclass(slots=True)
class _Usage:
    """What the policies and the caller ask of one key; decides its Shape."""

    spelling: str
    families: set[Family] = field(default_factory=set)
    conditions: int = 0
    qualified: bool = False
    named_by_variable: bool = False
    forced: list[Any] = field(default_factory=list)


def _variables(text: str) -> list[Variable]:
    template = parse_template(text)
    return [s for s in template.segments if isinstance(s, Variable)] if template else []


def _usages(policies: Iterable[Policy], forced: Mapping[str, tuple[str, list[Any]]]) -> dict[str, _Usage]:
    usages: dict[str, _Usage] = {}

    def usage(key: str) -> _Usage:
        return usages.setdefault(_canonical(key), _Usage(key))

    for policy in policies:
        substitutes = policy.substitutes_variables
        for statement in policy.statements:
            for condition in statement.conditions:
                op = condition.op
                found = usage(condition.key)
                found.conditions += 1
                found.qualified |= op.qualifier is not None
                if op.family is not Family.NULL:
                    found.families.add(op.family)
                    for value in condition.values if substitutes else ():
                        for variable in _variables(value):
                            usage(variable.key).named_by_variable = True
            for resource in statement.resources or () if substitutes else ():
                for variable in _variables(resource):
                    usage(variable.key).named_by_variable = True
    for name, (spelling, values) in forced.items():
        usages.setdefault(name, _Usage(spelling)).forced = values
    return usages


_CATALOG_SORTS = {"Bool": Sort.BOOL, "Numeric": Sort.NUMBER, "Date": Sort.NUMBER, "IPAddress": Sort.IP}


def _shape(name: str, usage: _Usage) -> Shape:
    """A key's encoding. A multivalued key holds at most max(3, conditions on it) values, which loses
    nothing: each condition needs at most one witness value (ForAllValues only fails on one, ForAnyValue
    only needs one), and removing the others keeps every condition's truth."""
    families = frozenset(usage.families)
    lists = [len(v) for v in usage.forced if isinstance(v, list | tuple)]
    multivalued = usage.qualified or bool(lists) or is_multivalued(name)
    bound = max(_MIN_BOUND, usage.conditions, *lists) if multivalued else 1
    sort = Sort.STRING
    if not usage.named_by_variable:
        if not families:
            sort = _CATALOG_SORTS.get((key_type(name) or "").removeprefix("ArrayOf"), Sort.STRING)
        elif families == {Family.BOOL}:
            sort = Sort.BOOL
        elif families <= {Family.NUMERIC, Family.DATE}:
            sort = Sort.NUMBER
        elif families == {Family.IP}:
            sort = Sort.IP
    shape = Shape(name, sort, bound, families)
    scalars = [item for v in usage.forced if v is not ABSENT for item in (v if isinstance(v, list | tuple) else [v])]
    if sort is not Sort.STRING and any(constant_of(shape, item) is None for item in scalars):
        shape = Shape(name, Sort.STRING, bound, families)
    return shape


@dataclass(frozen=True, slots=True)
class _Variant:
    """A policy value with each variable either holding its key's value or (``guard`` false) its default."""

    guard: z3.BoolRef | bool
    segments: tuple[tx.Segment, ...]

    @property
    def constant(self) -> str | None:
        """The text, when no key's value is in it."""
        if all(isinstance(s, tuple) for s in self.segments):
            return "".join(s[0] for s in self.segments)  # type: ignore[index]
        return None

    def joined(self, lowered: bool = False) -> z3.SeqRef:
        parts = []
        for segment in self.segments:
            if isinstance(segment, tuple):
                parts.append(tx.text(segment[0].lower() if lowered else segment[0]))
            else:
                parts.append(tx.lower(segment) if lowered else segment)
        return parts[0] if len(parts) == 1 else z3.Concat(*parts)


@dataclass(frozen=True, slots=True)
class _Operand:
    """One policy value after substitution, as the variants its variables allow (none defined: no value)."""

    variants: tuple[_Variant, ...]
    raw: str | None
    """The policy text when it holds no variable."""


@lru_cache(maxsize=4096)
def _constant_pattern(segments: tuple[tuple[str, bool], ...], arn: bool) -> z3.ReRef:
    return tx.pattern(segments, arn=arn)[0][1]


class Encoding:
    """A policy set as z3 terms over one symbolic request (``allowed``, ``denied``)."""

    def __init__(
        self,
        pset: PolicySet,
        actions: Sequence[str],
        forced: Mapping[str, tuple[str, list[Any]]] | None = None,
    ) -> None:
        self.pset = pset
        self.actions = list(actions)
        self.action = z3.Int("action") if len(self.actions) > 1 else None
        self.resource = z3.String("resource")
        self.principal = z3.String("principal")
        self.has_principal = z3.Bool("has_principal")
        policies = list({id(p): p for p in (*pset.policies(), *pset.drivers)}.values())
        usages = _usages(policies, forced or {})
        self.keys = {name: KeyVar(_shape(name, usage)) for name, usage in usages.items()}
        self.spelling = {name: usage.spelling for name, usage in usages.items()}
        self._statements: dict[tuple[int, bool, bool], tuple[Statement, z3.BoolRef]] = {}
        self.denied, self.allowed = self._decision()

    # ---- the request's domain and its concrete form ----------------------------------------------------

    def domain(self) -> list[z3.BoolRef]:
        out = [z3.InRe(self.resource, tx.PRINTABLE), z3.InRe(self.principal, tx.PRINTABLE)]
        if self.action is not None:
            out += [self.action >= 0, self.action < len(self.actions)]
        for key in self.keys.values():
            out += key.domain()
        return out

    def bind(self, request: Request) -> list[z3.BoolRef]:
        """Constraints that pin every variable to ``request``; OutsideDomain if it cannot be encoded."""
        if request.action not in self.actions:
            raise OutsideDomain(f"action {request.action!r} is not among {self.actions}")
        terms = []
        if self.action is not None:
            terms.append(self.action == self.actions.index(request.action))
        resource = constant_of(Shape("resource", Sort.STRING, 1, frozenset()), request.resource)
        if resource is None:
            raise OutsideDomain(f"resource {request.resource!r} is not printable ASCII")
        terms += [self.resource == resource, self.principal_is(request.principal)]
        context = request.normalised
        for name, key in self.keys.items():
            values = context.get(name)
            if any(context.get(alias) != values for alias in _names(name)):
                raise OutsideDomain(f"{', '.join(_names(name))} must hold the same values")
            term = key.equals(values if values else ABSENT)
            if term is None:
                raise OutsideDomain(f"{name}={values!r} is outside the encoding of {key.shape}")
            terms.append(term)
        return terms

    def principal_is(self, principal: str | None) -> z3.BoolRef:
        if principal is None:
            return z3.Not(self.has_principal)
        value = constant_of(Shape("principal", Sort.STRING, 1, frozenset()), principal)
        if value is None:
            raise OutsideDomain(f"principal {principal!r} is not printable ASCII")
        return z3.And(self.has_principal, self.principal == value)

    def request(self, model: z3.ModelRef) -> tuple[Request, dict[str, Any]]:
        """The concrete request of ``model`` and each encoded key's value (ABSENT when missing)."""
        index = 0 if self.action is None else model.eval(self.action, model_completion=True).as_long()
        resource = tx.from_model(model.eval(self.resource, model_completion=True))
        principal = None
        if z3.is_true(model.eval(self.has_principal, model_completion=True)):
            principal = tx.from_model(model.eval(self.principal, model_completion=True))
        context: dict[str, Any] = dict(BASE_CONTEXT)
        values: dict[str, Any] = {}
        for name, key in self.keys.items():
            value = values[name] = key.value(model)
            for alias in _names(name):
                if value is ABSENT:
                    context.pop(alias, None)
                else:
                    context[alias] = value
        return Request(self.actions[index], resource, context, principal), values

    def decide(self, request: Request, solver: z3.Solver | None = None) -> Decision:
        """The encoding's decision for one concrete request (the differential tests' oracle);
        ``solver``, if given, already holds ``domain()`` and is left as it was."""
        if solver is None:
            solver = z3.Solver()
            solver.add(*self.domain())
        solver.push()
        try:
            solver.add(*self.bind(request))
            if solver.check() != z3.sat:
                raise OutsideDomain(f"{request} violates the encoding's domain")
            if solver.check(self.denied) == z3.sat:
                return Decision.EXPLICIT_DENY
            return Decision.ALLOWED if solver.check(self.allowed) == z3.sat else Decision.IMPLICIT_DENY
        finally:
            solver.pop()

    def wants(self, want: Decision) -> z3.BoolRef:
        """``want`` as ``find`` means it: for ExplicitDeny, *not* explicitly denied."""
        if want is Decision.EXPLICIT_DENY:
            return z3.Not(self.denied)
        if want is Decision.ALLOWED:
            return self.allowed
        return z3.And(z3.Not(self.denied), z3.Not(self.allowed))

    # ---- the decision ------------------------------------------------------------------------------------

    def _decision(self) -> tuple[z3.BoolRef, z3.BoolRef]:
        denies: list[z3.BoolRef] = []
        granted: dict[PolicyKind, z3.BoolRef | None] = {}
        for attr, kind in _LAYERS:
            policies = getattr(self.pset, attr)
            if not policies:
                granted[kind] = None
                continue
            allows = []
            for policy in policies:
                _check_kind(policy, kind)
                for statement in policy.statements:
                    term = self.applies(statement, policy, kind in _NAMES_PRINCIPAL)
                    (denies if statement.effect is Effect.DENY else allows).append(term)
            granted[kind] = _any(allows)
        denied = _any(denies)
        grants = [g for kind in (PolicyKind.IDENTITY, PolicyKind.RESOURCE) if (g := granted[kind]) is not None]
        guards = [
            g for kind in (PolicyKind.SCP, PolicyKind.BOUNDARY, PolicyKind.ENDPOINT) if (g := granted[kind]) is not None
        ]
        return denied, _all([z3.Not(denied), _any(grants), *guards])

    def applies(self, statement: Statement, policy: Policy, check_principal: bool) -> z3.BoolRef:
        """Whether ``statement`` (of ``policy``) applies to the request."""
        token = (id(statement), policy.substitutes_variables, check_principal)
        cached = self._statements.get(token)
        if cached is not None and cached[0] is statement:
            return cached[1]
        parts = [self._action(statement), self._resource(statement, policy.substitutes_variables)]
        if check_principal and statement.principal is not None:
            named = self._principal(statement.principal)
            parts.append(z3.Not(named) if statement.not_principal else named)
        parts.append(self.conditions(statement, policy.substitutes_variables))
        term = _all(parts)
        self._statements[token] = (statement, term)
        return term

    def _action(self, statement: Statement) -> z3.BoolRef:
        matching = [i for i, action in enumerate(self.actions) if action_matches(statement, action)]
        if self.action is None:
            return z3.BoolVal(bool(matching))
        return _any([self.action == i for i in matching])

    def _resource(self, statement: Statement, substitutes: bool) -> z3.BoolRef:
        if statement.resources is None:
            return z3.BoolVal(True)
        matches = [
            self._matches(self.resource, self._operand(text, substitutes), arn=False) for text in statement.resources
        ]
        named = _any(matches)
        return z3.Not(named) if statement.not_resource else named

    def _principal(self, principal: Principal) -> z3.BoolRef:
        """``principals.principal_matcher`` as a term over the symbolic principal."""
        if "*" in principal.aws:
            return z3.BoolVal(True)
        who = self.principal
        options: list[z3.BoolRef] = []
        exact = [*principal.service, *principal.federated, *principal.canonical_user]
        for entry in principal.aws:
            root = _ROOT.fullmatch(entry)
            if _ACCOUNT.fullmatch(entry) or root:
                account = root["account"] if root else entry
                fields = [z3.Re(tx.text("arn:")), _FIELD, z3.Re(":"), _FIELD, z3.Re(":"), _FIELD, z3.Re(":")]
                in_account = tx.concat([*fields, z3.Re(tx.text(f"{account}:")), tx.ANY])
                options += [who == tx.text(account), z3.InRe(who, in_account)]
                continue
            exact.append(entry)
            role = _ROLE.fullmatch(entry)
            if role:
                prefix = f"arn:{role['partition']}:sts::{role['account']}:assumed-role/{role['name']}/"
                options.append(z3.InRe(who, z3.Concat(z3.Re(tx.text(prefix)), _SESSION_TAIL)))
        options += [who == tx.text(entry) for entry in exact]
        return z3.And(self.has_principal, _any(options))

    # ---- conditions --------------------------------------------------------------------------------------

    def conditions(self, statement: Statement, substitutes: bool) -> z3.BoolRef:
        """All of the statement's conditions hold."""
        return _all([self._condition(c, substitutes) for c in statement.conditions])

    def _condition(self, condition: Condition, substitutes: bool) -> z3.BoolRef:
        op = condition.op
        key = self.keys[_canonical(condition.key)]
        if op.family is Family.NULL:
            wanted = {value.lower() == "true" for value in condition.values}
            return _any([z3.Not(key.present)] * (True in wanted) + [key.present] * (False in wanted))
        operands = [self._operand(value, substitutes) for value in condition.values]
        for_all = op.qualifier is Qualifier.FOR_ALL_VALUES
        when_missing = op.if_exists or for_all or (op.qualifier is None and op.negated)
        passes = []
        for index, value in enumerate(key.values):
            positive = self._positive(key.shape, value, op, operands)
            passed = z3.And(typed(key.shape, value, op.family), z3.Not(positive) if op.negated else positive)
            passes.append(z3.Implies(key.live(index), passed) if for_all else z3.And(key.live(index), passed))
        body = _all(passes) if for_all else _any(passes)
        return z3.If(key.present, body, z3.BoolVal(when_missing))

    def _operand(self, raw: str, substitutes: bool) -> _Operand:
        template = parse_template(raw) if substitutes else None
        if template is None:
            return _Operand((_Variant(True, ((raw, False),)),), raw)
        options: list[list[tuple[z3.BoolRef | bool, tx.Segment]]] = []
        for segment in template.segments:
            if not isinstance(segment, Variable):
                options.append([(True, segment)])
                continue
            has_one, value = self.keys[_canonical(segment.key)].single()
            choices: list[tuple[z3.BoolRef | bool, tx.Segment]] = [(has_one, value)]
            if segment.default is not None:
                choices.append((z3.Not(has_one), (segment.default, True)))
            options.append(choices)
        variants = [
            _Variant(_all([guard for guard, _ in chosen]), tuple(segment for _, segment in chosen))
            for chosen in itertools.product(*options)
        ]
        return _Operand(tuple(variants), None)

    def _matches(self, value: z3.SeqRef, operand: _Operand, *, arn: bool) -> z3.BoolRef:
        """A glob (Resource, StringLike) or ARN pattern matches ``value``."""
        raw = operand.raw
        if raw is not None and "*" not in raw and "?" not in raw:
            return value == tx.text(raw)
        if raw == "*" and not arn:
            return z3.BoolVal(True)
        options = []
        for variant in operand.variants:
            if variant.constant is not None:
                options.append(_all([variant.guard, z3.InRe(value, _constant_pattern(variant.segments, arn))]))
                continue
            options.append(_all([variant.guard, tx.in_pattern(value, variant.segments, arn=arn)]))
        return _any(options)

    def _positive(self, shape: Shape, value: Any, op: Operator, operands: list[_Operand]) -> z3.BoolRef:
        """The operator's positive test of one context value against the policy values (OR-ed)."""
        family = op.family
        if family is Family.ARN or (family is Family.STRING and op.test is Comparison.LIKE):
            return _any([self._matches(value, o, arn=family is Family.ARN) for o in operands])
        if family is Family.STRING:
            if op.test is Comparison.EQUALS_IGNORE_CASE:
                return _any([_equal_ignoring_case(value, o) for o in operands])
            return _any([_equal(value, o) for o in operands])
        if family is Family.BOOL:
            return _any([_boolean_test(shape, value, o) for o in operands])
        constants = [o.raw for o in operands]
        if None in constants:
            raise Unsupported(f"{op.name} with a policy variable in its value")
        if family in (Family.NUMERIC, Family.DATE):
            bounds = [b for raw in constants if (b := decimal(raw, family)) is not None]
            if shape.sort is Sort.STRING:
                return _any([z3.InRe(value, tx.integers(op.test.value, bound)) for bound in bounds])
            return _any([_ORDER[op.test](value, z3.RealVal(bound)) for bound in bounds])
        if family is Family.IP:
            return _any([_in_network(shape, value, raw) for raw in constants])
        return _any([value == tx.text(_canonical_base64(raw)) for raw in constants])


def _equal_ignoring_case(value: z3.SeqRef, operand: _Operand) -> z3.BoolRef:
    options = []
    for variant in operand.variants:
        text = variant.constant
        matched = z3.InRe(value, tx.folded(text)) if text is not None else tx.lower(value) == variant.joined(True)
        options.append(_all([variant.guard, matched]))
    return _any(options)


def _equal(value: z3.SeqRef, operand: _Operand) -> z3.BoolRef:
    return _any([_all([variant.guard, value == variant.joined()]) for variant in operand.variants])


def _boolean_test(shape: Shape, value: Any, operand: _Operand) -> z3.BoolRef:
    if shape.sort is Sort.BOOL:
        is_true, is_false = value, z3.Not(value)
    else:
        is_true, is_false = z3.InRe(value, tx.boolean(True)), z3.InRe(value, tx.boolean(False))
    options = []
    for variant in operand.variants:
        text = variant.constant
        if text is not None:
            reading = {"true": is_true, "false": is_false}.get(text.lower())
            if reading is not None:
                options.append(_all([variant.guard, reading]))
            continue
        joined = variant.joined()
        either = z3.Or(
            z3.And(z3.InRe(joined, tx.boolean(True)), is_true),
            z3.And(z3.InRe(joined, tx.boolean(False)), is_false),
        )
        options.append(_all([variant.guard, either]))
    return _any(options)


def _in_network(shape: Shape, value: Any, raw: str) -> z3.BoolRef:
    network = ipaddress.ip_network(raw, strict=False)
    if shape.sort is Sort.STRING:
        return z3.InRe(value, tx.ipv4_block(network)) if network.version == 4 else z3.BoolVal(False)
    v6, bits = value
    mask = int(network.netmask)
    is_v6 = v6 if network.version == 6 else z3.Not(v6)
    return z3.And(is_v6, bits & mask == int(network.network_address))


def _canonical_base64(raw: str) -> str:
    return base64.b64encode(base64.b64decode(raw, validate=True)).decode()


def _check_kind(policy: Policy, kind: PolicyKind) -> None:
    """Reject a policy whose statements do not fit its layer, as ``evaluate`` does."""
    named = [s.principal is not None for s in policy.statements]
    if kind in _NAMES_PRINCIPAL and not all(named):
        raise PolicyError(f"{kind} policy {policy.name!r}: every statement must have Principal or NotPrincipal")
    if kind not in _NAMES_PRINCIPAL and any(named):
        raise PolicyError(f"{kind} policy {policy.name!r}: Principal/NotPrincipal is only for resource policies")


# ---- solve: find's question, answered completely -------------------------------------------------------

_RECORD: ContextVar[dict[str, Counterexample] | None] = ContextVar("guardrails_symbolic_record", default=None)
_ENCODINGS: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], Encoding, z3.Solver]] = OrderedDict()
_ENCODINGS_LIMIT = 64


@contextmanager
def recording() -> Iterator[dict[str, Counterexample]]:
    """Collect every counterexample ``solve`` returns meanwhile, by its text (predicates report the text)."""
    found: dict[str, Counterexample] = {}
    token = _RECORD.set(found)
    try:
        yield found
    finally:
        _RECORD.reset(token)


def _prepared(pset: PolicySet, action: str, forced: Mapping[str, tuple[str, list[Any]]]) -> tuple[Encoding, z3.Solver]:
    """The encoding of ``pset`` for ``action`` and a solver holding its domain, cached by policy identity."""
    layers = (pset.identity, pset.resource, pset.scps, pset.boundaries, pset.endpoint, pset.drivers)
    token = (tuple(tuple(map(id, layer)) for layer in layers), action, repr(sorted(forced.items())))
    entry = _ENCODINGS.get(token)
    if entry is not None and all(
        a is b for x, y in zip(entry[0], layers, strict=True) for a, b in zip(x, y, strict=True)
    ):
        _ENCODINGS.move_to_end(token)
        return entry[1], entry[2]
    encoding = Encoding(pset, [action], forced)
    solver = z3.Solver()
    solver.add(*encoding.domain())
    _ENCODINGS[token] = (layers, encoding, solver)
    if len(_ENCODINGS) > _ENCODINGS_LIMIT:
        _ENCODINGS.popitem(last=False)
    return encoding, solver


def _names_no_resource(statement: Statement) -> bool:
    """As ``reasoning.resources_for``: such a driver takes the caller's ``resources``."""
    return statement.resources is None or statement.not_resource or set(statement.resources) == {"*"}


def solve(
    pset: PolicySet,
    action: str,
    *,
    forced: Mapping[str, list[Any]] | None = None,
    extra: Mapping[str, list[Any]] | None = None,
    resources: list[str] | None = None,
    forced_resources: list[str] | None = None,
    resource_type: str | None = None,
    want: Decision = Decision.ALLOWED,
    principal: str | None = PRINCIPAL,
) -> Counterexample | None:
    """A request for ``action`` whose decision is ``want`` (ExplicitDeny: *not* explicitly denied) and
    that satisfies one of ``pset.drivers``' Allow statements for ``action``, with each forced key
    holding one of its forced values; None if no request in the encoding's domain has one.

    As in ``find``: ``forced_resources`` fix the resource; ``resources`` fix it where the driver names
    none; otherwise the resource is free but, given ``resource_type``, an ARN of that type (as the
    search's typed ARNs are; the model is then refined to read naturally). The other keys are free,
    except those the catalog says ``action`` never carries (absent), and the base context
    (``aws:userid`` ...), which, when present, differs from every string forced on another key
    (except the value find gives it): find's fixed probe identity is another party than the values
    it forces. ``extra`` (the search's hints) needs no counterpart. Raises Disagreement if the
    evaluator decides the model otherwise, SolverGaveUp if z3 cannot decide, Unsupported for a
    feature or forced value the encoding does not express."""
    del extra
    drivers = [
        (statement, policy)
        for policy in pset.drivers
        for statement in policy.statements
        if statement.effect is Effect.ALLOW and action_matches(statement, action)
    ]
    if not drivers:
        return None
    pinned = {_canonical(key): (key, list(values)) for key, values in (forced or {}).items()}
    encoding, solver = _prepared(pset, action, pinned)
    choices = []
    for statement, policy in drivers:
        targets = forced_resources or (resources or ["*"] if _names_no_resource(statement) else None)
        if targets is not None:
            where = _any([encoding.resource == tx.text(r) for r in targets])
        else:
            where = _typed(encoding.resource, statement, resource_type)
        choices.append(z3.And(encoding.conditions(statement, policy.substitutes_variables), where))
    solver.push()
    try:
        solver.add(encoding.principal_is(principal), _any(choices), encoding.wants(want))
        solver.add(*_caller_constraints(encoding, pinned, action))
        model = _model(solver, action)
        if model is not None and resource_type and not forced_resources:
            model = _model(solver, action, z3.InRe(encoding.resource, _arn_of(resource_type))) or model
    finally:
        solver.pop()
    if model is None:
        return None
    request, values = encoding.request(model)
    _confirm(pset, request, want, drivers)
    order = [*pinned, *(name for name in values if name not in pinned)]
    found = Counterexample(request, tuple((encoding.spelling[name], values[name]) for name in order))
    record = _RECORD.get()
    if record is not None:
        record[str(found)] = found
    return found


def _model(solver: z3.Solver, action: str, *assumptions: z3.BoolRef) -> z3.ModelRef | None:
    """Check with restarts: z3's string solver has heavy-tailed run times, and a fresh random seed
    with a short budget usually beats one long attempt."""
    for attempt, budget in enumerate(_BUDGETS_MS):
        solver.set("timeout", budget)
        solver.set("random_seed", attempt)
        verdict = solver.check(*assumptions)
        if verdict != z3.unknown:
            return solver.model() if verdict == z3.sat else None
    raise SolverGaveUp(f"z3 could not decide a question about {action}: {solver.reason_unknown()}")


def _typed(resource: z3.SeqRef, statement: Statement, resource_type: str | None) -> z3.BoolRef:
    """The resources a driver that names its own may take: as in ``reasoning.resources_for``, an ARN
    of ``resource_type`` where the statement's pattern is a full ARN, anything otherwise."""
    if resource_type is None:
        return z3.BoolVal(True)
    short = [p for p in statement.resources or () if "${" not in p and len(p.split(":", 5)) < 6]
    typed_arn = z3.InRe(resource, _resource_type_arn(resource_type))
    return _any([typed_arn, *(z3.InRe(resource, _constant_pattern(((p, False),), False)) for p in short)])


@lru_cache(maxsize=64)
def _resource_type_arn(resource_type: str) -> z3.ReRef:
    """``arn:PARTITION:SERVICE:REGION:ACCOUNT:TYPE/NAME``, the name without a colon (a glob's ``*``
    crosses colons, so ``...:notebook-instance/::training-job/x`` would match a training-job pattern)."""
    field = z3.Star(tx.NOT_COLON)
    parts = [z3.Re("arn:"), field, z3.Re(":"), field, z3.Re(":"), field, z3.Re(":"), field, z3.Re(":")]
    return tx.concat([*parts, z3.Re(tx.text(f"{resource_type}/")), field])


@lru_cache(maxsize=64)
def _arn_of(resource_type: str) -> z3.ReRef:
    """ARNs that read naturally: ``arn:PARTITION:SERVICE:REGION:ACCOUNT:TYPE/NAME``."""
    word = z3.Plus(z3.Union(z3.Range("a", "z"), z3.Range("0", "9"), z3.Re("-")))
    name = z3.Plus(z3.Union(z3.Range("a", "z"), z3.Range("A", "Z"), z3.Range("0", "9"), z3.Re("-")))
    parts = [z3.Re("arn:"), word, z3.Re(":"), word, z3.Re(":"), word, z3.Re(":"), word, z3.Re(":")]
    return tx.concat([*parts, z3.Re(tx.text(f"{resource_type}/")), name])


def _caller_constraints(
    encoding: Encoding, pinned: Mapping[str, tuple[str, list[Any]]], action: str
) -> list[z3.BoolRef]:
    """Forced values, keys the action never carries, the base context's distinctness, and keys AWS
    sets together."""
    out = [
        key.count == 0
        for name, key in encoding.keys.items()
        if all(action_supports(action, alias) is False for alias in _names(name))
    ]
    for name, (spelling, values) in pinned.items():
        options = []
        for value in values:
            term = encoding.keys[name].equals(value)
            if term is None:
                raise Unsupported(
                    f"forced value {value!r} of {spelling} is outside the encoding of {encoding.keys[name].shape}"
                )
            options.append(term)
        out.append(_any(options))
    strings = {
        item
        for _, values in pinned.values()
        for value in values
        if value is not ABSENT
        for item in (value if isinstance(value, list | tuple) else [value])
        if isinstance(item, str)
    }
    for name in BASE_CONTEXT:
        key = encoding.keys.get(name)
        if key is None or name in pinned or key.shape.sort is not Sort.STRING:
            continue
        others = [s for s in strings if s != BASE_CONTEXT[name] and constant_of(key.shape, s) is not None]
        out += [z3.Implies(key.present, key.values[0] != tx.text(s)) for s in others]
    for first, second in TOGETHER:
        if first in encoding.keys and second in encoding.keys:
            out.append(encoding.keys[first].present == encoding.keys[second].present)
    return out


def _confirm(pset: PolicySet, request: Request, want: Decision, drivers: list[tuple[Statement, Policy]]) -> None:
    """Decide the model's request concretely; a different answer is a bug, never a result."""
    decision = pset.decide(request)
    wanted = decision is not Decision.EXPLICIT_DENY if want is Decision.EXPLICIT_DENY else decision is want
    context = request.normalised
    driven = any(
        all(compile_condition(c.op, c.key, c.values, substitute=p.substitutes_variables)(context) for c in s.conditions)
        for s, p in drivers
    )
    if not (wanted and driven):
        what = f"decided {decision}" if not wanted else "satisfies no driver statement"
        raise Disagreement(
            f"the z3 model {request!r} should be {want} (driven) but the concrete evaluator {what}; "
            "the encoding and the evaluator disagree"
        )
