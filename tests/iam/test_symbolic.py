"""`solve`, the z3 engine: the seed's questions, completeness beyond the search, and the engine switch.

The regex builders are checked against the concrete code they mirror; on random
small policies, ``solve`` must find a counterexample whenever ``find``'s bounded
search does (and every one it returns has been re-decided by the evaluator).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import subprocess
import sys
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from test_symbolic_differential import RESOURCES, VALUES, policy_sets

from guardrails.iam import Decision, Request, parse_policy
from guardrails.iam import smt_text as tx
from guardrails.iam.patterns import compile_patterns
from guardrails.iam.smt_keys import constant_of
from guardrails.iam.symbolic import Disagreement, Encoding, Unsupported, recording, solve
from guardrails.model import ABSENT
from guardrails.reasoning import ALLOW_ALL, PolicySet, SearchLimit, engine, find

TRAINING = "sagemaker:CreateTrainingJob"
NOTEBOOK_URL = "sagemaker:CreatePresignedNotebookInstanceUrl"
PROBE_JOB = "arn:aws:sagemaker:us-east-1:111122223333:training-job/guardrails-probe"
CONDITIONS: dict[str, Any] = {
    "StringEquals": {"aws:RequestTag/CostCenter": "x", "sagemaker:VolumeKmsKey": "arn:aws:kms:x:x:key/x"},
    "Bool": {"sagemaker:InterContainerTrafficEncryption": "true", "sagemaker:NetworkIsolation": "true"},
    "ForAllValues:StringEquals": {
        "sagemaker:VpcSubnets": ["subnet-a", "subnet-b"],
        "sagemaker:VpcSecurityGroupIds": ["sg-x", "sg-y"],
    },
    "Null": {"sagemaker:VpcSubnets": "false"},
}


def _policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> Any:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return parse_policy(document, name="p")


def _training(with_null: bool = True) -> Any:
    conditions = dict(CONDITIONS) if with_null else {k: v for k, v in CONDITIONS.items() if k != "Null"}
    return _policy(
        {"Effect": "Allow", "Action": TRAINING, "Resource": "arn:aws:sagemaker:x:x:*/app1-*", "Condition": conditions}
    )


def _notebook_deny(value: str = "${aws:userId}", version: str | None = "2012-10-17") -> Any:
    return _policy(
        {
            "Effect": "Deny",
            "Action": NOTEBOOK_URL,
            "Resource": "*",
            "Condition": {"ForAllValues:StringNotEquals": {"sagemaker:ResourceTag/creatorUserId": value}},
        },
        version=version,
    )


def _own(policy: Any) -> PolicySet:
    return PolicySet(identity=(policy,), drivers=(policy,))


def _guard(policy: Any) -> PolicySet:
    return PolicySet(identity=(policy, ALLOW_ALL), drivers=(ALLOW_ALL,))


# ---- the seed ------------------------------------------------------------------------------------------


def test_the_seed_training_policy_allows_only_compliant_jobs() -> None:
    pset = _own(_training())
    assert solve(pset, TRAINING, resources=[PROBE_JOB]) is not None
    bad = {
        "sagemaker:VpcSubnets": [ABSENT],
        "sagemaker:VpcSecurityGroupIds": [ABSENT],
        "sagemaker:VolumeKmsKey": [ABSENT, "arn:aws:kms:us-east-1:111122223333:alias/aws/sagemaker"],
        "sagemaker:InterContainerTrafficEncryption": [ABSENT, False],
        "sagemaker:NetworkIsolation": [ABSENT, False],
        "aws:RequestTag/CostCenter": [ABSENT, "y"],
    }
    for key, values in bad.items():
        assert solve(pset, TRAINING, forced={key: values}, resources=[PROBE_JOB]) is None, key
    assert solve(pset, "sagemaker:CreateProcessingJob", resources=[PROBE_JOB]) is None


def test_without_its_null_check_the_training_policy_lets_a_job_omit_its_subnets() -> None:
    pset = _own(_training(with_null=False))
    found = solve(pset, TRAINING, forced={"sagemaker:VpcSubnets": [ABSENT]}, resource_type="training-job")
    assert found is not None
    assert "sagemaker:vpcsubnets" not in found.request.normalised
    assert ("sagemaker:VpcSubnets", ABSENT) in found.chosen
    assert pset.decide(found.request) is Decision.ALLOWED
    assert ":training-job/app1-" in found.request.resource


def test_the_seed_notebook_deny_keeps_other_users_out() -> None:
    forced = {"sagemaker:ResourceTag/creatorUserId": [ABSENT, "AROAGUARDRAILSOTHER:someone-else"]}
    assert solve(_guard(_notebook_deny()), NOTEBOOK_URL, forced=forced) is None
    assert solve(_guard(_notebook_deny(version=None)), NOTEBOOK_URL, forced=forced) is None
    # With the key free, the owner (tag == aws:userid) gets through: the Deny does not lock everyone out.
    owner = solve(_guard(_notebook_deny()), NOTEBOOK_URL)
    assert owner is not None
    context = owner.request.normalised
    assert set(context["aws:resourcetag/creatoruserid"]) == set(context["aws:userid"])


def test_a_notebook_deny_against_a_constant_lets_anyone_open_that_users_notebooks() -> None:
    forced = {"sagemaker:ResourceTag/creatorUserId": [ABSENT, "AROAGUARDRAILSOTHER:someone-else", "AROAX:alice"]}
    found = solve(_guard(_notebook_deny("AROAX:alice")), NOTEBOOK_URL, forced=forced)
    assert found is not None
    assert found.request.normalised["sagemaker:resourcetag/creatoruserid"] == ("AROAX:alice",)


def test_explicit_deny_questions_ask_for_a_request_that_escapes_the_deny() -> None:
    deny = _policy(
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            "Principal": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    pset = PolicySet(identity=(ALLOW_ALL,), resource=(deny,), drivers=(ALLOW_ALL,))
    insecure = {"aws:SecureTransport": [False]}
    assert solve(pset, "s3:GetObject", forced=insecure, want=Decision.EXPLICIT_DENY) is None
    escaped = solve(pset, "s3:GetObject", want=Decision.EXPLICIT_DENY)
    assert escaped is not None and escaped.request.normalised.get("aws:securetransport") != ("false",)


# ---- completeness where the search is bounded ----------------------------------------------------------


def test_the_base_context_is_symbolic() -> None:
    admin = _own(
        _policy(
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:username": "admin"}},
            }
        )
    )
    found = solve(admin, "s3:GetObject")
    assert found is not None and found.request.normalised["aws:username"] == ("admin",)
    forced = solve(admin, "s3:GetObject", forced={"aws:username": ["guardrails-probe"]})
    assert forced is None


def _narrow() -> PolicySet:
    """Allows S3 requests whose s3:max-keys lies strictly between 1.5 and 1.6."""
    condition = {"NumericGreaterThan": {"s3:max-keys": "1.5"}, "NumericLessThan": {"s3:max-keys": "1.6"}}
    return _own(_policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": condition}))


def test_numbers_between_the_policy_constants() -> None:
    narrow = _narrow()
    assert solve(narrow, "s3:GetObject") is None  # GetObject requests never carry s3:max-keys
    found = solve(narrow, "s3:ListBucket")
    assert found is not None
    assert 1.5 < float(found.request.normalised["s3:max-keys"][0]) < 1.6
    assert find(narrow, "s3:ListBucket") is None  # its candidates are the constants and their neighbours


@pytest.mark.parametrize(
    ("inside", "outside", "version"),
    [("10.0.0.0/8", "10.0.0.0/9", 4), ("2001:db8::/32", "2001:db8::/33", 6)],
)
def test_addresses_in_one_block_and_not_another(inside: str, outside: str, version: int) -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": inside}, "NotIpAddress": {"aws:SourceIp": outside}},
        }
    )
    found = solve(_own(policy), "s3:GetObject")
    assert found is not None
    address = ipaddress.ip_address(found.request.normalised["aws:sourceip"][0])
    assert address.version == version
    assert address in ipaddress.ip_network(inside) and address not in ipaddress.ip_network(outside)


def test_a_multivalued_key_holds_as_many_values_as_its_conditions_need() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {
                "ForAnyValue:StringEquals": {"aws:TagKeys": "a"},
                "ForAnyValue:StringLike": {"aws:TagKeys": "b*"},
                "ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": "c"},
                "ForAnyValue:ArnLike": {"aws:TagKeys": "arn:d:*"},
                "ForAllValues:StringNotEquals": {"aws:TagKeys": "bad"},
            },
        }
    )
    found = solve(_own(policy), "s3:GetObject")
    assert found is not None and len(set(found.request.normalised["aws:tagkeys"])) >= 4


def test_variables_in_resources_and_conditions() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::home/${aws:username}/*",
            "Condition": {
                "StringEquals": {"aws:PrincipalTag/team": "${aws:username}-team"},
                "StringLike": {"aws:username": "a?"},
            },
        }
    )
    found = solve(_own(policy), "s3:GetObject")
    assert found is not None
    context = found.request.normalised
    name = context["aws:username"][0]
    assert found.request.resource.startswith(f"arn:aws:s3:::home/{name}/")
    assert context["aws:principaltag/team"] == (f"{name}-team",)


def test_case_insensitive_comparison_with_a_variable() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "${aws:username}"}},
        }
    )
    found = solve(_own(policy), "s3:GetObject", forced={"aws:PrincipalTag/team": ["Data-Team"]})
    assert found is not None and found.request.normalised["aws:username"][0].lower() == "data-team"


def test_a_resource_policy_principal_matches_role_sessions() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/a"},
        }
    )
    pset = PolicySet(resource=(policy,), drivers=(policy,))
    assert solve(pset, "s3:GetObject", principal="arn:aws:sts::111122223333:assumed-role/a/s") is not None
    assert solve(pset, "s3:GetObject", principal="arn:aws:sts::111122223333:assumed-role/b/s") is None
    assert solve(pset, "s3:GetObject", principal=None) is None


def test_typed_values_with_variables_are_reported_unsupported() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:username}"}},
        }
    )
    with pytest.raises(Unsupported, match="NumericLessThan"):
        solve(_own(policy), "s3:GetObject")


def test_a_model_the_evaluator_decides_otherwise_is_a_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PolicySet, "decide", lambda self, request: Decision.IMPLICIT_DENY)
    with pytest.raises(Disagreement, match="concrete evaluator decided ImplicitDeny"):
        solve(_own(_training()), TRAINING)


# ---- the engine switch ----------------------------------------------------------------------------------


def test_find_uses_the_engine_in_force_and_memoises_per_engine() -> None:
    narrow = _narrow()
    assert find(narrow, "s3:ListBucket") is None
    with engine("z3"), recording() as seen:
        found = find(narrow, "s3:ListBucket")
        assert found is not None and find(narrow, "s3:ListBucket") is found
    assert seen == {str(found): found}
    assert find(narrow, "s3:ListBucket") is None
    with pytest.raises(ValueError, match="unknown engine"), engine("magic"):
        pass


def test_importing_the_package_and_the_cli_does_not_import_z3() -> None:
    code = "import sys, guardrails.iam, guardrails.reasoning, guardrails.cli; print('z3' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# ---- solve finds whatever the search finds -------------------------------------------------------------


@st.composite
def questions(draw: st.DrawFn) -> tuple[PolicySet, str, dict[str, Any]]:
    """A policy set, an action, and find's keyword arguments: forced keys (values in the encoding's
    domain), stand-in or forced resources, a resource type, the wanted decision."""
    pset = draw(policy_sets(folds_variables=False, small=True))
    action = draw(st.sampled_from(["s3:GetObject", "sagemaker:CreateTrainingJob", "ex:Act"]))
    shapes = Encoding(pset, [action]).keys
    forced: dict[str, list[Any]] = {}
    for name in draw(st.lists(st.sampled_from(sorted(shapes)), max_size=2, unique=True)) if shapes else []:
        shape = shapes[name].shape
        vocabulary = [v for v in VALUES.get(name, ("x",)) if constant_of(shape, v) is not None]
        single = st.sampled_from(vocabulary) if vocabulary else st.nothing()
        value = st.lists(single, min_size=1, max_size=2) if shape.bound > 1 else single
        forced[name] = draw(st.lists(st.just(ABSENT) | value, min_size=1, max_size=2))
    arns = st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True)
    options: dict[str, Any] = {
        "forced": forced,
        "want": draw(
            st.sampled_from([Decision.ALLOWED, Decision.ALLOWED, Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY])
        ),
        "resource_type": draw(st.sampled_from([None, None, "training-job", "alice"])),
    }
    where = draw(st.sampled_from(["free", "resources", "forced_resources"]))
    if where != "free":
        options[where] = draw(arns)
    return pset, action, options


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(question=questions())
def test_solve_finds_a_counterexample_whenever_the_search_does(question: Any) -> None:
    pset, action, options = question
    try:
        searched = find(pset, action, **options)
    except SearchLimit:
        assume(False)
    solved = solve(pset, action, **options)
    if searched is not None:
        assert solved is not None, f"the search found {searched} but z3 found nothing"


# ---- the regexes mirror the concrete code ---------------------------------------------------------------


def _member(text: str, regex: z3.ReRef) -> bool:
    answer = z3.simplify(z3.InRe(tx.text(text), regex))
    if z3.is_true(answer) or z3.is_false(answer):
        return z3.is_true(answer)
    solver = z3.Solver()
    solver.add(answer)
    return solver.check() == z3.sat


def _accepts(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except (ValueError, binascii.Error):
        return False
    return True


@pytest.mark.parametrize(
    "text",
    [
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "10.0.0.1",
        "1.2.3.04",
        "",
        "a.b.c.d",
    ],
)
def test_ipv4_regex_is_what_ipaddress_accepts(text: str) -> None:
    assert _member(text, tx.IPV4) == _accepts(ipaddress.IPv4Address, text)


@settings(max_examples=60, deadline=None)
@given(address=st.integers(0, 2**32 - 1), network=st.integers(0, 2**32 - 1), prefix=st.integers(0, 32))
def test_ipv4_blocks_hold_exactly_their_addresses(address: int, network: int, prefix: int) -> None:
    block = ipaddress.IPv4Network((network, prefix), strict=False)
    text = str(ipaddress.IPv4Address(address))
    assert _member(text, tx.ipv4_block(block)) == (ipaddress.IPv4Address(address) in block)


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet="AQwz+/=", max_size=10))
@example(text="QQ==")
@example(text="QR==")
@example(text="AAAA=")
@example(text="AAAA==")
@example(text="AAAA===")
@example(text="QUI==")
@example(text="QUI=")
@example(text="QUJ=")
@example(text="QUJD")
def test_base64_regexes_are_what_b64decode_accepts_and_b64encode_writes(text: str) -> None:
    valid = _accepts(lambda t: base64.b64decode(t, validate=True), text)
    assert _member(text, tx.BASE64) == valid
    canonical = valid and base64.b64encode(base64.b64decode(text, validate=True)).decode() == text
    assert _member(text, tx.CANONICAL_BASE64) == canonical


@settings(max_examples=200, deadline=None)
@given(
    pattern=st.text(alphabet="ab:*?/", max_size=8),
    text=st.text(alphabet="ab:/", max_size=8),
    arn=st.booleans(),
)
def test_glob_and_arn_patterns_match_like_the_evaluator(pattern: str, text: str, arn: bool) -> None:
    expected = compile_patterns((((pattern, False),),), arn=arn).fullmatch(text) is not None
    assert _member(text, tx.pattern([(pattern, False)], arn=arn)[0][1]) == expected


@settings(max_examples=150, deadline=None)
@given(
    before=st.text(alphabet="a:*", max_size=6),
    variable=st.text(alphabet="a:", max_size=4),
    after=st.text(alphabet="a:*?", max_size=6),
    text=st.text(alphabet="a:", max_size=10),
    arn=st.booleans(),
)
def test_patterns_with_a_variable_match_like_the_evaluator(
    before: str, variable: str, after: str, text: str, arn: bool
) -> None:
    pieces = ((before, False), (variable, True), (after, False))
    expected = compile_patterns((pieces,), arn=arn).fullmatch(text) is not None
    value = z3.String("v")
    segments = [pieces[0], value, pieces[2]]
    solver = z3.Solver()
    solver.add(value == tx.text(variable), tx.in_pattern(tx.text(text), segments, arn=arn))
    assert (solver.check() == z3.sat) == expected


@pytest.mark.parametrize(
    ("text", "policy"), [("ALICE", "alice"), ("k", "\u212a"), ("a1-B", "A1-b"), ("x", "y"), ("ss", "ß")]
)
def test_case_folding_is_str_lower(text: str, policy: str) -> None:
    assert _member(text, tx.folded(policy)) == (text.lower() == policy.lower())


def test_text_round_trips_escapes_and_backslashes() -> None:
    value = "a\\u{41}b\\é"
    solver = z3.Solver()
    variable = z3.String("s")
    solver.add(variable == tx.text(value))
    assert solver.check() == z3.sat
    assert tx.from_model(solver.model()[variable]) == value


def test_a_concrete_request_outside_the_domain_is_refused() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    )
    encoding = Encoding(_own(policy), ["s3:GetObject"])
    with pytest.raises(ValueError, match="outside the encoding"):
        encoding.bind(Request("s3:GetObject", "*", {"aws:SecureTransport": "maybe"}))
    assert json.dumps(str(encoding.keys["aws:securetransport"].shape.sort)) == '"bool"'
