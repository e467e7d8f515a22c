"""`guardrails policy generate`: every generated set verifies and scans clean, for configurations with and
without each approved list; hand-broken copies fail the control the broken part served."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from guardrails.cli import app
from guardrails.config import Approved, Config, load_config
from guardrails.engine import index_rules, judge
from guardrails.generate import GenerateError, generate, write
from guardrails.generate.document import LIMITS, compact
from guardrails.iam import parse_policy, validate
from guardrails.model import Resource, Status
from guardrails.rules import load_rules
from guardrails.scan import run_scan
from guardrails.verify import holds, verify
from tests.conftest import ROOT
from tests.prevent.conftest import CONFIG_PATH

RULES = load_rules()
REFERENCE = load_config(CONFIG_PATH)[0]
LISTS = [f.name for f in dataclasses.fields(Approved)]


def _with(**approved: Any) -> Config:
    return dataclasses.replace(REFERENCE, approved=dataclasses.replace(REFERENCE.approved, **approved))


def _without(name: str) -> Config:
    return _with(**{name: []})


CONFIGS: dict[str, Config] = {
    "reference": REFERENCE,
    "nothing-approved": Config(),
    "only-an-app": Config(approved=Approved(app_prefixes=["app1"])),
    **{f"without-{name}": _without(name) for name in LISTS},
    "key-ids-cidrs-two-apps": _with(
        kms_keys=["1234abcd-12ab-34cd-56ef-1234567890ab", "mrk-0123456789abcdef0123456789abcdef"],
        vpc_endpoints=[],
        cost_centers=["CC-1234", "CC-5678"],
        app_prefixes=["app1", "fraud"],
        buckets=["acme-ml-datasets", "acme-ml-models"],
    ),
    "many-subnets": _with(
        subnets=[f"subnet-0a1b2c3d4e5f{i:05d}" for i in range(60)],
        security_groups=[f"sg-0123456789ab{i:05d}" for i in range(20)],
    ),
}


def _generated(config: Config, directory: str) -> list[str]:
    return write(generate(config), directory)


def _policies(paths: list[str]) -> list[str]:
    return [p for p in paths if "put-bucket-encryption" not in p]


def _bad(report: Any) -> list[str]:
    return [
        f"{f.path}: {f.control} {f.rule_id} {f.status}: {f.message}"
        for f in report.findings
        if f.status is not Status.PASS
    ]


@pytest.mark.parametrize("name", [name for name in CONFIGS if name != "many-subnets"])
def test_generated_policies_scan_clean(name: str, tmp_path: Any) -> None:
    config = CONFIGS[name]
    paths = _generated(config, str(tmp_path))
    report = run_scan([str(tmp_path)], config, RULES)
    assert report.errors == [] and report.skipped == []  # the PutBucketEncryption request is read too
    assert _bad(report) == []
    assert report.resources == len(paths)
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            json.load(handle)


@pytest.mark.parametrize("name", ["reference", "nothing-approved", "key-ids-cidrs-two-apps", "many-subnets"])
def test_generated_policies_verify(name: str, tmp_path: Any) -> None:
    config = CONFIGS[name]
    reports = verify(_policies(_generated(config, str(tmp_path))), config)
    failing = [(r.path, v.rule.control, v.message) for r in reports for v in r.verdicts if v.status is not Status.PASS]
    assert failing == []
    assert holds(reports)


def test_reference_set_and_sizes(tmp_path: Any) -> None:
    generated = generate(REFERENCE, accounts=("111122223333",))
    assert [f.name for f in generated.files] == [
        "identity-app1.json",
        "scp-sagemaker-guardrails.json",
        "endpoint-sagemaker-api.json",
        "endpoint-sagemaker-runtime.json",
        "endpoint-s3-gateway.json",
        "bucket-acme-ml-datasets-policy.json",
        "put-bucket-encryption/acme-ml-datasets.json",
    ]
    assert generated.notes == []
    for item in generated.files:
        if item.limit:
            assert item.size <= item.limit
    scp = next(f for f in generated.files if f.kind == "scp")
    assert len(scp.text) - 1 == scp.size  # an SCP is counted as uploaded: written without whitespace
    write(generated, str(tmp_path))
    report = run_scan([str(tmp_path)], REFERENCE, RULES)
    assert _bad(report) == []
    api = next(f.document for f in generated.files if f.name == "endpoint-sagemaker-api.json")
    assert api["Statement"][1]["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}
    assert generate(REFERENCE).notes == [
        "endpoint-sagemaker-*: no --account named: callers are limited to the account that owns the resource "
        "(aws:ResourceAccount); name the platform accounts to allow calls that name no resource (List*)"
    ]
    with pytest.raises(GenerateError, match="12 digits"):
        generate(REFERENCE, accounts=("1111",))


@pytest.mark.parametrize("name", list(CONFIGS))
def test_output_is_stable(name: str, tmp_path: Any) -> None:
    first = {f.name: f.text for f in generate(CONFIGS[name]).files}
    again = {f.name: f.text for f in generate(copy.deepcopy(CONFIGS[name])).files}
    assert first == again


def test_large_lists_split_into_documents_that_each_hold(tmp_path: Any) -> None:
    config = CONFIGS["many-subnets"]
    generated = generate(config)
    identities = [f for f in generated.files if f.kind == "identity"]
    scps = [f for f in generated.files if f.kind == "scp"]
    assert len(identities) > 1 and len(scps) > 1
    assert [f.name for f in scps][:2] == ["scp-sagemaker-guardrails.json", "scp-sagemaker-guardrails-2.json"]
    for item in identities:
        assert len(compact(item.document)) <= LIMITS["identity"]
    for item in scps:
        assert len(item.text.rstrip("\n")) <= LIMITS["scp"]
    # Each document is compliant on its own. Lists this long outgrow the scanner's bounded search (it says
    # "unknown" and points to `policy verify`, which proves them: test_generated_policies_verify); it never fails.
    write(generated, str(tmp_path))
    report = run_scan([str(tmp_path)], config, RULES)
    assert not [f for f in report.findings if f.status in (Status.FAIL, Status.ERROR)]
    unknown = [f for f in report.findings if f.status is Status.UNKNOWN]
    assert all("without a verdict; prove it with `guardrails policy verify`" in f.message for f in unknown)


def test_a_unit_too_large_for_any_document_is_an_error() -> None:
    config = _with(subnets=[f"subnet-0a1b2c3d4e5f{i:05d}" for i in range(400)])
    with pytest.raises(GenerateError, match="above AWS's limit"):
        generate(config, ("scp",))


def test_condition_keys_are_ones_the_catalog_gives_each_action() -> None:
    for item in generate(CONFIGS["key-ids-cidrs-two-apps"]).files:
        if "Statement" in item.document:
            issues = [i for i in validate(parse_policy(item.document)) if i.code.value != "unknown-condition-key"]
            assert issues == [], item.name


def test_identity_policy_has_the_seed_shape() -> None:
    (identity,) = [f for f in generate(REFERENCE, ("identity",)).files]
    statements = {s["Sid"]: s for s in identity.document["Statement"]}
    train = statements["TrainAndTuneEncryptedIsolatedInTheVpc"]
    assert train["Resource"][0] == "arn:aws:sagemaker:*:*:training-job/app1-*"
    condition = train["Condition"]
    assert condition["StringEquals"]["aws:RequestTag/CostCenter"] == "CC-1234"
    assert condition["StringEquals"]["sagemaker:VolumeKmsKeyArn"] == REFERENCE.approved.kms_keys[0]
    assert condition["Bool"] == {
        "sagemaker:InterContainerTrafficEncryption": "true",
        "sagemaker:NetworkIsolation": "true",
    }
    assert condition["ForAllValues:StringEquals"]["sagemaker:VpcSubnets"] == REFERENCE.approved.subnets
    assert condition["Null"] == {"sagemaker:VpcSubnets": "false", "sagemaker:VpcSecurityGroupIds": "false"}
    notebook = statements["NotebooksInTheVpcWithoutInternetOrRoot"]["Condition"]["StringEquals"]
    assert notebook["sagemaker:DirectInternetAccess"] == "Disabled" and notebook["sagemaker:RootAccess"] == "Disabled"
    assert statements["PresignedUrlThroughTheEndpointOnly"]["Condition"] == {
        "StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}
    }
    creator = statements["OnlyTheCreatorOpensANotebook"]
    assert creator["Effect"] == "Deny"
    assert creator["Condition"]["StringNotEquals"] == {"sagemaker:ResourceTag/creatorUserId": "${aws:userId}"}
    assert statements["PassOnlyTheExecutionRoleToSageMaker"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}
    }


def test_the_seed_volume_key_is_used_where_the_catalog_still_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from guardrails.iam import catalog

    real = catalog.action_supports

    def older_catalog(action: str, key: str) -> bool | None:
        return key == "sagemaker:VolumeKmsKey" or (key != "sagemaker:VolumeKmsKeyArn" and real(action, key))

    monkeypatch.setattr(catalog, "action_supports", older_catalog)
    (identity,) = generate(REFERENCE, ("identity",)).files
    condition = identity.document["Statement"][0]["Condition"]["StringEquals"]
    assert "sagemaker:VolumeKmsKey" in condition and "sagemaker:VolumeKmsKeyArn" not in condition


def _statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in document["Statement"] if s["Sid"] == sid)


def _drop_null_guard(doc: dict[str, Any]) -> None:
    del _statement(doc, "TrainAndTuneEncryptedIsolatedInTheVpc")["Condition"]["Null"]


def _if_exists(doc: dict[str, Any]) -> None:
    condition = _statement(doc, "TrainAndTuneEncryptedIsolatedInTheVpc")["Condition"]
    condition["BoolIfExists"] = condition.pop("Bool")


def _pass_any_role(doc: dict[str, Any]) -> None:
    _statement(doc, "PassOnlyTheExecutionRoleToSageMaker")["Resource"] = "*"


def _no_creator_deny(doc: dict[str, Any]) -> None:
    doc["Statement"].remove(_statement(doc, "OnlyTheCreatorOpensANotebook"))


def _any_prefix(doc: dict[str, Any]) -> None:
    _statement(doc, "ModelsIsolatedInTheVpc")["Resource"] = "*"


def _no_cost_center(doc: dict[str, Any]) -> None:
    condition = _statement(doc, "EndpointConfigsWithCustomerManagedKeys")["Condition"]
    del condition["StringEquals"]["aws:RequestTag/CostCenter"]


def _scp_no_isolation(doc: dict[str, Any]) -> None:
    doc["Statement"].remove(_statement(doc, "DenyWithoutNetworkIsolation"))


def _only_null_upload_deny(doc: dict[str, Any]) -> None:
    doc["Statement"].remove(_statement(doc, "DenyUploadsNotEncryptedWithKms"))


def _tls_allowed(doc: dict[str, Any]) -> None:
    doc["Statement"].remove(_statement(doc, "DenyInsecureTransport"))


def _any_bucket(doc: dict[str, Any]) -> None:
    _statement(doc, "ApprovedBucketsOnly")["Resource"] = "*"


def _presigned_anywhere(doc: dict[str, Any]) -> None:
    del _statement(doc, "PresignedUrlFromTheVpcOnly")["Condition"]


BREAKS: list[tuple[str, str, Callable[[dict[str, Any]], None], set[str]]] = [
    ("null-guard-removed", "identity-app1.json", _drop_null_guard, {"IAM-1", "IAM-6"}),
    ("bool-if-exists", "identity-app1.json", _if_exists, {"IAM-1", "IAM-6"}),
    ("pass-any-role", "identity-app1.json", _pass_any_role, {"IAM-5"}),
    ("no-creator-deny", "identity-app1.json", _no_creator_deny, {"IAM-2"}),
    ("any-prefix", "identity-app1.json", _any_prefix, {"IAM-3"}),
    ("no-cost-center", "identity-app1.json", _no_cost_center, {"IAM-4"}),
    ("scp-no-isolation-deny", "scp-sagemaker-guardrails.json", _scp_no_isolation, {"IAM-1"}),
    ("bucket-null-deny-only", "bucket-acme-ml-datasets-policy.json", _only_null_upload_deny, {"ENC-5"}),
    ("bucket-no-tls-deny", "bucket-acme-ml-datasets-policy.json", _tls_allowed, {"ENC-6"}),
    ("s3-endpoint-any-bucket", "endpoint-s3-gateway.json", _any_bucket, {"NET-6"}),
    ("api-endpoint-presigned-anywhere", "endpoint-sagemaker-api.json", _presigned_anywhere, {"NET-4"}),
]


@pytest.mark.parametrize(("name", "mutate", "controls"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS])
def test_hand_broken_copy_fails_the_right_control(
    name: str, mutate: Callable[[dict[str, Any]], None], controls: set[str], tmp_path: Any
) -> None:
    document = copy.deepcopy(next(f.document for f in generate(REFERENCE).files if f.name == name))
    mutate(document)
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    report = run_scan([str(path)], REFERENCE, RULES)
    failed = {f.control for f in report.findings if f.status is Status.FAIL}
    assert failed == controls
    (verified,) = verify([str(path)], REFERENCE)
    assert {v.rule.control for v in verified.verdicts if v.status is Status.FAIL} == controls


@pytest.mark.parametrize("name", [n for n, c in CONFIGS.items() if c.approved.kms_keys and c.approved.buckets])
def test_bucket_encryption_request_meets_enc4(name: str) -> None:
    config = CONFIGS[name]
    requests = [f.document for f in generate(config, ("bucket",)).files if f.kind == "encryption"]
    assert len(requests) == len(config.approved.buckets)
    index = index_rules(r for r in RULES if r.control == "ENC-4")
    for request in requests:
        bucket = Resource("s3.bucket", request["Bucket"], dict(request), "generated", 1, "api")
        assert [f.status for f in judge([bucket], index, config)] == [Status.PASS]


def test_notes_say_what_was_left_out() -> None:
    generated = generate(Config())
    assert [f.name for f in generated.files] == [
        "scp-sagemaker-guardrails.json",
        "endpoint-sagemaker-api.json",
        "endpoint-sagemaker-runtime.json",
    ]
    assert any("application prefix" in note for note in generated.notes)
    assert any("approved.buckets" in note for note in generated.notes)
    with pytest.raises(GenerateError, match="application prefix"):
        generate(Config(), ("identity",))


def test_cli_writes_the_files(tmp_path: Any) -> None:
    runner = CliRunner()
    out = tmp_path / "policies"
    result = runner.invoke(app, ["policy", "generate", "--config", CONFIG_PATH, "--output-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "identity-app1.json  identity  " in result.stdout
    assert sorted(os.listdir(out)) == sorted(
        [
            "identity-app1.json",
            "scp-sagemaker-guardrails.json",
            "endpoint-sagemaker-api.json",
            "endpoint-sagemaker-runtime.json",
            "endpoint-s3-gateway.json",
            "bucket-acme-ml-datasets-policy.json",
            "put-bucket-encryption",
        ]
    )
    again = tmp_path / "again"
    runner.invoke(app, ["policy", "generate", "--config", CONFIG_PATH, "--output-dir", str(again)])
    for name in ("scp-sagemaker-guardrails.json", "identity-app1.json"):
        assert (out / name).read_bytes() == (again / name).read_bytes()
    result = runner.invoke(
        app, ["policy", "generate", "--config", CONFIG_PATH, "--kind", "identity", "--app", "other",
              "--output-dir", str(out)]
    )
    assert result.exit_code == 2
    assert "not in approved.app_prefixes" in result.output


def test_the_documented_listing_is_the_real_one(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["policy", "generate", "--config", CONFIG_PATH, "--account", "111122223333"])
    assert result.exit_code == 0, result.output
    with open(os.path.join(ROOT, "docs", "prevent.md"), encoding="utf-8") as handle:
        documented = handle.read()
    for line in result.stdout.splitlines():
        assert f"\n{line}\n" in documented
