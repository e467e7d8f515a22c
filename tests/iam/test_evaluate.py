"""The evaluator's API: results, requests, policy-kind rules, and property checks of its matchers."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardrails.iam import (
    Decision,
    Effect,
    MatchedStatement,
    PolicyError,
    PolicyKind,
    Request,
    evaluate,
    parse_policy,
)
from guardrails.iam.conditions import compile_condition
from guardrails.iam.operators import parse_operator
from guardrails.iam.patterns import compile_patterns, glob_matcher, pieces
from guardrails.iam.variables import parse_template

V2012 = "2012-10-17"


def _policy(*statements: dict, name: str = "p", version: str = V2012):
    return parse_policy({"Version": version, "Statement": list(statements)}, name=name)


ALLOW_S3 = _policy({"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, name="base")
DENY_DELETE = _policy({"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}, name="guard")


def test_allowed_result_names_the_allowing_statement() -> None:
    result = evaluate(Request("s3:GetObject", "arn:aws:s3:::b/k"), identity=[ALLOW_S3])
    assert result.allowed and result.decision is Decision.ALLOWED
    assert result.statements == [MatchedStatement("base", PolicyKind.IDENTITY, "AllowS3", 0, Effect.ALLOW)]
    assert result.lacking == ()
    assert result.reason == "allowed by identity policy 'base' statement 0 (AllowS3)"


def test_explicit_deny_result_names_the_deny_statement() -> None:
    result = evaluate(Request("s3:DeleteObject"), identity=[ALLOW_S3], scps=[DENY_DELETE])
    assert result.decision is Decision.EXPLICIT_DENY and not result.allowed
    assert result.statements == [MatchedStatement("guard", PolicyKind.SCP, "NoDelete", 0, Effect.DENY)]
    assert result.reason == "explicitly denied by scp policy 'guard' statement 0 (NoDelete)"


def test_implicit_deny_names_the_lacking_layers() -> None:
    scp = _policy({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}, name="scp")
    result = evaluate(Request("s3:GetObject"), identity=[ALLOW_S3], scps=[scp])
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.statements == [] and result.lacking == (PolicyKind.SCP,)
    assert result.reason == "no Allow in scp policies"


def test_no_policies_at_all_is_an_implicit_deny() -> None:
    result = evaluate(Request("s3:GetObject"))
    assert (result.decision, result.lacking) == (Decision.IMPLICIT_DENY, (PolicyKind.IDENTITY,))


def test_layers_accept_any_iterable() -> None:
    result = evaluate(Request("s3:GetObject"), identity=(p for p in [ALLOW_S3]))
    assert result.allowed


def test_equal_policies_evaluate_alike_and_repeat_evaluation_is_stable() -> None:
    twin = _policy({"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, name="base")
    first = evaluate(Request("s3:GetObject"), identity=[twin])
    assert (
        first
        == evaluate(Request("s3:GetObject"), identity=[twin])
        == evaluate(Request("s3:GetObject"), identity=[ALLOW_S3])
    )


def test_request_normalises_its_context() -> None:
    request = Request("S3:GetObject", context={"AWS:SourceIp": "10.0.0.1", "aws:TagKeys": ("a", "b"), "s3:n": 5})
    assert request.action_key == "s3:getobject"
    assert request.normalised == {"aws:sourceip": ("10.0.0.1",), "aws:tagkeys": ("a", "b"), "s3:n": ("5",)}
    assert Request("s3:GetObject", context={"aws:SecureTransport": False}).normalised == {
        "aws:securetransport": ("false",)
    }


@pytest.mark.parametrize("value", [None, {"nested": 1}, [["a"]], b"bytes"])
def test_request_rejects_unsupported_context_values(value: object) -> None:
    with pytest.raises(TypeError):
        Request("s3:GetObject", context={"k": value})


def test_request_rejects_keys_that_differ_only_in_case() -> None:
    with pytest.raises(ValueError, match="differ only in case"):
        Request("s3:GetObject", context={"aws:SourceIp": "1.1.1.1", "aws:sourceip": "2.2.2.2"})


def test_resource_and_endpoint_policies_must_name_a_principal() -> None:
    with pytest.raises(PolicyError, match="Principal"):
        evaluate(Request("s3:GetObject"), resource=[ALLOW_S3])
    with pytest.raises(PolicyError, match="Principal"):
        evaluate(Request("s3:GetObject"), endpoint=[ALLOW_S3])


def test_identity_scp_and_boundary_policies_must_not_name_a_principal() -> None:
    bucket = _policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    for layer in ("identity", "scps", "boundaries"):
        with pytest.raises(PolicyError, match="only for resource policies"):
            evaluate(Request("s3:GetObject"), **{layer: [bucket]})


# --- property checks of the matchers -------------------------------------------------------------

TEXT = st.text(alphabet="ab:/.*?", max_size=12)
SUBJECT = st.text(alphabet="ab:/.", max_size=12)


@cache
def _reference_glob(pattern: str, text: str) -> bool:
    """IAM globbing by definition: * is any run, ? one character, the rest literal."""
    if not pattern:
        return not text
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return any(_reference_glob(rest, text[i:]) for i in range(len(text) + 1))
    return bool(text) and (head == "?" or head == text[0]) and _reference_glob(rest, text[1:])


@given(TEXT, SUBJECT)
def test_glob_matching_agrees_with_its_definition(pattern: str, text: str) -> None:
    assert glob_matcher([pattern])(text) == _reference_glob(pattern, text)


SEGMENT = st.text(alphabet="ab*?", max_size=4)


@given(st.lists(SEGMENT, min_size=6, max_size=6), st.lists(st.text(alphabet="ab", max_size=4), min_size=6, max_size=6))
def test_arn_matching_is_segment_wise(pattern_segments: list[str], value_segments: list[str]) -> None:
    pattern, value = ":".join(pattern_segments), ":".join(value_segments)
    expected = all(_reference_glob(p, v) for p, v in zip(pattern_segments, value_segments, strict=True))
    assert (compile_patterns((pieces(pattern),), arn=True).fullmatch(value) is not None) == expected


VALUES = st.lists(st.text(alphabet="aAb*", max_size=3), min_size=1, max_size=3)
CONTEXT_VALUE = st.text(alphabet="aAb*", max_size=3)


@pytest.mark.parametrize(
    ("positive", "negative"),
    [
        ("StringEquals", "StringNotEquals"),
        ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
        ("StringLike", "StringNotLike"),
        ("ArnLike", "ArnNotLike"),
    ],
)
@given(values=VALUES, value=CONTEXT_VALUE)
def test_negated_operators_are_exact_complements_on_a_present_key(
    positive: str, negative: str, values: list[str], value: str
) -> None:
    context = {"k": (value,)}
    yes = compile_condition(parse_operator(positive), "k", tuple(values), substitute=True)
    no = compile_condition(parse_operator(negative), "k", tuple(values), substitute=True)
    assert yes(context) != no(context)


@given(values=st.lists(st.integers(-5, 5).map(str), min_size=1, max_size=3), value=st.integers(-6, 6))
def test_numeric_operators_follow_arithmetic(values: list[str], value: int) -> None:
    context = {"k": (str(value),)}
    numbers = [int(v) for v in values]
    checks = {
        "NumericEquals": value in numbers,
        "NumericNotEquals": value not in numbers,
        "NumericLessThan": any(value < n for n in numbers),
        "NumericGreaterThanEquals": any(value >= n for n in numbers),
    }
    for name, expected in checks.items():
        assert compile_condition(parse_operator(name), "k", tuple(values), substitute=False)(context) == expected


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=4), st.lists(st.sampled_from(["a", "b"]), max_size=3))
def test_set_operators_are_subset_and_intersection(context_values: list[str], policy_values: list[str]) -> None:
    context = {"k": tuple(context_values)}
    for_all = compile_condition(
        parse_operator("ForAllValues:StringEquals"), "k", tuple(policy_values), substitute=False
    )
    for_any = compile_condition(parse_operator("ForAnyValue:StringEquals"), "k", tuple(policy_values), substitute=False)
    assert for_all(context) == set(context_values).issubset(policy_values)
    assert for_any(context) == bool(set(context_values) & set(policy_values))


def test_templates_render_variables_defaults_and_escapes() -> None:
    template = parse_template("${aws:username}-${aws:PrincipalTag/team, 'it''s'}-${*}")
    assert template is not None
    assert template.render({"aws:username": ("alice",)}) == (
        ("alice", True),
        ("-", False),
        ("it's", True),
        ("-", False),
        ("*", True),
    )
    assert template.render({"aws:username": ("alice",), "aws:principaltag/team": ("ml",)})[2] == ("ml", True)
    assert template.render({}) is None
    assert template.render({"aws:username": ("a", "b")}) is None, "a multivalued key cannot be substituted"
    assert parse_template("plain text, no variables") is None
    assert parse_template("${unterminated") is None


def test_rendered_escapes_are_literal_in_patterns() -> None:
    template = parse_template("a${*}b*")
    assert template is not None
    regex = compile_patterns((template.render({}),))
    assert regex.fullmatch("a*bcd") is not None
    assert regex.fullmatch("axbcd") is None
