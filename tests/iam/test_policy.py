"""Parsing: every legal spelling of a policy, and PolicyError for what AWS rejects."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from guardrails.iam import Condition, Effect, PolicyError, Principal, parse_policy
from guardrails.iam.operators import Comparison, Family, Qualifier

V2012 = "2012-10-17"


def _one(statement: dict[str, Any], version: str = V2012):
    return parse_policy({"Version": version, "Statement": [statement]}).statements[0]


def test_statement_object_and_list_parse_alike() -> None:
    statement = {"Sid": "S", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    as_object = parse_policy({"Version": V2012, "Statement": statement})
    as_list = parse_policy({"Version": V2012, "Statement": [statement]})
    assert as_object == as_list
    assert as_object.statements[0].actions == ("s3:GetObject",)


def test_single_strings_and_lists_parse_alike() -> None:
    single = _one({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    listed = _one({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]})
    assert single == listed
    assert single.resources == ("arn:aws:s3:::b/*",)


def test_not_elements_are_flagged() -> None:
    statement = _one({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "NotResource": "arn:aws:s3:::b"})
    assert statement.effect is Effect.DENY
    assert statement.actions == ("iam:*", "sts:*") and statement.not_action
    assert statement.resources == ("arn:aws:s3:::b",) and statement.not_resource


def test_missing_resource_means_every_resource() -> None:
    trust = {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    statement = _one(trust)
    assert statement.resources is None


def test_principal_spellings() -> None:
    star = _one({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    aws_star = _one({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*"})
    assert star.principal == aws_star.principal == Principal(aws=("*",))
    full = _one(
        {
            "Effect": "Allow",
            "Principal": {
                "AWS": ["arn:aws:iam::111122223333:root", "444455556666"],
                "Service": "sagemaker.amazonaws.com",
                "Federated": "cognito-identity.amazonaws.com",
                "CanonicalUser": "79a59df900b949e55d96a1e698fbaced",
            },
            "Action": "s3:*",
            "Resource": "*",
        }
    )
    assert full.principal == Principal(
        aws=("arn:aws:iam::111122223333:root", "444455556666"),
        service=("sagemaker.amazonaws.com",),
        federated=("cognito-identity.amazonaws.com",),
        canonical_user=("79a59df900b949e55d96a1e698fbaced",),
    )
    assert not full.not_principal
    negated = _one({"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"})
    assert negated.not_principal and negated.principal == Principal(aws=("111122223333",))


def test_condition_values_become_strings() -> None:
    statement = _one(
        {
            "Effect": "Allow",
            "Action": "sagemaker:CreateTrainingJob",
            "Resource": "*",
            "Condition": {
                "Bool": {"sagemaker:NetworkIsolation": True, "aws:SecureTransport": "false"},
                "NumericLessThan": {"sagemaker:MaxRuntimeInSeconds": 3600, "sagemaker:KeepAlivePeriod": 1.5},
                "StringEquals": {"aws:RequestTag/a": ["x", "y"]},
            },
        }
    )
    assert [(c.operator, c.key, c.values) for c in statement.conditions] == [
        ("Bool", "sagemaker:NetworkIsolation", ("true",)),
        ("Bool", "aws:SecureTransport", ("false",)),
        ("NumericLessThan", "sagemaker:MaxRuntimeInSeconds", ("3600",)),
        ("NumericLessThan", "sagemaker:KeepAlivePeriod", ("1.5",)),
        ("StringEquals", "aws:RequestTag/a", ("x", "y")),
    ]


def test_operator_names_are_split_once() -> None:
    op = Condition("ForAllValues:StringNotEqualsIfExists", "aws:TagKeys", ("a",)).op
    assert (op.base, op.family, op.test, op.negated, op.qualifier, op.if_exists) == (
        "StringNotEquals",
        Family.STRING,
        Comparison.EQUALS,
        True,
        Qualifier.FOR_ALL_VALUES,
        True,
    )
    arn = Condition("ArnNotLike", "aws:PrincipalArn", ("arn:*",)).op
    assert (arn.family, arn.test, arn.negated, arn.qualifier) == (Family.ARN, Comparison.LIKE, True, None)


def test_versions_and_metadata() -> None:
    doc = {"Id": "guardrail-1", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    legacy = parse_policy(doc, name="legacy")
    assert legacy.version == "2008-10-17" and not legacy.substitutes_variables
    assert (legacy.name, legacy.id) == ("legacy", "guardrail-1")
    modern = parse_policy({**doc, "Version": V2012})
    assert modern.substitutes_variables


def test_statements_keep_index_and_sid() -> None:
    policy = parse_policy(
        {
            "Version": V2012,
            "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Sid": "Second", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
            ],
        }
    )
    assert [(s.index, s.sid) for s in policy.statements] == [(0, None), (1, "Second")]


def test_json_text_is_accepted() -> None:
    doc = {"Version": V2012, "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
    assert parse_policy(json.dumps(doc)) == parse_policy(doc)


def test_policies_are_immutable() -> None:
    policy = parse_policy({"Version": V2012, "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.statements[0].effect = Effect.DENY  # type: ignore[misc]


def test_variables_may_stand_for_typed_values_only_in_2012() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/limit}"}},
    }
    assert _one(statement).conditions[0].values == ("${aws:PrincipalTag/limit}",)
    with pytest.raises(PolicyError, match="not a valid Numeric"):
        _one(statement, version="2008-10-17")


def _statement(**overrides: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    statement.update(overrides)
    return {key: value for key, value in statement.items() if value is not None}


def _condition(operator: str, value: Any, key: str = "aws:SourceIp") -> dict[str, Any]:
    return {"Version": V2012, "Statement": _statement(Condition={operator: {key: value}})}


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ("not json", "not JSON"),
        ("[]", "must be a JSON object"),
        (5, "must be a JSON object"),
        ({"Version": V2012}, "no Statement"),
        ({"Statement": "s3:*"}, "Statement must be"),
        ({"Statement": ["s3:*"]}, "must be an object"),
        ({"Version": "2012-10-18", "Statement": []}, "Version must be"),
        ({"Id": 7, "Statement": []}, "Id must be a string"),
        ({"Statements": [], "Statement": []}, "unknown element"),
        ({"Statement": [_statement(Effect="allow")]}, "Effect must be"),
        ({"Statement": [_statement(Effect=None)]}, "Effect must be"),
        ({"Statement": [_statement(NotAction="s3:PutObject")]}, "both Action and NotAction"),
        ({"Statement": [_statement(Action=None)]}, "neither Action nor NotAction"),
        ({"Statement": [_statement(NotResource="arn:aws:s3:::b")]}, "both Resource and NotResource"),
        ({"Statement": [_statement(Principal="*", NotPrincipal="*")]}, "both Principal and NotPrincipal"),
        ({"Statement": [_statement(Actions="s3:*")]}, "unknown element"),
        ({"Statement": [_statement(Action=[])]}, "non-empty list of strings"),
        ({"Statement": [_statement(Action=5)]}, "non-empty list of strings"),
        ({"Statement": [_statement(Resource=["arn:aws:s3:::b", 7])]}, "non-empty list of strings"),
        ({"Statement": [_statement(Action="GetObject")]}, "must be '\\*' or 'service:action'"),
        ({"Statement": [_statement(Action=":GetObject")]}, "must be '\\*' or 'service:action'"),
        ({"Statement": [_statement(Sid=3)]}, "Sid must be a string"),
        ({"Statement": [_statement(Sid="A"), _statement(Sid="A")]}, "Sids must be unique"),
        ({"Statement": [_statement(Principal="arn:aws:iam::111122223333:root")]}, "Principal must be"),
        ({"Statement": [_statement(Principal={})]}, "Principal must be"),
        ({"Statement": [_statement(Principal={"Aws": "*"})]}, "unknown principal type"),
        ({"Statement": [_statement(Principal={"AWS": []})]}, "non-empty list of strings"),
        ({"Statement": [_statement(Condition=[])]}, "Condition must be an object"),
        ({"Statement": [_statement(Condition={"StringEquals": "x"})]}, "must map keys to values"),
        ({"Statement": [_statement(Condition={"StringEquals": {"": "x"}})]}, "non-empty strings"),
        (_condition("StringEqual", "x"), "unknown condition operator"),
        (_condition("stringEquals", "x"), "unknown condition operator"),
        (_condition("ForAllValue:StringEquals", "x"), "unknown set operator"),
        (_condition("StringEqualsIfExist", "x"), "unknown condition operator"),
        (_condition("NullIfExists", "true"), "Null takes neither"),
        (_condition("ForAnyValue:Null", "true"), "Null takes neither"),
        (_condition("StringEquals", None), "condition values must be"),
        (_condition("StringEquals", {"nested": "x"}), "condition values must be"),
        (_condition("StringEquals", ["x", ["y"]]), "condition values must be"),
        (_condition("NumericEquals", "ten"), "not a valid Numeric"),
        (_condition("NumericEquals", "NaN"), "not a valid Numeric"),
        (_condition("DateGreaterThan", "yesterday"), "not a valid Date"),
        (_condition("Bool", "maybe"), "not a valid Bool"),
        (_condition("Null", "yes"), "not a valid Null"),
        (_condition("Null", "${aws:username}"), "not a valid Null"),
        (_condition("IpAddress", "300.1.1.0/24"), "not a valid IpAddress"),
        (_condition("BinaryEquals", "not base64!"), "not a valid Binary"),
    ],
)
def test_illegal_documents_raise(doc: Any, reason: str) -> None:
    with pytest.raises(PolicyError, match=reason):
        parse_policy(doc)


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


def test_empty_statement_list_is_legal() -> None:
    assert parse_policy({"Version": V2012, "Statement": []}).statements == ()
