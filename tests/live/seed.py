"""A seeded account: a compliant ("good-") and a non-compliant ("bad-") resource of every kind the
live scan collects, written through the AWS APIs (moto in-process, or a moto server).

moto 5.2.5 drops or omits a few fields (see FACTS.md). `fix_moto` (in-process only) writes them into
moto's backend state, as AWS would hold them; without it the scan sees what moto answers, and the
product rightly fails what it cannot see (see `MOTO_GAP_FAILS`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

REGION = "us-east-1"
ROLE = "arn:aws:iam::{account}:role/sagemaker-execution"
SUBNETS = {"Subnets": ["subnet-0a1"], "SecurityGroupIds": ["sg-0a1"]}
NO_TAGS: list[dict[str, str]] = []
"""moto 5.2.5 stores no tag list for tuning and transform jobs, domains and monitoring job definitions
created without Tags, and its ListTags then fails; an empty list is the same resource on AWS."""


def tags(zone: str = "dev", **extra: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in {"zone": zone, "CostCenter": "CC-1", **extra}.items()]


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@dataclass
class Seeded:
    account: str
    cmk_arn: str
    aws_key_arn: str  # the key behind alias/aws/s3: AWS-managed
    endpoints: dict[str, str] = field(default_factory=dict)  # name -> vpce id


def seed(session: boto3.Session, fix_moto: bool = False, bucket_suffix: str = "") -> Seeded:
    account = session.client("sts").get_caller_identity()["Account"]
    kms = session.client("kms", REGION)
    cmk = kms.create_key(Description="platform CMK")["KeyMetadata"]
    kms.create_alias(AliasName="alias/platform", TargetKeyId=cmk["KeyId"])
    aws_key = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    seeded = Seeded(account, cmk["Arn"], aws_key["Arn"])
    _sagemaker(session, seeded, fix_moto)
    _s3(session, seeded, bucket_suffix)
    _ec2(session, seeded)
    _iam(session, seeded)
    return seeded


def _training(key: str, good: bool) -> dict[str, Any]:
    request: dict[str, Any] = {
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "RoleArn": ROLE.format(account="123456789012"),
        "OutputDataConfig": {"S3OutputPath": "s3://out/p"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
    }
    request["ResourceConfig"]["VolumeKmsKeyId"] = key
    if good:
        request["OutputDataConfig"]["KmsKeyId"] = key
        request |= {"VpcConfig": SUBNETS, "EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True}
    return request


def _sagemaker(session: boto3.Session, s: Seeded, fix_moto: bool) -> None:
    sm = session.client("sagemaker", REGION)
    role = ROLE.format(account=s.account)
    cmk, aws_key = s.cmk_arn, s.aws_key_arn
    good_job, bad_job = _training(cmk, True), _training(aws_key, False)
    sm.create_training_job(TrainingJobName="good-train", Tags=tags(), **good_job)
    sm.create_training_job(TrainingJobName="bad-train", **bad_job)
    # Processing: moto omits ProcessingResources from describe (FACTS.md).
    cluster = {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10}
    output = {
        "Outputs": [
            {"OutputName": "o", "S3Output": {"S3Uri": "s3://o/p", "LocalPath": "/o", "S3UploadMode": "EndOfJob"}}
        ]
    }
    sm.create_processing_job(
        ProcessingJobName="good-process",
        ProcessingResources={"ClusterConfig": {**cluster, "VolumeKmsKeyId": cmk}},
        AppSpecification={"ImageUri": "img"},
        RoleArn=role,
        StoppingCondition={"MaxRuntimeInSeconds": 60},
        NetworkConfig={
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": SUBNETS,
        },
        ProcessingOutputConfig={**output, "KmsKeyId": cmk},
        Tags=tags(),
    )
    sm.create_processing_job(
        ProcessingJobName="bad-process",
        ProcessingResources={"ClusterConfig": cluster},
        AppSpecification={"ImageUri": "img"},
        RoleArn=role,
        ProcessingOutputConfig=output,
    )
    limits = {"Strategy": "Bayesian", "ResourceLimits": {"MaxNumberOfTrainingJobs": 1, "MaxParallelTrainingJobs": 1}}
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="good-tune",
        HyperParameterTuningJobConfig=limits,
        TrainingJobDefinition=good_job,
        Tags=tags(),
    )
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName="bad-tune",
        HyperParameterTuningJobConfig=limits,
        TrainingJobDefinition=bad_job,
        Tags=NO_TAGS,
    )
    source = {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://in/p"}}}
    sm.create_transform_job(
        TransformJobName="good-transform",
        ModelName="good-model",
        TransformInput=source,
        TransformOutput={"S3OutputPath": "s3://o/t", "KmsKeyId": "alias/platform"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeKmsKeyId": cmk},
        Tags=tags(),
    )
    managed = aws_key
    if fix_moto:  # a key KMS reports as AWS-managed, named by its key ARN (moto says CUSTOMER for every key)
        from moto.kms.models import kms_backends

        key = session.client("kms", REGION).create_key()["KeyMetadata"]
        kms_backends[s.account][REGION].keys[key["KeyId"]].key_manager = "AWS"
        managed = key["Arn"]
    sm.create_transform_job(
        TransformJobName="bad-transform",
        ModelName="bad-model",
        TransformInput=source,
        TransformOutput={"S3OutputPath": "s3://o/t"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeKmsKeyId": managed},
        Tags=NO_TAGS,
    )
    container = {"Image": "img"}
    sm.create_model(
        ModelName="good-model",
        ExecutionRoleArn=role,
        PrimaryContainer=container,
        VpcConfig=SUBNETS,
        EnableNetworkIsolation=True,
        Tags=tags("prod", **{"lineage:training-job": "good-train"}),
    )
    sm.create_model(ModelName="bad-model", ExecutionRoleArn=role, PrimaryContainer=container, Tags=tags("prod"))
    variant = {"VariantName": "v", "ModelName": "good-model", "InstanceType": "ml.m5.large"}
    capture = {
        "EnableCapture": True,
        "InitialSamplingPercentage": 10,
        "DestinationS3Uri": "s3://c/p",
        "CaptureOptions": [{"CaptureMode": "Input"}],
        "KmsKeyId": cmk,
    }
    sm.create_endpoint_config(
        EndpointConfigName="good-config",
        ProductionVariants=[{**variant, "InitialInstanceCount": 2}],
        KmsKeyId=cmk,
        DataCaptureConfig=capture,
        Tags=tags("prod"),
    )
    sm.create_endpoint_config(
        EndpointConfigName="bad-config", ProductionVariants=[{**variant, "InitialInstanceCount": 1}], Tags=tags("prod")
    )
    sm.create_endpoint(EndpointName="good-endpoint", EndpointConfigName="good-config", Tags=tags("prod"))
    sm.create_endpoint(EndpointName="bad-endpoint", EndpointConfigName="bad-config")
    sm.create_notebook_instance(
        NotebookInstanceName="good-notebook",
        InstanceType="ml.t3.medium",
        RoleArn=role,
        KmsKeyId=cmk,
        SubnetId="subnet-0a1",
        SecurityGroupIds=["sg-0a1"],
        DirectInternetAccess="Disabled",
        RootAccess="Disabled",
        Tags=tags(creatorUserId="AROAEXAMPLE:alice"),
    )
    # Created with AWS's defaults: moto then omits RootAccess and KmsKeyId from describe, as AWS omits the key.
    sm.create_notebook_instance(NotebookInstanceName="bad-notebook", InstanceType="ml.t3.medium", RoleArn=role)
    sm.create_domain(
        DomainName="good-domain",
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": role, "SecurityGroups": ["sg-0a1"]},
        SubnetIds=["subnet-0a1"],
        VpcId="vpc-0a1",
        AppNetworkAccessType="VpcOnly",
        KmsKeyId=cmk,
        Tags=tags(),
    )
    sm.create_domain(
        DomainName="bad-domain",
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": role},
        SubnetIds=["subnet-0a1"],
        VpcId="vpc-0a1",
        AppNetworkAccessType="PublicInternetOnly",
        Tags=NO_TAGS,
    )
    for name, step in (("good-pipeline", {**good_job, "Tags": tags()}), ("bad-pipeline", bad_job)):
        definition = {"Version": "2020-12-01", "Steps": [{"Name": "train", "Type": "Training", "Arguments": step}]}
        sm.create_pipeline(
            PipelineName=name,
            PipelineDefinition=json.dumps(definition),
            RoleArn=role,
            **({"Tags": tags()} if name.startswith("good") else {}),
        )
    monitor_output = {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://m/p", "LocalPath": "/m"}}]}
    sm.create_data_quality_job_definition(
        JobDefinitionName="good-monitor",
        DataQualityAppSpecification={"ImageUri": "img"},
        DataQualityJobInput={"EndpointInput": {"EndpointName": "good-endpoint", "LocalPath": "/i"}},
        DataQualityJobOutputConfig={**monitor_output, "KmsKeyId": cmk},
        JobResources={"ClusterConfig": {**cluster, "VolumeKmsKeyId": cmk}},
        NetworkConfig={
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": SUBNETS,
        },
        RoleArn=role,
        StoppingCondition={"MaxRuntimeInSeconds": 60},
        Tags=tags(),
    )
    sm.create_model_quality_job_definition(
        JobDefinitionName="bad-monitor",
        ModelQualityAppSpecification={"ImageUri": "img", "ProblemType": "Regression"},
        ModelQualityJobInput={
            "EndpointInput": {"EndpointName": "bad-endpoint", "LocalPath": "/i"},
            "GroundTruthS3Input": {"S3Uri": "s3://g/p"},
        },
        ModelQualityJobOutputConfig=monitor_output,
        JobResources={"ClusterConfig": cluster},
        RoleArn=role,
        Tags=NO_TAGS,
    )
    if fix_moto:
        from moto.sagemaker.models import sagemaker_backends

        backend = sagemaker_backends[s.account][REGION]
        backend._models["good-model"].enable_network_isolation = True  # moto drops it on create
        backend.processing_jobs["good-process"].processing_resources = {  # moto omits it from describe
            "ClusterConfig": {**cluster, "VolumeKmsKeyId": cmk}
        }
        backend.processing_jobs["bad-process"].processing_resources = {"ClusterConfig": cluster}


def _bucket_policy(bucket: str) -> str:
    return doc(
        {
            "Sid": "DenyUnencryptedUploads",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}},
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


def bucket_names(suffix: str = "") -> tuple[str, str]:
    return f"good-bucket{suffix}", f"bad-bucket{suffix}"


def _s3(session: boto3.Session, s: Seeded, suffix: str) -> None:
    s3 = session.client("s3", REGION)
    good, bad = bucket_names(suffix)
    for name in (good, bad):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_encryption(
        Bucket=good,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": s.cmk_arn}}]
        },
    )
    s3.put_bucket_policy(Bucket=good, Policy=_bucket_policy(good))
    s3.put_public_access_block(
        Bucket=good,
        PublicAccessBlockConfiguration={
            k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
        },
    )
    s3.put_bucket_tagging(Bucket=good, Tagging={"TagSet": tags()})
    # SSE-KMS, but with the AWS-managed aws/s3 key, named by its key id.
    aws_key_id = s.aws_key_arn.rsplit("/", 1)[-1]
    s3.put_bucket_encryption(
        Bucket=bad,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": aws_key_id}}]
        },
    )


def _ec2(session: boto3.Session, s: Seeded) -> None:
    ec2 = session.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    presigned_only = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}},
        }
    )
    gateway_policy = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::good-bucket*/*",
        }
    )
    specs = {
        "good-api": ("sagemaker.api", "Interface", {"PrivateDnsEnabled": True, "PolicyDocument": presigned_only}),
        "bad-runtime": ("sagemaker.runtime", "Interface", {"PrivateDnsEnabled": False}),
        "good-s3": ("s3", "Gateway", {"PolicyDocument": gateway_policy}),
        "bad-s3": ("s3", "Gateway", {}),
    }
    for name, (service, kind, extra) in specs.items():
        endpoint = ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{service}", VpcEndpointType=kind, **extra
        )["VpcEndpoint"]
        s.endpoints[name] = endpoint["VpcEndpointId"]


def _iam(session: boto3.Session, s: Seeded) -> None:
    iam = session.client("iam")
    trust = doc({"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"})
    read = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::good-bucket/*"})
    boundary = iam.create_policy(PolicyName="good-boundary", PolicyDocument=read)["Policy"]["Arn"]
    wide = iam.create_policy(
        PolicyName="bad-sagemaker", PolicyDocument=doc({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"})
    )["Policy"]["Arn"]
    iam.create_role(RoleName="good-role", AssumeRolePolicyDocument=trust, PermissionsBoundary=boundary, Tags=tags())
    iam.put_role_policy(RoleName="good-role", PolicyName="read", PolicyDocument=read)
    iam.create_role(RoleName="bad-role", AssumeRolePolicyDocument=trust)
    iam.put_role_policy(
        RoleName="bad-role", PolicyName="admin", PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    )
    iam.attach_role_policy(RoleName="bad-role", PolicyArn=wide)


def schedules(account: str) -> dict[str, dict[str, Any]]:
    """Monitoring schedules as DescribeMonitoringSchedule returns them, with their tags (moto cannot make
    them; `conftest.MonitoringSchedules` serves them in-process): one naming a compliant job definition, one with a
    non-compliant inline definition."""
    arn = f"arn:aws:sagemaker:{REGION}:{account}:monitoring-schedule/"
    cron = {"ScheduleExpression": "cron(0 * ? * * *)"}
    inline = {
        "MonitoringInputs": [{"EndpointInput": {"EndpointName": "bad-endpoint", "LocalPath": "/i"}}],
        "MonitoringOutputConfig": {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://m/p", "LocalPath": "/m"}}]},
        "MonitoringResources": {
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 1}
        },
        "MonitoringAppSpecification": {"ImageUri": "img"},
        "RoleArn": ROLE.format(account=account),
    }
    configs = {
        "good-schedule": {
            "ScheduleConfig": cron,
            "MonitoringJobDefinitionName": "good-monitor",
            "MonitoringType": "DataQuality",
        },
        "bad-schedule": {"ScheduleConfig": cron, "MonitoringJobDefinition": inline},
    }
    return {
        name: {
            "MonitoringScheduleArn": arn + name,
            "MonitoringScheduleName": name,
            "MonitoringScheduleStatus": "Scheduled",
            "CreationTime": datetime(2026, 1, 1, tzinfo=UTC),
            "LastModifiedTime": datetime(2026, 1, 1, tzinfo=UTC),
            "MonitoringScheduleConfig": config,
            "Tags": tags() if name.startswith("good") else [],
        }
        for name, config in configs.items()
    }


def organisation(session: boto3.Session) -> None:
    """Make the account an organisation's management account, with one SCP that allows
    CreateTrainingJob without the security condition keys."""
    org = session.client("organizations", REGION)
    org.create_organization(FeatureSet="ALL")
    org.create_policy(
        Name="bad-scp",
        Description="allows training without conditions",
        Type="SERVICE_CONTROL_POLICY",
        Content=doc({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}),
    )


JOB = {"GR101", "GR102", "GR103", "GR201", "GR202", "GR306", "GR401"}
POLICY = {"GR204", "GR301", "GR302", "GR304", "GR305", "GR307", "GR405"}
TAGS = {"GR306", "GR401"}
EXPECTED_FAILS: dict[str, set[str]] = {
    "bad-train": JOB,
    "bad-process": JOB,
    "bad-tune": JOB,
    "bad-transform": {"GR101", "GR102", *TAGS},
    "bad-model": {"GR201", "GR202", "GR403"},
    "bad-config": {"GR101", "GR402", "GR404"},
    "bad-endpoint": TAGS,
    "bad-notebook": {"GR101", "GR201", "GR203", "GR303", "GR309", *TAGS},
    "bad-domain": {"GR101", "GR201", "GR203", *TAGS},
    "bad-pipeline": TAGS,
    "bad-pipeline/train": JOB,
    "bad-monitor": JOB,
    "bad-schedule": JOB,
    "bad-bucket": {"GR104", "GR105", "GR106", *TAGS},
    "bad-runtime": {"GR205"},
    "bad-s3": {"GR206"},
    "bad-role": {"GR401", "GR405"},
    "bad-role/admin": POLICY,
    "bad-sagemaker": POLICY,
    "bad-scp": {"GR301"},
}
"""What each non-compliant resource fails; every other finding passes."""
MOTO_GAP_FAILS = {("GR202", "good-model"), ("GR101", "good-process")}
"""Without `fix_moto`: moto reports the good model without network isolation and the good processing
job without its volume key, and the scan fails what it is told is missing."""


def expected_fails(gaps: bool = False, schedules: bool = True) -> set[tuple[str, str]]:
    """`gaps`: seeded without `fix_moto`; `schedules`: with the stubbed monitoring schedules served."""
    found = {(rule, name) for name, rules in EXPECTED_FAILS.items() for rule in rules}
    if not schedules:
        found = {(rule, name) for rule, name in found if not name.endswith("-schedule")}
    return found | MOTO_GAP_FAILS if gaps else found


def name_of(resource_id: str, seeded: Seeded | None = None) -> str:
    """`123456789012/us-east-1/bad-train` -> `bad-train`; a VPC endpoint id -> its seeded name."""
    name = resource_id.split("/", 2)[2]
    if seeded is not None:
        name = {vpce: label for label, vpce in seeded.endpoints.items()}.get(name, name)
    return name
