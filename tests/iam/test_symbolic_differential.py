"""Differential test: the z3 encoding decides every concrete request exactly as the evaluator does.

Random policy sets (every layer; statements over a small vocabulary of actions,
resource patterns with variables and wildcards, principals, and conditions of
every operator family, negated, ``IfExists``, ``ForAllValues``/``ForAnyValue``,
``Null``, policy variables with defaults and escapes, 2008 and 2012 versions)
meet random requests. Each request is bound into the encoding as constants and
z3 says whether it is explicitly denied, allowed, or neither; that must equal
``evaluate``'s decision. The strategies are shared with ``test_symbolic.py``.

Runs ``EXAMPLES`` policy sets x ``REQUESTS`` requests (1,000 x 5 = 5,000 decisions).
"""

from __future__ import annotations

from typing import Any

import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrails.iam import Decision, Policy, Request, parse_policy
from guardrails.iam.smt_keys import constant_of
from guardrails.iam.symbolic import Encoding
from guardrails.model import ABSENT
from guardrails.reasoning import PolicySet

EXAMPLES = 1000
REQUESTS = 5

ACTIONS = ("s3:GetObject", "s3:PutObject", "sagemaker:CreateTrainingJob", "ex:Act")
ACTION_PATTERNS = (
    "*",
    "s3:*",
    "s3:Get*",
    "S3:putobject",
    "sagemaker:Create*Job",
    "s3:?etObject",
    "sagemaker:CreateTrainingJob",
    "ex:*",
)
RESOURCE_PATTERNS = (
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::?/alice*",
    "arn:aws:s3:::b/${aws:username}/*",
    "arn:aws:s3:::${aws:username, 'c'}*",
    "arn:aws:sagemaker:*:*:training-job/app1-*",
    "arn:aws:s3:::b/bob",
    "arn:aws:s3:::b/${*}x",
)
RESOURCES = (
    "arn:aws:s3:::b/alice/x",
    "arn:aws:s3:::b/bob",
    "arn:aws:s3:::c/alice",
    "arn:aws:s3:::b/*x",
    "arn:aws:s3:::cx",
    "*",
    "arn:aws:sagemaker:us-east-1:1:training-job/app1-x",
)
PRINCIPALS: tuple[Any, ...] = (
    "*",
    {"AWS": "111122223333"},
    {"AWS": "arn:aws:iam::111122223333:role/a"},
    {"AWS": ["arn:aws:iam::999988887777:root", "arn:aws:iam::111122223333:user/u"]},
    {"Service": "sagemaker.amazonaws.com"},
)
CALLERS = (
    "arn:aws:iam::111122223333:role/a",
    "arn:aws:sts::111122223333:assumed-role/a/s1",
    "111122223333",
    "arn:aws:iam::999988887777:user/x",
    "arn:aws:iam::111122223333:user/u",
    "sagemaker.amazonaws.com",
    None,
)

_ORDERINGS = ("Equals", "NotEquals", "LessThan", "LessThanEquals", "GreaterThan", "GreaterThanEquals")
STRING_OPS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
)
ARN_OPS = ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
NUMERIC_OPS = tuple(f"Numeric{o}" for o in _ORDERINGS)
DATE_OPS = tuple(f"Date{o}" for o in _ORDERINGS)
IP_OPS = ("IpAddress", "NotIpAddress")

_NAMES = ("alice", "Alice", "a*", "?lice", "${aws:username}", "${aws:userid}x", "${k:gone, 'dflt'}", "${*}", "bob")
KEYS: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    "k:str": {STRING_OPS: (*_NAMES, "${k:arn}")},
    "k:set": {STRING_OPS: ("a", "b", "${aws:username}", "a*")},
    "aws:username": {STRING_OPS: ("alice", "bo?", "${aws:userid}")},
    "aws:userid": {STRING_OPS: ("u1", "u*")},
    "k:arn": {
        ARN_OPS: (
            "arn:aws:iam::111122223333:role/*",
            "arn:*:iam::*:role/a?",
            "arn:aws:iam::${aws:username}:*",
            "*",
            "arn:aws:s3:::b/${aws:username}",
        )
    },
    "k:num": {NUMERIC_OPS: ("1", "2.5", "-3", "10")},
    "k:date": {DATE_OPS: ("2024-01-01T00:00:00Z", "1700000000", "2023-06-01")},
    "k:bool": {("Bool",): ("true", "false", "${aws:username}")},
    "k:ip": {IP_OPS: ("10.0.0.0/8", "10.1.2.3/32", "192.168.0.0/16", "2001:db8::/32", "0.0.0.0/0")},
    "k:bin": {("BinaryEquals",): ("QUJD", "QQ==")},
    "k:mixed": {
        ("StringEquals", "StringNotLike"): ("5", "true", "1*"),
        ("NumericLessThan", "NumericGreaterThanEquals"): ("10", "-2"),
        ("Bool",): ("true",),
        ("IpAddress",): ("10.0.0.0/8",),
    },
}
VALUES: dict[str, tuple[str, ...]] = {
    "k:str": ("alice", "ALICE", "bob", "a*", "*", "dflt", "u1x", "", "arn:aws:iam::1:role/ab"),
    "k:set": ("a", "b", "c", "alice", "ab"),
    "aws:username": ("alice", "bob", "TRUE", "Alice", "111122223333", "u1"),
    "aws:userid": ("u1", "u2", "alice"),
    "k:arn": (
        "arn:aws:iam::111122223333:role/ab",
        "arn:aws:iam::111122223333:role/a",
        "arn:aws:iam::alice:role",
        "arn:aws:iam::a:b:c",
        "arn:aws:s3:::b/alice",
        "x",
    ),
    "k:num": ("0", "1", "2.5", "-3", "1e1", "11", "2.4999"),
    "k:date": ("2024-01-01T00:00:00+00:00", "1700000000", "1700000001", "2023-06-01T12:00:00", "2025-01-01"),
    "k:bool": ("true", "false", "TRUE", "False"),
    "k:ip": ("10.1.2.3", "10.200.0.1", "192.168.1.1", "8.8.8.8", "2001:db8::1", "::1"),
    "k:bin": ("QUJD", "QQ==", "QUJE", "not base64!"),
    "k:mixed": ("5", "-3", "12", "true", "TRUE", "false", "abc", "10.1.2.3", "", "10.0.0.1", "1x"),
    "k:gone": ("x", "y"),
}


@st.composite
def conditions(draw: st.DrawFn, substitutes: bool, folds_variables: bool) -> dict[str, dict[str, list[str]]]:
    block: dict[str, dict[str, list[str]]] = {}
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(sorted(KEYS)))
        if draw(st.integers(0, 5)) == 0:
            block.setdefault("Null", {})[key] = [draw(st.sampled_from(["true", "false"]))]
            continue
        ops, values = draw(st.sampled_from(sorted(KEYS[key].items())))
        operator = draw(st.sampled_from(ops)) + draw(st.sampled_from(["", "", "", "IfExists"]))
        qualified = key == "k:set" or draw(st.integers(0, 4)) == 0
        if qualified:
            operator = draw(st.sampled_from(["ForAllValues:", "ForAnyValue:"])) + operator
        typed = not operator.split(":")[-1].startswith(("String", "Arn"))
        literal = (typed and not substitutes) or ("IgnoreCase" in operator and not folds_variables)
        usable = [v for v in values if not (literal and "${" in v)]
        chosen = draw(st.lists(st.sampled_from(usable), min_size=1, max_size=2, unique=True))
        block.setdefault(operator, {})[key] = chosen
    return block


@st.composite
def statements(draw: st.DrawFn, substitutes: bool, names_principal: bool, folds_variables: bool) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2, unique=True))
    statement["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = actions
    shape = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource", None]))
    if shape:
        statement[shape] = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2, unique=True))
    if names_principal:
        statement["NotPrincipal" if draw(st.integers(0, 5)) == 0 else "Principal"] = draw(st.sampled_from(PRINCIPALS))
    block = draw(conditions(substitutes, folds_variables))
    if block:
        statement["Condition"] = block
    return statement


@st.composite
def policies(draw: st.DrawFn, names_principal: bool, name: str, folds_variables: bool, most: int) -> Policy:
    substitutes = draw(st.integers(0, 3)) > 0
    document: dict[str, Any] = {
        "Statement": [
            draw(statements(substitutes, names_principal, folds_variables)) for _ in range(draw(st.integers(1, most)))
        ]
    }
    if substitutes:
        document["Version"] = "2012-10-17"
    return parse_policy(document, name=name)


@st.composite
def policy_sets(draw: st.DrawFn, folds_variables: bool = True, small: bool = False) -> PolicySet:
    """Random layers; without ``folds_variables``, no ``...IgnoreCase`` value holds a variable (the one
    comparison z3 solves slowly when both sides are free: ``SeqMap`` lower-casing); ``small`` sets have one
    identity policy and at most two statements a policy, which z3 solves in milliseconds, not seconds."""

    def layer(count: int, names_principal: bool, name: str) -> tuple[Policy, ...]:
        most = 2 if small else 3
        return tuple(draw(policies(names_principal, f"{name}{i}", folds_variables, most)) for i in range(count))

    def optional(name: str, names_principal: bool = False) -> tuple[Policy, ...]:
        return layer(1, names_principal, name) if draw(st.integers(0, 3)) == 0 else ()

    identity = layer(draw(st.integers(1, 1 if small else 2)), False, "identity")
    return PolicySet(
        identity=identity,
        resource=optional("resource", True),
        scps=optional("scp"),
        boundaries=optional("boundary"),
        endpoint=optional("endpoint", True),
        drivers=identity,
    )


@st.composite
def requests(draw: st.DrawFn, encoding: Encoding) -> Request:
    """A request inside the encoding's domain (multivalued keys get lists, up to three values)."""
    context: dict[str, Any] = {}
    for name, key in encoding.keys.items():
        vocabulary = [v for v in VALUES.get(name, ("x", "y")) if constant_of(key.shape, v) is not None]
        if not vocabulary or draw(st.integers(0, 3)) == 0:
            continue
        if key.shape.bound > 1:
            context[name] = draw(st.lists(st.sampled_from(vocabulary), min_size=0, max_size=3))
        else:
            context[name] = draw(st.sampled_from(vocabulary))
    return Request(
        draw(st.sampled_from(encoding.actions)),
        draw(st.sampled_from(RESOURCES)),
        context,
        draw(st.sampled_from(CALLERS)),
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_encoding_decides_each_request_as_the_evaluator(data: st.DataObject) -> None:
    pset = data.draw(policy_sets())
    encoding = Encoding(pset, ACTIONS)
    solver = z3.Solver()
    solver.add(*encoding.domain())
    for _ in range(REQUESTS):
        request = data.draw(requests(encoding))
        expected = pset.decide(request)
        assert encoding.decide(request, solver) is expected, f"{request} under {pset}"


def test_a_bound_request_is_decided_by_the_encoding_alone() -> None:
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"},
        }
    )
    encoding = Encoding(PolicySet(identity=(policy,)), ["s3:GetObject"])
    own = Request("s3:GetObject", "arn:aws:s3:::b/alice/x", {"aws:username": "alice"})
    other = Request("s3:GetObject", "arn:aws:s3:::b/bob/x", {"aws:username": "alice"})
    anonymous = Request("s3:GetObject", "arn:aws:s3:::b/alice/x")
    assert encoding.decide(own) is Decision.ALLOWED
    assert encoding.decide(other) is Decision.IMPLICIT_DENY
    assert encoding.decide(anonymous) is Decision.IMPLICIT_DENY
    assert encoding.keys["aws:username"].equals(ABSENT) is not None
