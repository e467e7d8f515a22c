"""`guardrails policy verify|simulate` as a user drives them: verdicts, counterexamples, exit codes, JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from guardrails.cli import app
from guardrails.iam import Decision

runner = CliRunner()

TRAINING_CONDITIONS: dict[str, Any] = {
    "StringEquals": {"aws:RequestTag/CostCenter": "x", "sagemaker:VolumeKmsKey": "arn:aws:kms:x:x:key/x"},
    "Bool": {"sagemaker:InterContainerTrafficEncryption": "true", "sagemaker:NetworkIsolation": "true"},
    "ForAllValues:StringEquals": {
        "sagemaker:VpcSubnets": ["subnet-a", "subnet-b"],
        "sagemaker:VpcSecurityGroupIds": ["sg-x", "sg-y"],
    },
    "Null": {"sagemaker:VpcSubnets": "false"},
}


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _training(with_null: bool = True) -> dict[str, Any]:
    conditions = {k: v for k, v in TRAINING_CONDITIONS.items() if with_null or k != "Null"}
    return _document(
        {
            "Sid": "TrainOnlyEncryptedIsolatedInTheVpc",
            "Effect": "Allow",
            "Action": "sagemaker:CreateTrainingJob",
            "Resource": "arn:aws:sagemaker:x:x:*/app1-*",
            "Condition": conditions,
        }
    )


def _notebook_deny(value: str) -> dict[str, Any]:
    return _document(
        {
            "Sid": "OnlyTheCreatorOpensANotebook",
            "Effect": "Deny",
            "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
            "Resource": "*",
            "Condition": {"ForAllValues:StringNotEquals": {"sagemaker:ResourceTag/creatorUserId": value}},
        }
    )


SEED: dict[str, dict[str, Any]] = {
    "training.json": _training(),
    "training-no-null.json": _training(with_null=False),
    "notebook-deny.json": _notebook_deny("${aws:userId}"),
    "notebook-deny-constant.json": _notebook_deny("AROAEXAMPLE:alice"),
    "presigned.json": _document(
        {
            "Sid": "OnlyThroughVpce",
            "Effect": "Allow",
            "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-x"}},
        }
    ),
    "sagemaker-api-endpoint-policy.json": _document(
        {
            "Sid": "EndpointFromVpcCidr",
            "Effect": "Allow",
            "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
            "Resource": "*",
            "Principal": "*",
            "Condition": {"IpAddress": {"aws:VpcSourceIp": ["10.0.0.0/16"]}},
        }
    ),
}


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    for name, document in SEED.items():
        (tmp_path / name).write_text(json.dumps(document))
    return tmp_path


def _verify(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["policy", "verify", *args, "--format", "json"])
    return result.exit_code, json.loads(result.stdout) if result.exit_code in (0, 1) else {}


def _controls(report: dict[str, Any], index: int = 0) -> dict[str, dict[str, Any]]:
    return {c["control"]: c for c in report["files"][index]["controls"]}


# ---- verify ---------------------------------------------------------------------------------------------


def test_the_seed_training_policy_verifies(seed: Path) -> None:
    code, report = _verify(str(seed / "training.json"))
    assert code == 0
    assert report["engine"] == "z3" and report["files"][0]["kind"] == "identity"
    controls = _controls(report)
    assert {"IAM-1", "IAM-6"} <= set(controls)
    for control in controls.values():
        assert control["verdict"] == "holds" and control["counterexample"] is None
        assert control["search"] == {
            "verdict": "holds",
            "found_counterexample": False,
            "explanation": control["search"]["explanation"],
        }
    assert report["summary"]["holds"] == report["summary"]["controls"] == len(controls)


def test_without_its_null_check_a_request_omitting_the_subnets_is_a_counterexample(seed: Path) -> None:
    code, report = _verify(str(seed / "training-no-null.json"))
    assert code == 1
    bypass = _controls(report)["IAM-6"]
    assert bypass["verdict"] == "counterexample"
    request = bypass["counterexample"]
    assert request["action"] == "sagemaker:CreateTrainingJob"
    assert "sagemaker:VpcSubnets" in request["absent"]
    assert "sagemaker:vpcsubnets" not in request["context"]
    assert request["context"]["sagemaker:networkisolation"] is True
    assert bypass["search"]["found_counterexample"] is True


def test_the_seed_notebook_deny_verifies_and_a_constant_creator_does_not(seed: Path) -> None:
    code, report = _verify(str(seed / "notebook-deny.json"), str(seed / "notebook-deny-constant.json"))
    assert code == 1
    assert _controls(report, 0)["IAM-2"]["verdict"] == "holds"
    constant = _controls(report, 1)["IAM-2"]
    assert constant["verdict"] == "counterexample"
    context = constant["counterexample"]["context"]
    assert context["sagemaker:resourcetag/creatoruserid"] == ["AROAEXAMPLE:alice"]
    assert context["aws:userid"] != "AROAEXAMPLE:alice"


def test_the_endpoint_policy_is_judged_as_one(seed: Path) -> None:
    code, report = _verify(str(seed / "sagemaker-api-endpoint-policy.json"))
    assert code == 0
    assert report["files"][0]["kind"] == "endpoint"
    assert {"NET-4", "NET-5"} <= set(_controls(report))


def test_the_table_explains_each_verdict_in_words(seed: Path) -> None:
    result = runner.invoke(app, ["policy", "verify", str(seed / "training-no-null.json")])
    assert result.exit_code == 1
    assert "(identity policy)" in result.stdout
    assert "IAM-1 (GR301) HOLDS" not in result.stdout
    assert "IAM-6 (GR308) COUNTEREXAMPLE" in result.stdout
    assert "without: sagemaker:VpcSubnets" in result.stdout
    assert "the bounded search finds a counterexample too" in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", "{not json", "broken.json"),
        ("empty.json", "", "empty file"),
        ("list.json", "[1, 2]", "not a policy document"),
        ("effect.json", json.dumps(_document({"Effect": "Maybe", "Action": "s3:*", "Resource": "*"})), "Effect"),
    ],
)
def test_unreadable_or_invalid_input_exits_2_with_a_message(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = runner.invoke(app, ["policy", "verify", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_a_missing_file_and_a_kind_the_document_does_not_fit_exit_2(seed: Path) -> None:
    missing = runner.invoke(app, ["policy", "verify", str(seed / "nope.json")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr.lower()
    misfit = runner.invoke(
        app, ["policy", "verify", str(seed / "sagemaker-api-endpoint-policy.json"), "--policy-kind", "identity"]
    )
    assert misfit.exit_code == 2 and "must not name a Principal" in misfit.stderr


def test_a_counterexample_only_the_search_finds_is_reported_as_a_bug(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("guardrails.iam.symbolic.solve", lambda *args, **kwargs: None)
    result = runner.invoke(app, ["policy", "verify", str(seed / "training-no-null.json")])
    assert result.exit_code == 2
    assert "the bounded search found a counterexample the z3 engine did not" in result.stderr


def test_an_engine_disagreement_is_reported_never_hidden(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("guardrails.reasoning.PolicySet.decide", lambda self, request: Decision.IMPLICIT_DENY)
    result = runner.invoke(app, ["policy", "verify", str(seed / "training.json")])
    assert result.exit_code == 2
    assert "internal error" in result.stderr and "disagree" in result.stderr


# ---- simulate -------------------------------------------------------------------------------------------


COMPLIANT = [
    "aws:RequestTag/CostCenter=x",
    "sagemaker:VolumeKmsKey=arn:aws:kms:x:x:key/x",
    "sagemaker:InterContainerTrafficEncryption=true",
    "sagemaker:NetworkIsolation=true",
    "sagemaker:VpcSubnets=subnet-a",
    "sagemaker:VpcSubnets=subnet-b",
    "sagemaker:VpcSecurityGroupIds=sg-x",
]


def _simulate(seed: Path, *args: str, context: list[str] = COMPLIANT, json_output: bool = True) -> Any:
    command = ["policy", "simulate", "--policy", str(seed / "training.json"), *args]
    command += [item for pair in context for item in ("--context", pair)]
    return runner.invoke(app, [*command, "--format", "json"] if json_output else command)


def test_simulate_allows_a_compliant_training_job(seed: Path) -> None:
    job = "arn:aws:sagemaker:x:x:training-job/app1-churn"
    result = _simulate(seed, "--action", "sagemaker:CreateTrainingJob", "--resource", job)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["decision"] == "Allowed"
    assert report["statements"] == [
        {
            "policy": str(seed / "training.json"),
            "kind": "identity",
            "sid": "TrainOnlyEncryptedIsolatedInTheVpc",
            "index": 0,
            "effect": "Allow",
        }
    ]
    assert report["request"]["context"]["sagemaker:VpcSubnets"] == ["subnet-a", "subnet-b"]
    assert report["request"]["context"]["sagemaker:NetworkIsolation"] is True
    assert report["reason"].startswith("allowed by identity policy")


def test_simulate_explains_denials_in_words(seed: Path) -> None:
    job = "arn:aws:sagemaker:x:x:training-job/app1-churn"
    outside = [c for c in COMPLIANT if "VpcSubnets" not in c] + ["sagemaker:VpcSubnets=subnet-z"]
    implicit = _simulate(
        seed, "--action", "sagemaker:CreateTrainingJob", "--resource", job, context=outside, json_output=False
    )
    assert implicit.exit_code == 0
    assert "ImplicitDeny" in implicit.stdout and "no identity-based policy allows it" in implicit.stdout
    allowed = _simulate(seed, "--action", "sagemaker:CreateTrainingJob", "--resource", job, json_output=False)
    assert "Allowed by identity policy" in allowed.stdout and "statement 0 (TrainOnlyEncryptedIsolatedInTheVpc)" in (
        allowed.stdout
    )
    denied = runner.invoke(
        app,
        [
            "policy",
            "simulate",
            "--policy",
            str(seed / "presigned.json"),
            "--policy",
            str(seed / "notebook-deny.json"),
            "--action",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            "--context",
            "aws:SourceVpce=vpce-x",
            "--context",
            "aws:userid=AROAX:alice",
            "--context",
            "sagemaker:ResourceTag/creatorUserId=AROAX:bob",
        ],
    )
    assert denied.exit_code == 0
    assert "Explicitly denied by identity policy" in denied.stdout
    assert "OnlyTheCreatorOpensANotebook" in denied.stdout


def test_simulate_with_an_endpoint_policy(seed: Path) -> None:
    base = ["policy", "simulate", "--policy", str(seed / "presigned.json")]
    base += ["--endpoint-policy", str(seed / "sagemaker-api-endpoint-policy.json")]
    base += ["--action", "sagemaker:CreatePresignedNotebookInstanceUrl", "--principal", "arn:aws:iam::1:role/a"]
    inside = runner.invoke(
        app, [*base, "--context", "aws:SourceVpce=vpce-x", "--context", "aws:VpcSourceIp=10.0.1.2", "-f", "json"]
    )
    assert json.loads(inside.stdout)["decision"] == "Allowed"
    outside = runner.invoke(
        app, [*base, "--context", "aws:SourceVpce=vpce-x", "--context", "aws:VpcSourceIp=10.9.1.2", "-f", "json"]
    )
    report = json.loads(outside.stdout)
    assert report["decision"] == "ImplicitDeny" and report["lacking"] == ["endpoint"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--action", "s3:GetObject", "--context", "no-equals-sign"],
        ["--action", "s3:GetObject", "--policy", "/nonexistent/policy.json"],
        ["--action", "s3:GetObject", "--resource-policy", "IDENTITY"],
    ],
)
def test_simulate_rejects_bad_input_with_exit_2(seed: Path, arguments: list[str]) -> None:
    arguments = [str(seed / "training.json") if a == "IDENTITY" else a for a in arguments]
    result = runner.invoke(app, ["policy", "simulate", "--policy", str(seed / "training.json"), *arguments])
    assert result.exit_code == 2 and "error:" in result.stderr and "Traceback" not in result.output


def test_simulate_needs_a_policy() -> None:
    result = runner.invoke(app, ["policy", "simulate", "--action", "s3:GetObject"])
    assert result.exit_code == 2 and "at least one policy" in result.stderr


# ---- the installed executable ---------------------------------------------------------------------------


def test_the_installed_executable_verifies_the_seed(seed: Path) -> None:
    executable = shutil.which("guardrails", path=os.path.dirname(sys.executable)) or shutil.which("guardrails")
    assert executable is not None
    result = subprocess.run(
        [executable, "policy", "verify", "training.json", "notebook-deny.json", "--format", "json"],
        cwd=seed,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == ["training.json", "notebook-deny.json"]
    assert report["summary"]["counterexample"] == 0
