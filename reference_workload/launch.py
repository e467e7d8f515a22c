"""The compliant launch: train with the SageMaker Python SDK v3, then host, every call judged by guardrails first.

The organisation's configuration (`guardrails.yaml`) supplies the approved
subnets, security group, key, bucket, cost centre and application prefix, so
the requests are built from the same list the scanner checks against. The
enforcer is installed once, process-wide, before any AWS session exists; it
judges each SageMaker and S3 configuration call in the client and raises
`GuardrailViolation` before a non-compliant one is sent.

A launch runs twice: first as a preflight in which every call is built and
judged but answered locally (`offline.Offline`), then, only if nothing was
blocked, for real. So a violation anywhere — the training job, the model, the
endpoint — stops the launch before the first byte reaches AWS. `--dry-run`
is the preflight alone, printing the requests.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from guardrails.config import Config, load_config
from reference_workload.offline import Offline, printable

APP_SUFFIX = "cascade"
TRAINING_INSTANCE = "ml.c5.2xlarge"
HOSTING_INSTANCE = "ml.c5.xlarge"
FRAMEWORK_VERSION = "2.19"
"""The AWS TensorFlow containers' version, as in infrastructure/training-job.json."""
HOSTING_ZONE = "prod"
METRICS = ("orientation", "room_type", "marketability")
SDK_CONFIG = {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}}}
PACKAGE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Platform:
    """The approved platform, taken from the guardrails configuration (the first approved value of each list)."""

    region: str
    account: str
    subnets: list[str]
    security_groups: list[str]
    key: str
    bucket: str
    cost_center: str
    app: str
    zone: str

    @classmethod
    def from_config(cls, config: Config, region: str) -> Platform:
        approved = config.approved
        missing = [name for name in ("subnets", "security_groups", "kms_keys", "buckets", "cost_centers",
                                     "app_prefixes") if not getattr(approved, name)]
        if missing:
            raise ValueError(f"the configuration approves no {', '.join(missing)}: the launch needs one of each")
        key = approved.kms_keys[0]
        return cls(region=region, account=key.split(":")[4], subnets=list(approved.subnets),
                   security_groups=list(approved.security_groups), key=key, bucket=approved.buckets[0],
                   cost_center=approved.cost_centers[0], app=approved.app_prefixes[0], zone=config.zones.default)

    @property
    def role(self) -> str:
        return f"arn:aws:iam::{self.account}:role/{self.app}-sagemaker-execution"

    def uri(self, *parts: str) -> str:
        return f"s3://{self.bucket}/{'/'.join((self.app, *parts))}/"

    def tags(self, zone: str, **lineage: str) -> list[dict[str, str]]:
        tags = [{"Key": "zone", "Value": zone}, {"Key": "CostCenter", "Value": self.cost_center}]
        return tags + [{"Key": f"lineage:{k.replace('_', '-')}", "Value": v} for k, v in lineage.items()]


def main(config_path: Path, region: str, dry_run: bool = False, insecure: bool = False,
         audit_log: Path | None = None, upload: Path | None = None, wait: bool = True) -> int:
    """The CLI: 0 launched (or, with --dry-run, would launch), 1 blocked by guardrails."""
    from guardrails.enforce import GuardrailViolation, install_global, uninstall

    config, _ = load_config(str(config_path))
    platform = Platform.from_config(config, region)
    install_global(config=config, mode="block", audit_log=str(audit_log) if audit_log else None)
    try:
        preflight = Offline(platform.account, region)
        try:
            launch(platform, boto3.Session(region_name=region), preflight, insecure, upload, wait)
        except GuardrailViolation as violation:
            print(f"blocked by guardrails, nothing was sent to AWS:\n{violation}", file=sys.stderr)
            return 1
        if dry_run:
            print(json.dumps(printable(preflight.sent), indent=2, default=str))
            return 0
        result = launch(platform, boto3.Session(region_name=region), None, insecure, upload, wait)
        print(json.dumps(result, indent=2))
        return 0
    finally:
        uninstall()


def launch(platform: Platform, session: boto3.Session, offline: Offline | None, insecure: bool,
           upload: Path | None, wait: bool) -> dict[str, str]:
    """Train, then create the model, the endpoint config and the endpoint; the names created."""
    if offline is not None:
        offline.attach(session)
    digest = _dataset(platform, session, upload, offline)
    job = _train(platform, session, digest, insecure)
    client = session.client("sagemaker")
    artifacts = _wait(client, job) if wait else f"{platform.uri('models')}{job}/output/model.tar.gz"
    name = job
    client.create_model(**model_request(platform, name, artifacts, job, digest))
    client.create_endpoint_config(**endpoint_config_request(platform, name))
    client.create_endpoint(EndpointName=name, EndpointConfigName=name, Tags=platform.tags(HOSTING_ZONE))
    return {"training_job": job, "model": name, "endpoint_config": name, "endpoint": name, "dataset_digest": digest}


def _dataset(platform: Platform, session: boto3.Session, upload: Path | None, offline: Offline | None) -> str:
    """The training channel's dataset digest, uploading a local dataset there first when asked."""
    prefix = f"{platform.app}/images/"
    s3 = session.client("s3")
    if upload is not None:
        manifest = json.loads((upload / "manifest.json").read_text())
        for path in sorted(p for p in upload.rglob("*") if p.is_file()):
            key = prefix + path.relative_to(upload).as_posix()
            s3.put_object(Bucket=platform.bucket, Key=key, Body=path.read_bytes(), ServerSideEncryption="aws:kms",
                          SSEKMSKeyId=platform.key)
        return manifest["digest"]
    if offline is not None:
        return "sha256:resolved-at-launch"
    body = s3.get_object(Bucket=platform.bucket, Key=prefix + "manifest.json")["Body"].read()
    return json.loads(body)["digest"]


def _train(platform: Platform, session: boto3.Session, digest: str, insecure: bool) -> str:
    """Start the training job through ModelTrainer; its name."""
    from sagemaker.core import image_uris
    from sagemaker.core.helper.session_helper import Session
    from sagemaker.core.shapes import MetricDefinition, Tag
    from sagemaker.core.training.configs import (
        CheckpointConfig,
        Compute,
        InputData,
        Networking,
        OutputDataConfig,
        SourceCode,
        StoppingCondition,
    )
    from sagemaker.train import ModelTrainer

    sagemaker_session = Session(boto_session=session, default_bucket=platform.bucket,
                                default_bucket_prefix=platform.app, sagemaker_config=SDK_CONFIG)
    image = image_uris.retrieve(framework="tensorflow", region=platform.region, version=FRAMEWORK_VERSION,
                                instance_type=TRAINING_INSTANCE, image_scope="training", py_version="py312")
    with tempfile.TemporaryDirectory(prefix="reference-workload-code-") as code:
        shutil.copytree(PACKAGE, Path(code) / PACKAGE.name,
                        ignore=shutil.ignore_patterns("__pycache__", "infrastructure", "*.md", "guardrails.yaml"))
        trainer = ModelTrainer(
            sagemaker_session=sagemaker_session,
            role=platform.role,
            base_job_name=f"{platform.app}-{APP_SUFFIX}",
            training_image=image,
            source_code=SourceCode(source_dir=code, command=f"python -m {PACKAGE.name} train"),
            hyperparameters={"profile": "full"},
            compute=Compute(instance_type=TRAINING_INSTANCE, instance_count=2, volume_size_in_gb=50,
                            volume_kms_key_id=platform.key, enable_managed_spot_training=True),
            networking=Networking(subnets=platform.subnets, security_group_ids=platform.security_groups,
                                  enable_network_isolation=True,
                                  enable_inter_container_traffic_encryption=not insecure),
            stopping_condition=StoppingCondition(max_runtime_in_seconds=7200, max_wait_time_in_seconds=14400),
            output_data_config=OutputDataConfig(s3_output_path=platform.uri("models"), kms_key_id=platform.key),
            checkpoint_config=CheckpointConfig(s3_uri=platform.uri("checkpoints"), local_path="/opt/ml/checkpoints"),
            tags=[Tag(key=t["Key"], value=t["Value"]) for t in platform.tags(platform.zone, dataset_digest=digest)],
        ).with_metric_definitions([MetricDefinition(name=f"{m}_accuracy", regex=f"{m}_accuracy=([0-9.]+)")
                                   for m in METRICS])
        trainer.train(input_data_config=[InputData(channel_name="train", data_source=platform.uri("images"))],
                      wait=False, logs=False)
    return trainer._latest_training_job.training_job_name


def _wait(client: Any, job: str, poll: float = 30.0) -> str:
    """Wait for the job to finish; its model artefact."""
    while True:
        described = client.describe_training_job(TrainingJobName=job)
        status = described["TrainingJobStatus"]
        if status == "Completed":
            return described["ModelArtifacts"]["S3ModelArtifacts"]
        if status in ("Failed", "Stopped"):
            raise RuntimeError(f"training job {job} {status.lower()}: {described.get('FailureReason', '')}")
        print(f"training job {job}: {status} ({described.get('SecondaryStatus', '')})", file=sys.stderr, flush=True)
        time.sleep(poll)


def model_request(platform: Platform, name: str, artifacts: str, job: str, digest: str) -> dict:
    from sagemaker.core import image_uris

    image = image_uris.retrieve(framework="tensorflow", region=platform.region, version=FRAMEWORK_VERSION,
                                instance_type=HOSTING_INSTANCE, image_scope="inference")
    return {
        "ModelName": name,
        "ExecutionRoleArn": platform.role,
        "PrimaryContainer": {"Image": image, "ModelDataUrl": artifacts},
        "VpcConfig": {"Subnets": platform.subnets, "SecurityGroupIds": platform.security_groups},
        "EnableNetworkIsolation": True,
        "Tags": platform.tags(HOSTING_ZONE, training_job=job, dataset_digest=digest),
    }


def endpoint_config_request(platform: Platform, name: str) -> dict:
    return {
        "EndpointConfigName": name,
        "KmsKeyId": platform.key,
        "ProductionVariants": [{"VariantName": "primary", "ModelName": name, "InitialInstanceCount": 2,
                                "InstanceType": HOSTING_INSTANCE, "InitialVariantWeight": 1.0}],
        "DataCaptureConfig": {
            "EnableCapture": True,
            "InitialSamplingPercentage": 100,
            "DestinationS3Uri": platform.uri("capture"),
            "KmsKeyId": platform.key,
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
        "Tags": platform.tags(HOSTING_ZONE),
    }
