"""Search for a request a policy set lets through: the scanner's semantic judge.

A control such as IAM-1 asks "is any non-compliant request allowed?". The
search builds candidate values for every condition key the policies mention
(the policies' own constants, absence, an empty set, values that break the
control, an outsider value), keeps for each Allow statement only the values
its conditions accept, and asks the concrete evaluator about each combination.
A request it reports is a real counterexample, confirmed by the evaluator;
the search is bounded, so "none found" means none among the candidates.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from guardrails.iam import Decision, Request, evaluate
from guardrails.iam.catalog import action_supports, is_multivalued, key_type
from guardrails.iam.conditions import compile_condition
from guardrails.iam.evaluate import normalise_context
from guardrails.iam.operators import Family, parse_operator
from guardrails.iam.policy import Condition, Effect, Policy, Statement
from guardrails.model import ABSENT

ACCOUNT = "111122223333"
REGION = "us-east-1"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:role/guardrails-probe"
USER_ID = "AROAGUARDRAILSPROBE:probe-session"
OUTSIDER = "guardrails-probe-unapproved"
OUTSIDE_IP = "203.0.113.7"
BASE_CONTEXT: dict[str, Any] = {
    "aws:userid": USER_ID,
    "aws:username": "guardrails-probe",
    "aws:principalarn": PRINCIPAL,
    "aws:principalaccount": ACCOUNT,
    "aws:requestedregion": REGION,
    "aws:securetransport": True,
}
# Keys that AWS sets under two names (the catalog deprecates the first in favour of the second).
ALIASES = {"sagemaker:volumekmskey": "sagemaker:volumekmskeyarn", "sagemaker:volumekmskeyarn": "sagemaker:volumekmskey"}
MAX_COMBINATIONS = 4096
# Requests AWS would reject are not counterexamples: a VpcConfig needs both lists, each non-empty.
# A request carries aws:SourceVpc and aws:VpcSourceIp exactly when it comes through an endpoint (aws:SourceVpce).
TOGETHER = (
    ("sagemaker:vpcsubnets", "sagemaker:vpcsecuritygroupids"),
    ("aws:sourcevpc", "aws:sourcevpce"),
    ("aws:vpcsourceip", "aws:sourcevpce"),
)
NON_EMPTY = frozenset({"sagemaker:vpcsubnets", "sagemaker:vpcsecuritygroupids"})

ALLOW_ALL = Policy((Statement(0, Effect.ALLOW, ("*",), resources=("*",)),), "2012-10-17", "allow-all")


def resource_allow_all(kind: str = "resource") -> Policy:
    from guardrails.iam.policy import Principal

    statement = Statement(0, Effect.ALLOW, ("*",), resources=("*",), principal=Principal(aws=("*",)))
    return Policy((statement,), "2012-10-17", f"{kind}-allow-all")


@dataclass(slots=True)
class PolicySet:
    """The policies that decide a request, by layer, as `evaluate` takes them."""

    identity: tuple[Policy, ...] = ()
    resource: tuple[Policy, ...] = ()
    scps: tuple[Policy, ...] = ()
    boundaries: tuple[Policy, ...] = ()
    endpoint: tuple[Policy, ...] = ()
    drivers: tuple[Policy, ...] = field(default=())

    def decide(self, request: Request) -> Decision:
        return evaluate(
            request,
            identity=self.identity,
            resource=self.resource,
            scps=self.scps,
            boundaries=self.boundaries,
            endpoint=self.endpoint,
        ).decision

    def policies(self) -> Iterator[Policy]:
        yield from (*self.identity, *self.resource, *self.scps, *self.boundaries, *self.endpoint)


def action_matches(statement: Statement, action: str) -> bool:
    return _action_matches(statement.actions, statement.not_action, action.lower())


@lru_cache(maxsize=65536)
def _action_matches(actions: tuple[str, ...], negated: bool, action: str) -> bool:
    from guardrails.iam.patterns import glob_matcher

    return glob_matcher(actions, lowercase=True)(action) != negated


def mentioned_keys(policies: Iterable[Policy], action: str | None = None) -> dict[str, list[Condition]]:
    """Lower-cased condition key -> every condition on it (in statements that can apply to `action`)."""
    keys: dict[str, list[Condition]] = {}
    for policy in policies:
        for statement in policy.statements:
            if action is not None and not action_matches(statement, action):
                continue
            for condition in statement.conditions:
                keys.setdefault(condition.key.lower(), []).append(condition)
    return keys


@lru_cache(maxsize=16384)
def _candidates(key: str, conditions: tuple[Condition, ...], extra: tuple[Any, ...]) -> list[Any]:
    return candidates(key, list(conditions), extra)


def candidates(key: str, conditions: list[Condition], extra: Iterable[Any] = ()) -> list[Any]:
    """Values worth trying for `key`: absence, the policies' constants, an outsider, `extra`."""
    ops = [parse_operator(c.operator) for c in conditions]
    constants = list(dict.fromkeys(v for c in conditions for v in c.values if "${" not in v))
    families = {op.family for op in ops} - {Family.NULL}
    rendered = (_render(raw) for condition in conditions for raw in condition.values if "${" in raw)
    constants += [value for value in rendered if value is not None]
    out: list[Any] = [ABSENT]
    if Family.BOOL in families or key_type(key) == "Bool":
        out += [True, False]
    elif Family.IP in families:
        for text in constants:
            try:
                out.append(str(next(iter(ipaddress.ip_network(text, strict=False).hosts()), text.split("/")[0])))
            except ValueError:
                continue
        out.append(OUTSIDE_IP)
    elif Family.NUMERIC in families:
        numbers = []
        for text in constants:
            try:
                numbers.append(float(text))
            except ValueError:
                continue
        out += sorted({n + d for n in numbers for d in (-1, 0, 1)}) or [0]
    else:
        out += [_instantiate(v) for v in constants] + [OUTSIDER]
    out += [v for v in extra if v not in out]
    if any(op.qualifier is not None for op in ops) or is_multivalued(key):
        singles = [v for v in out if isinstance(v, str)]
        sets: list[Any] = [ABSENT, []] + [[v] for v in singles]
        if len(singles) > 1:
            sets.append(singles)
        return sets
    return out


def _render(value: str) -> str | None:
    """A policy value with its variables filled from the probe's identity (`${aws:username}` ...)."""
    missing = False

    def fill(match: re.Match[str]) -> str:
        nonlocal missing
        name = match[1].strip()
        if name in ("*", "?", "$"):
            return name
        key, _, default = name.partition(",")
        found = BASE_CONTEXT.get(key.strip().lower())
        if found is None:
            default = default.strip().strip("'")
            missing = missing or not default
            return default
        return str(found)

    rendered = re.sub(r"\$\{([^}]*)\}", fill, value)
    return None if missing else rendered


def _instantiate(pattern: str) -> str:
    """A concrete value a wildcard pattern matches."""
    return pattern.replace("*", "probe").replace("?", "p")


def resources_for(statement: Statement, fallback: list[str], resource_type: str | None = None) -> list[str]:
    """Resources to try for a statement: its own patterns made concrete (as ARNs of `resource_type`,
    keeping the pattern's literal region, account and name prefix), else `fallback`."""
    if statement.resources is None or statement.not_resource or set(statement.resources) == {"*"}:
        return fallback
    out = []
    for pattern in statement.resources:
        if "${" in pattern:
            continue
        parts = pattern.split(":", 5)
        if resource_type is None or len(parts) < 6:
            out.append(_instantiate(pattern))
            continue
        region = _instantiate(parts[3]) if parts[3] not in ("", "*") else REGION
        account = _instantiate(parts[4]) if parts[4] not in ("", "*") else ACCOUNT
        name = _instantiate(parts[5].split("/", 1)[1]) if "/" in parts[5] else "guardrails-probe"
        out.append(f"arn:{parts[1]}:{parts[2]}:{region}:{account}:{resource_type}/{name}")
    return list(dict.fromkeys(out)) or fallback


@lru_cache(maxsize=8192)
def _names(key: str) -> tuple[str, ...]:
    """Every name AWS sets one fact under: deprecated and current key names, a resource tag seen
    as `aws:ResourceTag/K` and as `sagemaker:ResourceTag/K`."""
    key = key.lower()
    if key in ALIASES:
        return tuple(sorted((key, ALIASES[key])))
    for prefix in ("aws:resourcetag/", "sagemaker:resourcetag/"):
        if key.startswith(prefix):
            tag = key[len(prefix) :]
            return (f"aws:resourcetag/{tag}", f"sagemaker:resourcetag/{tag}")
    return (key,)


def _canonical(key: str) -> str:
    """One name for a key AWS sets under several (the search sets them all, see `_names`)."""
    return _names(key)[0]


def _context(values: Mapping[str, Any]) -> dict[str, Any]:
    context = dict(BASE_CONTEXT)
    for key, value in values.items():
        for name in _names(key):
            if value is ABSENT:
                context.pop(name, None)
            else:
                context[name] = value
    return context


def _sat(statement: Statement, substitutes: bool, key: str, values: list[Any]) -> list[Any]:
    """The values among `values` that `statement`'s conditions on `key` accept.

    Memoised per statement object (policies repeat across rules and actions);
    the memo holds the statement, so its id cannot be reused while cached."""
    entry = _SAT.get(id(statement))
    if entry is None or entry[0] is not statement:
        if len(_SAT) > 4096:
            _SAT.clear()
        entry = _SAT[id(statement)] = (statement, {})
    memo = entry[1]
    tests = memo.get(key)
    if tests is None:
        tests = memo[key] = [
            compile_condition(c.op, c.key, c.values, substitute=substitutes)
            for c in statement.conditions
            if _canonical(c.key) == key
        ]
    out = []
    for value in values:
        token = (key, tuple(value) if isinstance(value, list) else value)
        accepted = memo.get(token)
        if accepted is None:
            context = normalise_context(_context({key: value}))
            accepted = memo[token] = all(test(context) for test in tests)
        if accepted:
            out.append(value)
    return out


_SAT: dict[int, tuple[Statement, dict[Any, Any]]] = {}


def find(
    pset: PolicySet,
    action: str,
    *,
    forced: Mapping[str, list[Any]] | None = None,
    extra: Mapping[str, list[Any]] | None = None,
    resources: list[str] | None = None,
    forced_resources: list[str] | None = None,
    resource_type: str | None = None,
    want: Decision = Decision.ALLOWED,
    principal: str = PRINCIPAL,
) -> Counterexample | None:
    """A request for `action` whose decision is `want` (for `want` ExplicitDeny: is *not*
    explicitly denied), with each forced key taking one of its forced values.

    `resources` stand in where a driving statement names none; `forced_resources`
    replace the statement's own; `resource_type` shapes the ARNs tried from a
    statement's patterns. Keys the catalog says `action` never carries stay
    absent. Raises `SearchLimit` rather than answer "none" after a cut-off
    search. Answers are memoised: several controls ask the same question."""
    chosen = ENGINE.get()
    layers = (pset.identity, pset.resource, pset.scps, pset.boundaries, pset.endpoint, pset.drivers)
    token = (
        chosen,
        tuple(tuple(map(id, layer)) for layer in layers),
        action,
        repr(sorted((forced or {}).items())),
        repr(sorted((extra or {}).items())),
        tuple(resources or ()),
        tuple(forced_resources or ()),
        resource_type,
        want,
        principal,
    )
    memo = _FOUND.get(token)
    if memo is not None and _same(memo[0], layers):
        return memo[1]
    if chosen == "search":
        found = _find(pset, action, forced, extra, resources, forced_resources, resource_type, want, principal)
    else:
        from guardrails.iam.symbolic import solve

        found = solve(
            pset,
            action,
            forced=forced,
            extra=extra,
            resources=resources,
            forced_resources=forced_resources,
            resource_type=resource_type,
            want=want,
            principal=principal,
        )
    if len(_FOUND) > 8192:
        _FOUND.clear()
    _FOUND[token] = (layers, found)
    return found


_FOUND: dict[tuple[Any, ...], tuple[tuple[Any, ...], Counterexample | None]] = {}


def _same(left: tuple[tuple[Any, ...], ...], right: tuple[tuple[Any, ...], ...]) -> bool:
    """The same policy objects, layer by layer (ids in the memo key may have been reused)."""
    return all(
        len(x) == len(y) and all(a is b for a, b in zip(x, y, strict=True)) for x, y in zip(left, right, strict=True)
    )


ENGINES = ("search", "z3")
ENGINE: ContextVar[str] = ContextVar("guardrails_reasoning_engine", default="search")
"""The engine `find` asks: "search" (this module, bounded) or "z3" (`guardrails.iam.symbolic.solve`, complete)."""


@contextmanager
def engine(name: str) -> Iterator[None]:
    """Answer `find` with engine `name` inside the block (`with engine("z3"): ...`)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; one of {', '.join(ENGINES)}")
    token = ENGINE.set(name)
    try:
        yield
    finally:
        ENGINE.reset(token)


def _find(
    pset: PolicySet,
    action: str,
    forced: Mapping[str, list[Any]] | None,
    extra: Mapping[str, list[Any]] | None,
    resources: list[str] | None,
    forced_resources: list[str] | None,
    resource_type: str | None,
    want: Decision,
    principal: str,
) -> Counterexample | None:
    drivers = [
        (s, p.substitutes_variables)
        for p in pset.drivers
        for s in p.statements
        if s.effect is Effect.ALLOW and action_matches(s, action)
    ]
    if not drivers:
        return None
    names = {_canonical(k): k for k in forced or {}}
    forced = {_canonical(k): v for k, v in (forced or {}).items()}
    extra = {_canonical(k): v for k, v in (extra or {}).items()}
    keys: dict[str, list[Condition]] = {}
    for key, conditions in mentioned_keys(pset.policies(), action).items():
        keys.setdefault(_canonical(key), []).extend(conditions)
        names.setdefault(_canonical(key), conditions[0].key)
    for key in forced:
        keys.setdefault(key, [])
    never = {key for key in keys if all(action_supports(action, name) is False for name in _names(key))}
    fallback = resources or ["*"]
    limited = False
    for driver, substitutes in drivers:
        options: dict[str, list[Any]] = {}
        for key, conditions in keys.items():
            base = forced.get(key) or _candidates(key, tuple(conditions), tuple(extra.get(key, ())))
            if key in never:  # AWS never sets it on this action's requests
                base = [ABSENT] if ABSENT in base else []
            options[key] = _sat(driver, substitutes, key, base) if driver.conditions else base
            if not options[key]:
                break
        else:
            targets = forced_resources or resources_for(driver, fallback, resource_type)
            try:
                found = _search(pset, action, options, targets, want, principal, names, set(forced))
            except SearchLimit:
                limited = True
                continue
            if found is not None:
                return found
    if limited:
        raise SearchLimit(action)
    return None


class SearchLimit(RuntimeError):
    """The bounded search stopped before it could rule a counterexample out."""

    def __init__(self, action: str) -> None:
        super().__init__(
            f"the counterexample search for {action} stopped after {MAX_COMBINATIONS} requests without a verdict"
        )


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A request the evaluator decided as the search wanted, and the keys it left out."""

    request: Request
    chosen: tuple[tuple[str, Any], ...]

    def __str__(self) -> str:
        parts = [f"no {k}" if v is ABSENT else f"{k}={_show(v)}" for k, v in self.chosen]
        text = f"{self.request.action} on {self.request.resource}"
        return f"{text} with {', '.join(parts)}" if parts else f"{text} with no condition keys"


def _valid(chosen: dict[str, Any]) -> bool:
    """Whether AWS would accept a request with these context values (see TOGETHER, NON_EMPTY)."""
    for first, second in TOGETHER:
        both_searched = first in chosen and second in chosen
        if both_searched and (chosen[first] is ABSENT) != (chosen[second] is ABSENT):
            return False
    return not any(chosen.get(key) == [] for key in NON_EMPTY)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _search(
    pset: PolicySet,
    action: str,
    options: dict[str, list[Any]],
    resources: list[str],
    want: Decision,
    principal: str,
    names: dict[str, str],
    forced: set[str],
) -> Counterexample | None:
    keys = list(options)
    for count, combo in enumerate(itertools.product(resources, *(options[k] for k in keys))):
        if count >= MAX_COMBINATIONS:
            raise SearchLimit(action)
        chosen = dict(zip(keys, combo[1:], strict=True))
        if not _valid(chosen):
            continue
        request = Request(action, combo[0], _context(chosen), principal)
        decision = pset.decide(request)
        if (decision is not want) if want is Decision.EXPLICIT_DENY else (decision is want):
            # Name what the request set, and what it left out on purpose (a forced absence).
            shown = tuple((names.get(k, k), v) for k, v in chosen.items() if v is not ABSENT or k in forced)
            return Counterexample(request, shown)
    return None
