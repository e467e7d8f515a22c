"""Concrete evaluation of one request against the policies that govern it.

Follows reference_policies_evaluation-logic.html for a principal and resource
in the same account: an explicit Deny in any policy wins; otherwise the
request needs an Allow from an identity-based *or* a resource-based policy,
and, for each further layer that is present, an Allow from that layer too:
SCPs (which never grant on their own), permissions boundaries, and VPC
endpoint policies (present when the request goes through an endpoint).
Simplification: a boundary always limits, including for resource-policy grants
to a user or session ARN, which AWS exempts.

Policies are compiled once (patterns, condition values, principal sets) and
cached by object identity, so evaluating the same Policy objects against many
requests does no parsing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from guardrails.iam.conditions import ConditionTest, compile_condition
from guardrails.iam.patterns import compile_patterns, glob_matcher
from guardrails.iam.policy import Effect, Policy, PolicyError, Statement
from guardrails.iam.principals import principal_matcher
from guardrails.iam.variables import Context, parse_template


class PolicyKind(StrEnum):
    IDENTITY = "identity"
    RESOURCE = "resource"
    SCP = "scp"
    BOUNDARY = "boundary"
    ENDPOINT = "endpoint"


_NAMES_PRINCIPAL = frozenset({PolicyKind.RESOURCE, PolicyKind.ENDPOINT})
"""Kinds whose statements must name a Principal; the others must not."""


class Decision(StrEnum):
    ALLOWED = "Allowed"
    EXPLICIT_DENY = "ExplicitDeny"
    IMPLICIT_DENY = "ImplicitDeny"


_COLLECTIONS = (list, tuple, set, frozenset)


def _scalar(value: object) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(f"context values must be str, bool, int, float or a collection of those, not {value!r}")


def normalise_context(context: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """Lower-case keys (IAM keys are case-insensitive) and make every value a tuple of strings."""
    out: dict[str, tuple[str, ...]] = {}
    for key, value in context.items():
        if type(value) is str:
            out[key.lower()] = (value,)
        elif isinstance(value, _COLLECTIONS):
            out[key.lower()] = tuple(map(_scalar, value))
        else:
            out[key.lower()] = (_scalar(value),)
    if len(out) != len(context):
        raise ValueError("request context has keys that differ only in case")
    return out


@dataclass(frozen=True, slots=True)
class Request:
    """One API call: the action, the resource ARN, the request context and (for
    resource and endpoint policies) the calling principal's ARN or account id."""

    action: str
    resource: str = "*"
    context: Mapping[str, object] = field(default_factory=dict)
    principal: str | None = None
    action_key: str = field(init=False, repr=False, compare=False)
    normalised: Context = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "action_key", self.action.lower())
        object.__setattr__(self, "normalised", normalise_context(self.context))


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement that took part in a decision."""

    policy: str
    kind: PolicyKind
    sid: str | None
    index: int
    effect: Effect

    def __str__(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.kind} policy {self.policy!r} statement {self.index}{sid}"


@dataclass(frozen=True, slots=True)
class Result:
    """The decision and the statements that made it: the Deny statements for
    ExplicitDeny, the Allow statements of every layer for Allowed, none for
    ImplicitDeny, where ``lacking`` names the layers without an Allow."""

    decision: Decision
    statements: list[MatchedStatement]
    lacking: tuple[PolicyKind, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision is Decision.ALLOWED

    @property
    def reason(self) -> str:
        if self.decision is Decision.IMPLICIT_DENY:
            return "no Allow in " + ", ".join(f"{kind} policies" for kind in self.lacking)
        verb = "allowed" if self.allowed else "explicitly denied"
        return f"{verb} by " + "; ".join(map(str, self.statements))


@dataclass(frozen=True, slots=True)
class _CompiledStatement:
    statement: Statement
    deny: bool
    matched: dict[PolicyKind, MatchedStatement]
    """The statement as each kind of policy would report it (built once, not per request)."""
    action: Callable[[str], bool]
    resource: Callable[[str, Context], bool]
    principal: Callable[[str | None], bool] | None
    conditions: tuple[ConditionTest, ...]

    def applies(self, request: Request, check_principal: bool) -> bool:
        statement = self.statement
        if self.action(request.action_key) == statement.not_action:
            return False
        context = request.normalised
        if self.resource(request.resource, context) == statement.not_resource:
            return False
        principal = self.principal if check_principal else None
        if principal is not None and principal(request.principal) == statement.not_principal:
            return False
        return all(condition(context) for condition in self.conditions)


@dataclass(frozen=True, slots=True)
class _CompiledPolicy:
    statements: tuple[_CompiledStatement, ...]
    every_names_principal: bool
    any_names_principal: bool


def _always(_: str, __: Context) -> bool:
    return True


def _resource_matcher(resources: tuple[str, ...] | None, substitutes: bool) -> Callable[[str, Context], bool]:
    """Case-sensitive globs over the whole ARN; variables are rendered per request."""
    if resources is None:
        return _always
    templates = [template for text in resources if substitutes and (template := parse_template(text))]
    static = glob_matcher(text for text in resources if not (substitutes and parse_template(text)))
    if not templates:
        return lambda resource, _: static(resource)

    def match(resource: str, context: Context) -> bool:
        if static(resource):
            return True
        rendered = tuple(pieces for template in templates if (pieces := template.render(context)) is not None)
        return bool(rendered) and compile_patterns(rendered).fullmatch(resource) is not None

    return match


def _compile_statement(statement: Statement, policy: Policy) -> _CompiledStatement:
    substitutes = policy.substitutes_variables
    return _CompiledStatement(
        statement=statement,
        deny=statement.effect is Effect.DENY,
        matched={
            kind: MatchedStatement(policy.name, kind, statement.sid, statement.index, statement.effect)
            for kind in PolicyKind
        },
        action=glob_matcher(statement.actions, lowercase=True),
        resource=_resource_matcher(statement.resources, substitutes),
        principal=principal_matcher(statement.principal) if statement.principal else None,
        conditions=tuple(
            compile_condition(c.op, c.key, c.values, substitute=substitutes) for c in statement.conditions
        ),
    )


_CACHE: dict[int, tuple[Policy, _CompiledPolicy]] = {}
"""id(policy) -> (policy, compiled); holding the policy keeps its id from being reused."""
_CACHE_LIMIT = 4096


def _compiled(policy: Policy) -> _CompiledPolicy:
    entry = _CACHE.get(id(policy))
    if entry is not None:
        return entry[1]
    statements = tuple(_compile_statement(s, policy) for s in policy.statements)
    named = [s.principal is not None for s in policy.statements]
    compiled = _CompiledPolicy(statements, all(named), any(named))
    if len(_CACHE) >= _CACHE_LIMIT:
        del _CACHE[next(iter(_CACHE))]
    _CACHE[id(policy)] = (policy, compiled)
    return compiled


def _check_kind(policy: Policy, compiled: _CompiledPolicy, kind: PolicyKind) -> None:
    if kind in _NAMES_PRINCIPAL and not compiled.every_names_principal:
        raise PolicyError(f"{kind} policy {policy.name!r}: every statement must have Principal or NotPrincipal")
    if kind not in _NAMES_PRINCIPAL and compiled.any_names_principal:
        raise PolicyError(f"{kind} policy {policy.name!r}: Principal/NotPrincipal is only for resource policies")


def _scan(
    kind: PolicyKind, policies: Iterable[Policy], request: Request, denies: list[MatchedStatement]
) -> list[MatchedStatement] | None:
    """The layer's Allow statements that apply (its Deny ones go to ``denies``); None if it has no policy."""
    granted: list[MatchedStatement] | None = None
    check_principal = kind in _NAMES_PRINCIPAL
    for policy in policies:
        if granted is None:
            granted = []
        compiled = _compiled(policy)
        _check_kind(policy, compiled, kind)
        for candidate in compiled.statements:
            if candidate.applies(request, check_principal):
                (denies if candidate.deny else granted).append(candidate.matched[kind])
    return granted


def evaluate(
    request: Request,
    *,
    identity: Iterable[Policy] = (),
    resource: Iterable[Policy] = (),
    scps: Iterable[Policy] = (),
    boundaries: Iterable[Policy] = (),
    endpoint: Iterable[Policy] = (),
) -> Result:
    """Decide ``request`` under the given policies (a layer left empty is absent, not deny-all)."""
    denies: list[MatchedStatement] = []
    by_identity = _scan(PolicyKind.IDENTITY, identity, request, denies)
    by_resource = _scan(PolicyKind.RESOURCE, resource, request, denies)
    guards = (
        (PolicyKind.SCP, _scan(PolicyKind.SCP, scps, request, denies)),
        (PolicyKind.BOUNDARY, _scan(PolicyKind.BOUNDARY, boundaries, request, denies)),
        (PolicyKind.ENDPOINT, _scan(PolicyKind.ENDPOINT, endpoint, request, denies)),
    )
    if denies:
        return Result(Decision.EXPLICIT_DENY, denies)
    lacking: list[PolicyKind] = []
    if not by_identity and not by_resource:
        lacking.append(PolicyKind.IDENTITY)
        if by_resource is not None:
            lacking.append(PolicyKind.RESOURCE)
    lacking += [kind for kind, granted in guards if granted is not None and not granted]
    if lacking:
        return Result(Decision.IMPLICIT_DENY, [], tuple(lacking))
    granted_by = [by_identity, by_resource, *(granted for _, granted in guards)]
    return Result(Decision.ALLOWED, [matched for layer in granted_by if layer for matched in layer])
