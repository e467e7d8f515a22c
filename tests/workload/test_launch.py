"""The compliant launch under moto: every call through the guardrails enforcer, then a live scan of the account.

The platform is laid down first as platform.yaml would leave it (the key, the
dataset bucket with SSE-KMS, deny policies and a public access block), and
the organisation configuration approves that key, as it approves the real
one. The launch uploads a small dataset, starts the training job with
ModelTrainer and creates the model, the endpoint config and the endpoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import yaml

from reference_workload.dataset import generate
from tests.conftest import ROOT

pytest.importorskip("sagemaker.train", reason="the SageMaker SDK is not installed: pip install -e '.[workload]'")
pytest.importorskip("moto", reason="moto is not installed: pip install -e '.[dev]'")

REGION = "us-east-1"
ACCOUNT = "111122223333"
BUCKET = "acme-ml-datasets"
CONFIG = Path(ROOT) / "reference_workload" / "guardrails.yaml"
CREATES = ("sagemaker:CreateTrainingJob", "sagemaker:CreateModel", "sagemaker:CreateEndpointConfig",
           "sagemaker:CreateEndpoint")


def offline_env(tmp: Path) -> dict[str, str]:
    """No credentials, no profile, and an endpoint that refuses connections: nothing can reach AWS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SM_", "TF_CONFIG"))}
    return env | {"AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": str(tmp / "none"),
                  "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "none"), "AWS_EC2_METADATA_DISABLED": "true",
                  "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "SAGEMAKER_VALIDATE_ROLE": "false"}


@pytest.fixture(scope="module")
def account(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """moto as the platform account: the key, the bucket, and a configuration approving them."""
    from moto import mock_aws

    tmp = tmp_path_factory.mktemp("account")
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            patch.delenv(name)
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_DEFAULT_REGION": REGION, "MOTO_ACCOUNT_ID": ACCOUNT,
                            "SAGEMAKER_VALIDATE_ROLE": "false", "AWS_CONFIG_FILE": str(tmp / "none"),
                            "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "none")}.items():
            patch.setenv(name, value)
        with mock_aws():
            key = boto3.client("kms", REGION).create_key(Description="app1 platform key")["KeyMetadata"]["Arn"]
            config = yaml.safe_load(CONFIG.read_text())
            config["approved"]["kms_keys"] = [key]
            (tmp / "guardrails.yaml").write_text(yaml.safe_dump(config))
            _bucket(key)
            manifest = generate(tmp / "images", 8, seed=7, size=64)
            yield {"key": key, "config": tmp / "guardrails.yaml", "data": tmp / "images", "tmp": tmp,
                   "digest": manifest["digest"]}


def _bucket(key: str) -> None:
    s3 = boto3.client("s3", REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
        "BucketKeyEnabled": True}]})
    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True})
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "zone", "Value": "prod"},
                                                             {"Key": "CostCenter", "Value": "CC-1234"}]})


def _bucket_policy(config: Path) -> None:
    """The bucket policy `guardrails policy generate` writes for this configuration, as platform.yaml carries it.
    moto 5.2.5 refuses every upload (403) to a bucket whose policy holds conditional Denies, compliant uploads
    included, so it is attached after the launch, for the live scan."""
    from guardrails.config import load_config
    from guardrails.generate import generate

    (document,) = [f.text for f in generate(load_config(str(config))[0], kinds=("bucket",)).files
                   if f.name == f"bucket-{BUCKET}-policy.json"]
    boto3.client("s3", REGION).put_bucket_policy(Bucket=BUCKET, Policy=document)


def _audit(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_insecure_launch_is_blocked_and_nothing_reaches_aws(account: dict, capsys: pytest.CaptureFixture) -> None:
    from reference_workload.launch import main

    audit = account["tmp"] / "insecure-audit.jsonl"
    code = main(account["config"], REGION, insecure=True, audit_log=audit, upload=account["data"])
    assert code == 1
    err = capsys.readouterr().err
    assert "nothing was sent" in err and "ENC-3" in err and "EnableInterContainerTrafficEncryption" in err
    sagemaker = boto3.client("sagemaker", REGION)
    assert sagemaker.list_training_jobs()["TrainingJobSummaries"] == []
    assert sagemaker.list_models()["Models"] == [] and sagemaker.list_endpoints()["Endpoints"] == []
    assert boto3.client("s3", REGION).list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    blocked = [e for e in _audit(audit) if e["verdict"] == "block"]
    assert [(e["operation"], e["controls"]) for e in blocked] == [("sagemaker:CreateTrainingJob", ["ENC-3"])]


@pytest.fixture(scope="module")
def launched(account: dict) -> dict:
    from reference_workload.launch import main

    audit = account["tmp"] / "audit.jsonl"
    assert main(account["config"], REGION, audit_log=audit, upload=account["data"]) == 0
    job = boto3.client("sagemaker", REGION).list_training_jobs()["TrainingJobSummaries"][0]["TrainingJobName"]
    return {**account, "audit": audit, "job": job}


def test_compliant_launch_creates_everything_through_the_enforcer(launched: dict) -> None:
    sagemaker, key, job = boto3.client("sagemaker", REGION), launched["key"], launched["job"]
    described = sagemaker.describe_training_job(TrainingJobName=job)
    assert described["EnableInterContainerTrafficEncryption"] and described["EnableNetworkIsolation"]
    assert described["EnableManagedSpotTraining"] and described["ResourceConfig"]["InstanceCount"] == 2
    assert described["VpcConfig"]["Subnets"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    assert described["ResourceConfig"]["VolumeKmsKeyId"] == key == described["OutputDataConfig"]["KmsKeyId"]
    assert described["CheckpointConfig"]["S3Uri"] == f"s3://{BUCKET}/app1/checkpoints/"
    assert described["HyperParameters"] == {"profile": "full"}
    tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=described["TrainingJobArn"])["Tags"]}
    assert tags == {"zone": "dev", "CostCenter": "CC-1234", "lineage:dataset-digest": launched["digest"]}

    model = sagemaker.describe_model(ModelName=job)
    model_tags = {t["Key"]: t["Value"] for t in sagemaker.list_tags(ResourceArn=model["ModelArn"])["Tags"]}
    assert model_tags["lineage:training-job"] == job and model_tags["zone"] == "prod"
    config = sagemaker.describe_endpoint_config(EndpointConfigName=job)
    assert config["KmsKeyId"] == key and config["DataCaptureConfig"]["EnableCapture"]
    assert sagemaker.describe_endpoint(EndpointName=job)["EndpointConfigName"] == job

    s3 = boto3.client("s3", REGION)
    objects = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert {o["Key"] for o in objects} >= {"app1/images/manifest.json"}
    assert any("/input/code/reference_workload/training.py" in o["Key"] for o in objects)
    head = s3.head_object(Bucket=BUCKET, Key="app1/images/manifest.json")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key

    decisions = _audit(launched["audit"])
    assert decisions and {e["verdict"] for e in decisions} == {"allow"}
    judged = [e["operation"] for e in decisions]
    for operation in CREATES:  # once in the preflight, once sent
        assert judged.count(operation) == 2, operation
    assert judged.count("s3:PutObject") == 2 * len(objects)


def test_live_scan_of_the_launched_account_is_clean(launched: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("guardrails.live", reason="live scan not available")
    from moto.core.responses import ActionResult
    from moto.sagemaker.models import sagemaker_backends
    from moto.sagemaker.responses import SageMakerResponse
    from typer.testing import CliRunner

    from guardrails.cli import app

    # moto 5.2.5 drops EnableNetworkIsolation on CreateModel (FACTS.md); AWS keeps what the launch sent.
    sagemaker_backends[ACCOUNT][REGION]._models[launched["job"]].enable_network_isolation = True
    # ... and lacks ListMonitoringSchedules: answer as AWS does for an account without schedules.
    monkeypatch.setattr(SageMakerResponse, "list_monitoring_schedules",
                        lambda self: ActionResult({"MonitoringScheduleSummaries": []}), raising=False)
    _bucket_policy(launched["config"])
    result = CliRunner().invoke(app, ["scan", "--live", "--regions", REGION, "--config", str(launched["config"]),
                                      "--format", "json"])
    assert result.stdout, (result.exit_code, result.output, result.exception)
    report = json.loads(result.stdout)
    not_passed = [(f["rule_id"], f["resource"]["id"], f["status"], f["message"]) for f in report["findings"]
                  if f["status"] != "pass"]
    assert not_passed == [] and report["errors"] == [], (not_passed, report["errors"])
    kinds = {f["resource"]["kind"] for f in report["findings"]}
    assert {"sagemaker.training_job", "sagemaker.model", "sagemaker.endpoint_config", "s3.bucket"} <= kinds
    assert result.exit_code == 0


def test_dry_run_prints_the_requests_and_sends_nothing(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "reference_workload", "launch", "--dry-run"],
                            env=offline_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    sent = json.loads(result.stdout)
    operations = [call["operation"] for call in sent]
    assert [op for op in operations if op in CREATES] == list(CREATES)
    assert all(op in (*CREATES, "s3:PutObject") for op in operations)
    training = sent[operations.index("sagemaker:CreateTrainingJob")]["request"]
    assert training["EnableInterContainerTrafficEncryption"] is True and training["EnableNetworkIsolation"] is True
    assert training["ResourceConfig"]["VolumeKmsKeyId"] == yaml.safe_load(CONFIG.read_text())["approved"]["kms_keys"][0]
    assert {"Key": "CostCenter", "Value": "CC-1234"} in training["Tags"]
    uploads = [call["request"] for call in sent if call["operation"] == "s3:PutObject"]
    assert uploads and all(u["ServerSideEncryption"] == "aws:kms" and u["Bucket"] == BUCKET for u in uploads)


def test_dry_run_shows_the_insecure_launch_blocked(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "reference_workload", "launch", "--dry-run", "--insecure"],
                            env=offline_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "blocked by guardrails" in result.stderr and "ENC-3" in result.stderr
    assert result.stdout == ""
