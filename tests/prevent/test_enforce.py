"""The runtime enforcer against moto: compliant requests arrive, each broken one is stopped in the client.

"Nothing is sent" is checked twice: moto holds no such resource, and a botocore
`before-send` handler (the last step before the HTTP request) never fires.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import BotoCoreError

import guardrails.enforce as enforce
from tests.conftest import ROOT
from tests.prevent.conftest import CONFIG_PATH, KEY

Mutation = Callable[[dict[str, Any]], None]


def _drop_volume_key(job: dict[str, Any]) -> None:
    del job["ResourceConfig"]["VolumeKmsKeyId"]


def _aws_managed_key(job: dict[str, Any]) -> None:
    job["ResourceConfig"]["VolumeKmsKeyId"] = "alias/aws/sagemaker"


def _traffic_encryption_off(job: dict[str, Any]) -> None:
    job["EnableInterContainerTrafficEncryption"] = False


def _isolation_off(job: dict[str, Any]) -> None:
    job["EnableNetworkIsolation"] = False


def _no_vpc(job: dict[str, Any]) -> None:
    del job["VpcConfig"]


def _unapproved_subnet(job: dict[str, Any]) -> None:
    job["VpcConfig"]["Subnets"] = ["subnet-0fffffffffffffff0"]


def _no_cost_center(job: dict[str, Any]) -> None:
    job["Tags"] = [t for t in job["Tags"] if t["Key"] != "CostCenter"]


MUTATIONS: list[tuple[str, Mutation, str, str]] = [
    ("no-volume-key", _drop_volume_key, "ENC-1", "ResourceConfig.VolumeKmsKeyId"),
    ("aws-managed-key", _aws_managed_key, "ENC-1", "ResourceConfig.VolumeKmsKeyId"),
    ("traffic-encryption-off", _traffic_encryption_off, "ENC-3", "EnableInterContainerTrafficEncryption"),
    ("isolation-off", _isolation_off, "NET-2", "EnableNetworkIsolation"),
    ("no-vpc", _no_vpc, "NET-1", "VpcConfig.Subnets"),
    ("unapproved-subnet", _unapproved_subnet, "NET-1", "VpcConfig.Subnets"),
    ("no-cost-center", _no_cost_center, "IAM-4", "Tags.CostCenter"),
]


def _sends(session: boto3.Session) -> list[str]:
    """Records each request that is about to go on the wire (registered before any client exists)."""
    sent: list[str] = []
    session.events.register("before-send", lambda request, **kwargs: sent.append(request.url))
    return sent


def _audit(path: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _notebook(**overrides: Any) -> dict[str, Any]:
    request = {
        "NotebookInstanceName": "app1-notebook",
        "InstanceType": "ml.t3.medium",
        "RoleArn": "arn:aws:iam::111122223333:role/app1-sagemaker-execution",
        "SubnetId": "subnet-0a1b2c3d4e5f60001",
        "SecurityGroupIds": ["sg-0123456789abcdef0"],
        "KmsKeyId": KEY,
        "DirectInternetAccess": "Disabled",
        "RootAccess": "Disabled",
        "Tags": [
            {"Key": "zone", "Value": "dev"},
            {"Key": "CostCenter", "Value": "CC-1234"},
            {"Key": "creatorUserId", "Value": "AIDAEXAMPLEUSER"},
        ],
    }
    request.update(overrides)
    return request


def test_compliant_training_job_reaches_moto(aws: None, training_job: dict[str, Any], tmp_path: Any) -> None:
    session = boto3.Session(region_name="us-east-1")
    sent = _sends(session)
    enforce.install(session, config=CONFIG_PATH, audit_log=str(tmp_path / "audit.jsonl"))
    sagemaker = session.client("sagemaker")
    sagemaker.create_training_job(**training_job)
    described = sagemaker.describe_training_job(TrainingJobName=training_job["TrainingJobName"])
    assert described["ResourceConfig"]["VolumeKmsKeyId"] == KEY
    assert sent
    (entry,) = _audit(tmp_path / "audit.jsonl")
    assert entry["verdict"] == "allow"
    assert entry["operation"] == "sagemaker:CreateTrainingJob"
    assert entry["resource"] == training_job["TrainingJobName"]
    assert entry["controls"] == []
    assert entry["identity"].startswith("arn:aws:sts::")
    assert entry["digest"].startswith("sha256:") and len(entry["digest"]) == 7 + 64
    assert entry["time"].endswith("Z")


@pytest.mark.parametrize(("mutate", "control", "field"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_broken_training_job_is_blocked_before_sending(
    aws: None, training_job: dict[str, Any], tmp_path: Any, mutate: Mutation, control: str, field: str
) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH, audit_log=str(tmp_path / "audit.jsonl"))
    sagemaker = session.client("sagemaker")
    sent: list[str] = []  # the SageMaker client's requests (the audit's one STS lookup is not one of them)
    sagemaker.meta.events.register("before-send", lambda request, **kwargs: sent.append(request.url))
    mutate(training_job)
    with pytest.raises(enforce.GuardrailViolation) as caught:
        sagemaker.create_training_job(**training_job)
    assert sent == []
    assert sagemaker.list_training_jobs()["TrainingJobSummaries"] == []
    assert {v.control for v in caught.value.findings} == {control}
    assert field in [v.field for v in caught.value.findings]
    assert all(v.fix for v in caught.value.findings)
    lines = str(caught.value).splitlines()
    assert "nothing was sent" in lines[0]
    assert lines[1].strip().startswith(f"{control} {field}")
    assert "-> fix:" in lines[1]
    entry = _audit(tmp_path / "audit.jsonl")[-1]
    assert (entry["verdict"], entry["controls"]) == ("block", [control])


def test_notebook_with_direct_internet_is_blocked(aws: None) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH)
    sagemaker = session.client("sagemaker")
    with pytest.raises(enforce.GuardrailViolation) as caught:
        sagemaker.create_notebook_instance(**_notebook(DirectInternetAccess="Enabled"))
    assert [v.control for v in caught.value.findings] == ["NET-3"]
    assert sagemaker.list_notebook_instances()["NotebookInstances"] == []
    sagemaker.create_notebook_instance(**_notebook())
    assert sagemaker.describe_notebook_instance(NotebookInstanceName="app1-notebook")["DirectInternetAccess"] == (
        "Disabled"
    )


def test_audit_mode_sends_and_records(aws: None, training_job: dict[str, Any], tmp_path: Any) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH, mode="audit", audit_log=str(tmp_path / "audit.jsonl"))
    sagemaker = session.client("sagemaker")
    _isolation_off(training_job)
    _drop_volume_key(training_job)
    sagemaker.create_training_job(**training_job)
    assert sagemaker.describe_training_job(TrainingJobName=training_job["TrainingJobName"])
    (entry,) = _audit(tmp_path / "audit.jsonl")
    assert entry["verdict"] == "audit"
    assert entry["controls"] == ["ENC-1", "NET-2"]
    assert entry["rules"] == ["GR101", "GR202"]


def test_violation_is_a_botocore_error_with_readable_lines(aws: None, training_job: dict[str, Any]) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH)
    _no_vpc(training_job)
    _traffic_encryption_off(training_job)
    with pytest.raises(BotoCoreError) as caught:
        session.client("sagemaker").create_training_job(**training_job)
    error = caught.value
    assert isinstance(error, enforce.GuardrailViolation)
    assert error.operation == "sagemaker:CreateTrainingJob"
    lines = str(error).splitlines()
    assert lines[0] == (
        "sagemaker:CreateTrainingJob app1-cascade-20261126 blocked by guardrails, nothing was sent (2 controls failed):"
    )
    assert lines[1].startswith("  ENC-3 EnableInterContainerTrafficEncryption is false")
    assert lines[1].endswith("-> fix: set EnableInterContainerTrafficEncryption to true")
    assert lines[2].startswith("  NET-1 VpcConfig.Subnets is missing; VpcConfig.SecurityGroupIds is missing")
    assert '["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]' in lines[2]
    assert len(lines) == 3


def test_install_on_a_client_created_before(aws: None, training_job: dict[str, Any]) -> None:
    sagemaker = boto3.Session(region_name="us-east-1").client("sagemaker")
    enforce.install(sagemaker, config=CONFIG_PATH)
    _isolation_off(training_job)
    with pytest.raises(enforce.GuardrailViolation):
        sagemaker.create_training_job(**training_job)
    assert sagemaker.list_training_jobs()["TrainingJobSummaries"] == []


def test_install_global_covers_sessions_made_later_until_uninstalled(
    aws: None, training_job: dict[str, Any], tmp_path: Any
) -> None:
    _isolation_off(training_job)
    enforce.install_global(config=CONFIG_PATH, audit_log=str(tmp_path / "audit.jsonl"))
    try:
        sagemaker = boto3.client("sagemaker", region_name="us-east-1")  # boto3's default session
        with pytest.raises(enforce.GuardrailViolation):
            sagemaker.create_training_job(**training_job)
        own = boto3.session.Session(region_name="us-east-1").client("sagemaker")  # code that makes its own
        with pytest.raises(enforce.GuardrailViolation):
            own.create_training_job(**training_job)
    finally:
        enforce.uninstall()
    # Uninstalled: clients made before and after no longer consult the enforcer.
    sagemaker.create_training_job(**training_job)
    assert sagemaker.describe_training_job(TrainingJobName=training_job["TrainingJobName"])
    assert [e["verdict"] for e in _audit(tmp_path / "audit.jsonl")] == ["block", "block"]


def test_update_is_judged_on_what_it_sets(aws: None) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH)
    sagemaker = session.client("sagemaker")
    sagemaker.create_notebook_instance(**_notebook())
    sagemaker.stop_notebook_instance(NotebookInstanceName="app1-notebook")
    with pytest.raises(enforce.GuardrailViolation) as caught:
        sagemaker.update_notebook_instance(NotebookInstanceName="app1-notebook", RootAccess="Enabled")
    assert [v.control for v in caught.value.findings] == ["IAM-7"]
    verdict = _judge("sagemaker", "UpdateNotebookInstance", {"NotebookInstanceName": "app1-notebook",
                                                             "InstanceType": "ml.t3.large"})
    assert verdict.compliant


def test_s3_uploads_need_sse_kms_with_an_approved_key(aws: None) -> None:
    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3")
    s3.create_bucket(Bucket="acme-ml-datasets")
    enforce.install(s3, config=CONFIG_PATH)
    with pytest.raises(enforce.GuardrailViolation) as caught:
        s3.put_object(Bucket="acme-ml-datasets", Key="a.csv", Body=b"x")
    assert {v.control for v in caught.value.findings} == {"ENC-5"}
    assert {v.field for v in caught.value.findings} == {"ServerSideEncryption", "SSEKMSKeyId"}
    with pytest.raises(enforce.GuardrailViolation):
        s3.put_object(Bucket="acme-ml-datasets", Key="a.csv", Body=b"x", ServerSideEncryption="AES256")
    with pytest.raises(enforce.GuardrailViolation):
        s3.put_object(Bucket="acme-ml-datasets", Key="a.csv", Body=b"x", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId="arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000")
    assert "Contents" not in s3.list_objects_v2(Bucket="acme-ml-datasets")
    s3.put_object(Bucket="acme-ml-datasets", Key="a.csv", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=KEY)
    assert s3.head_object(Bucket="acme-ml-datasets", Key="a.csv")["ServerSideEncryption"] == "aws:kms"


def test_bucket_configuration_calls(aws: None, config: Any) -> None:
    from guardrails.generate import generate

    session = boto3.Session(region_name="us-east-1")
    s3 = session.client("s3")
    s3.create_bucket(Bucket="acme-ml-datasets")
    enforce.install(s3, config=CONFIG_PATH)
    with pytest.raises(enforce.GuardrailViolation) as caught:
        aes = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}
        s3.put_bucket_encryption(Bucket="acme-ml-datasets", ServerSideEncryptionConfiguration=aes)
    assert {v.control for v in caught.value.findings} == {"ENC-4"}
    files = {f.name: f.document for f in generate(config, ("bucket",)).files}
    s3.put_bucket_encryption(**files["put-bucket-encryption/acme-ml-datasets.json"])
    s3.put_bucket_policy(Bucket="acme-ml-datasets", Policy=json.dumps(files["bucket-acme-ml-datasets-policy.json"]))
    with pytest.raises(enforce.GuardrailViolation) as caught:
        s3.delete_bucket_policy(Bucket="acme-ml-datasets")
    assert {v.control for v in caught.value.findings} == {"ENC-5", "ENC-6"}
    assert s3.get_bucket_policy(Bucket="acme-ml-datasets")["Policy"]
    with pytest.raises(enforce.GuardrailViolation) as caught:
        s3.put_bucket_tagging(Bucket="acme-ml-datasets", Tagging={"TagSet": [{"Key": "zone", "Value": "dev"}]})
    assert {v.control for v in caught.value.findings} == {"IAM-4"}


def test_pipeline_steps_are_judged(aws: None, training_job: dict[str, Any]) -> None:
    _drop_volume_key(training_job)
    arguments = {k: v for k, v in training_job.items() if k not in ("TrainingJobName", "Tags")}
    definition = {"Version": "2020-12-01", "Steps": [{"Name": "Train", "Type": "Training", "Arguments": arguments}]}
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH)
    sagemaker = session.client("sagemaker")
    with pytest.raises(enforce.GuardrailViolation) as caught:
        sagemaker.create_pipeline(
            PipelineName="app1-cascade",
            PipelineDefinition=json.dumps(definition),
            RoleArn="arn:aws:iam::111122223333:role/app1-sagemaker-execution",
            Tags=[{"Key": "zone", "Value": "dev"}, {"Key": "CostCenter", "Value": "CC-1234"}],
        )
    assert "ENC-1" in {v.control for v in caught.value.findings}
    assert sagemaker.list_pipelines()["PipelineSummaries"] == []


def test_a_request_that_cannot_be_judged_is_refused(aws: None, tmp_path: Any) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH, audit_log=str(tmp_path / "audit.jsonl"))
    with pytest.raises(enforce.GuardrailViolation) as caught:
        session.client("sagemaker").create_pipeline(
            PipelineName="app1-cascade",
            PipelineDefinitionS3Location={"Bucket": "acme-ml-datasets", "ObjectKey": "pipeline.json"},
            RoleArn="arn:aws:iam::111122223333:role/app1-sagemaker-execution",
            Tags=[{"Key": "zone", "Value": "dev"}, {"Key": "CostCenter", "Value": "CC-1234"}],
        )
    reason = "pipeline steps not assessed: no inline PipelineDefinition"
    assert caught.value.findings == []
    assert str(caught.value).splitlines() == [
        "sagemaker:CreatePipeline app1-cascade blocked by guardrails, nothing was sent (it could not be judged):",
        f"  not assessed: {reason}",
    ]
    (entry,) = _audit(tmp_path / "audit.jsonl")
    assert (entry["verdict"], entry["unassessed"]) == ("block", [reason])


def test_the_documented_traceback_is_the_real_one(aws: None, training_job: dict[str, Any]) -> None:
    session = boto3.Session(region_name="us-east-1")
    enforce.install(session, config=CONFIG_PATH)
    training_job["TrainingJobName"] = "app1-cascade-quick-try"
    _isolation_off(training_job)
    _drop_volume_key(training_job)
    with pytest.raises(enforce.GuardrailViolation) as caught:
        session.client("sagemaker").create_training_job(**training_job)
    with open(os.path.join(ROOT, "docs", "prevent.md"), encoding="utf-8") as handle:
        documented = handle.read()
    assert f"guardrails.enforce.GuardrailViolation: {caught.value}\n" in documented


def test_identity_is_null_without_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from botocore.session import Session as BotocoreSession

    from guardrails.enforce.identity import Identity

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session = BotocoreSession()
    created: list[str] = []
    monkeypatch.setattr(session, "create_client", lambda *a, **k: created.append(a[0]))
    assert Identity(session).get("us-east-1") is None
    assert created == []
    assert Identity(None).get("us-east-1") is None


def test_digest_is_the_canonical_json_of_the_request() -> None:
    from guardrails.enforce.audit import digest

    assert digest({"B": 1, "A": [True, None]}) == digest({"A": [True, None], "B": 1})
    assert digest({"Body": b"abc"}) != digest({"Body": b"abd"})


def _judge(service: str, operation: str, params: dict[str, Any]) -> enforce.Verdict:
    from guardrails.enforce.requests import to_request

    enforcer = enforce.Enforcer(CONFIG_PATH, enforce.Mode.BLOCK, None, caller_identity=False)
    try:
        return enforcer.judge(to_request(service, operation, params))
    finally:
        enforcer.detach()
