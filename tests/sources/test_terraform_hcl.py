"""Terraform `.tf` modules -> canonical resources (terraform_hcl + terraform_map)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrails.inputs import InputFile
from guardrails.loader import load_text
from guardrails.model import ABSENT, Choice, Partial, Ref, Resource, SourceError, Unknown
from guardrails.sources import cloudformation, parse_files
from guardrails.sources.terraform_hcl import load_module

HERE = os.path.join(os.path.dirname(__file__), "terraform")
MODULE = os.path.join(HERE, "module")
KEY_ARN = "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/aws_kms_key.main"


def _input(path: str) -> InputFile:
    with open(path, encoding="utf-8") as handle:
        return InputFile(path, handle.read())


def _read(directory: str) -> list[InputFile]:
    return [_input(os.path.join(directory, n)) for n in sorted(os.listdir(directory)) if n.endswith(".tf")]


def _load(text: str) -> tuple[dict[str, Resource], list[SourceError]]:
    resources, errors = load_module([InputFile("main.tf", text)])
    return {r.id: r for r in resources}, errors


def _props(text: str, address: str) -> dict:
    resources, errors = _load(text)
    assert errors == []
    return resources[address].props


@pytest.fixture(scope="module")
def module() -> dict[str, Resource]:
    resources, errors = load_module(_read(MODULE))
    assert errors == []
    assert len({r.id for r in resources}) == len(resources)
    return {r.id: r for r in resources}


def _path(name: str) -> str:
    return os.path.join(MODULE, name)


# ---- SageMaker ------------------------------------------------------------------------------------------


def test_notebook_instance_is_a_create_notebook_instance_request(module: dict[str, Resource]) -> None:
    nb = module["aws_sagemaker_notebook_instance.nb"]
    assert (nb.kind, nb.path, nb.line) == ("sagemaker.notebook_instance", _path("sagemaker.tf"), 15)
    assert nb.source == "terraform"
    assert nb.props == {
        "NotebookInstanceName": "ml-prod-nb",
        "RoleArn": "arn:aws:iam::111122223333:role/nb",
        "InstanceType": "ml.t3.medium",
        "KmsKeyId": KEY_ARN,
        "SubnetId": "aws_subnet.a.id",
        "SecurityGroupIds": ["aws_security_group.nb.id"],
        "DirectInternetAccess": "Disabled",
        "RootAccess": "Disabled",
        "Tags": {"Owner": "platform", "Team": "ml", "Zone": "prod"},
    }
    key = nb.props["KmsKeyId"]
    assert isinstance(key, Ref) and (key.target_type, key.target) == ("kms.key", "aws_kms_key.main")
    subnet, group = nb.props["SubnetId"], nb.props["SecurityGroupIds"][0]
    assert (subnet.target_type, subnet.target) == ("ec2.subnet", "aws_subnet.a")
    assert (group.target_type, group.target) == ("ec2.security_group", "aws_security_group.nb")
    assert nb.tags == {"Owner": "platform", "Team": "ml", "Zone": "prod"}
    assert nb.lines[("KmsKeyId",)] == 19
    assert nb.lines[("SecurityGroupIds", 0)] == 21
    assert nb.line_of(("DirectInternetAccess",)) == 22


def test_unset_provider_defaults_stay_absent_and_unknowns_say_why(module: dict[str, Resource]) -> None:
    nb = module["aws_sagemaker_notebook_instance.defaults"]
    assert "DirectInternetAccess" not in nb.props and "RootAccess" not in nb.props
    assert nb.props["KmsKeyId"] == Unknown("variable kms_key_arn has no default")
    assert nb.props["Tags"]["Zone"] == Unknown("local.loop_a refers to itself")


def test_model(module: dict[str, Resource]) -> None:
    model = module["aws_sagemaker_model.m"]
    assert model.kind == "sagemaker.model"
    assert model.props == {
        "ModelName": "ml-prod-model",
        "ExecutionRoleArn": "arn:aws:iam::111122223333:role/exec",
        "EnableNetworkIsolation": True,
        "PrimaryContainer": {
            "Image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/model:1",
            "ModelDataUrl": "s3://models/model.tar.gz",
        },
        "VpcConfig": {"Subnets": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]},
        "Tags": {"Owner": "platform"},
    }
    assert model.lines[("VpcConfig",)] == 45
    assert model.lines[("VpcConfig", "Subnets")] == 46
    assert model.lines[("PrimaryContainer", "Image")] == 41


def test_endpoint_configuration(module: dict[str, Resource]) -> None:
    config = module["aws_sagemaker_endpoint_configuration.ec"]
    assert config.kind == "sagemaker.endpoint_config"
    variant = {"InitialInstanceCount": 2, "InstanceType": "ml.m5.large", "ModelName": "aws_sagemaker_model.m.name"}
    assert config.props == {
        "EndpointConfigName": "ml-prod-ec",
        "KmsKeyId": KEY_ARN,
        "ProductionVariants": [
            {**variant, "VariantName": "a"},
            {**variant, "VariantName": "b", "InitialInstanceCount": 1},
        ],
        "DataCaptureConfig": {
            "EnableCapture": True,
            "InitialSamplingPercentage": 50,
            "DestinationS3Uri": "s3://ml-prod-data/capture",
            "KmsKeyId": KEY_ARN,
            "CaptureOptions": [{"CaptureMode": "Input"}],
        },
        "Tags": {"Owner": "platform"},
    }
    assert isinstance(config.props["DataCaptureConfig"]["DestinationS3Uri"], Partial)
    assert config.lines[("ProductionVariants", 1)] == 62
    assert config.lines[("ProductionVariants", 1, "VariantName")] == 63
    assert config.lines[("DataCaptureConfig", "CaptureOptions", 0, "CaptureMode")] == 76


def test_endpoint_domain_and_monitoring(module: dict[str, Resource]) -> None:
    assert module["aws_sagemaker_endpoint.ep"].props == {
        "EndpointName": "ml-prod-ep",
        "EndpointConfigName": "aws_sagemaker_endpoint_configuration.ec.name",
        "Tags": {"Owner": "platform", "Zone": "prod"},
    }
    domain = module["aws_sagemaker_domain.d"]
    assert domain.kind == "sagemaker.domain"
    assert domain.props == {
        "DomainName": "studio",
        "AuthMode": "IAM",
        "VpcId": "vpc-1",
        "SubnetIds": ["aws_subnet.a.id"],
        "KmsKeyId": KEY_ARN,
        "AppNetworkAccessType": "VpcOnly",
        "DefaultUserSettings": {
            "ExecutionRole": "arn:aws:iam::111122223333:role/studio",
            "SecurityGroups": ["aws_security_group.nb.id"],
        },
        "Tags": {"Owner": "platform"},
    }
    definition = module["aws_sagemaker_data_quality_job_definition.dq"]
    assert definition.kind == "sagemaker.monitoring_job_definition"
    assert definition.props == {
        "JobDefinitionName": "dq",
        "RoleArn": "arn:aws:iam::111122223333:role/monitor",
        "JobResources": {
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.large",
                "VolumeSizeInGB": 20,
                "VolumeKmsKeyId": KEY_ARN,
            }
        },
        "JobOutputConfig": {"KmsKeyId": KEY_ARN, "MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://monitoring/out"}}]},
        "NetworkConfig": {
            "EnableInterContainerTrafficEncryption": True,
            "EnableNetworkIsolation": False,
            "VpcConfig": {"Subnets": ["aws_subnet.a.id"], "SecurityGroupIds": ["sg-1"]},
        },
        "Tags": {"Owner": "platform"},
    }
    assert definition.lines[("JobResources", "ClusterConfig", "VolumeKmsKeyId")] == 110
    schedule = module["aws_sagemaker_monitoring_schedule.s"]
    assert schedule.kind == "sagemaker.monitoring_schedule"
    assert schedule.props == {
        "MonitoringScheduleName": "dq-schedule",
        "MonitoringScheduleConfig": {
            "MonitoringJobDefinitionName": "aws_sagemaker_data_quality_job_definition.dq.name",
            "MonitoringType": "DataQuality",
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
        },
        "Tags": {"Owner": "platform", "Zone": "prod"},
    }
    assert schedule.tags == {"Owner": "platform", "Zone": "prod"}


def test_pipeline_and_its_steps(module: dict[str, Resource]) -> None:
    pipeline = module["aws_sagemaker_pipeline.p"]
    assert pipeline.kind == "sagemaker.pipeline"
    assert pipeline.props == {
        "PipelineName": "ml-prod-pipeline",
        "PipelineDisplayName": "training",
        "RoleArn": "arn:aws:iam::111122223333:role/pipeline",
        "Tags": {"Owner": "platform"},
    }
    step = module["aws_sagemaker_pipeline.p/Train"]
    assert (step.kind, step.source, step.path, step.line) == (
        "sagemaker.training_job",
        "terraform",
        _path("sagemaker.tf"),
        161,
    )
    assert step.props["ResourceConfig"] == {
        "InstanceType": "ml.m5.xlarge",
        "InstanceCount": 1,
        "VolumeSizeInGB": 30,
        "VolumeKmsKeyId": KEY_ARN,
    }
    assert step.props["ResourceConfig"]["VolumeKmsKeyId"].target == "aws_kms_key.main"
    assert step.lines[("EnableNetworkIsolation",)] == 172


# ---- S3, VPC endpoints, KMS -----------------------------------------------------------------------------


def test_split_bucket_resources_are_joined_to_their_bucket(module: dict[str, Resource]) -> None:
    bucket = module["aws_s3_bucket.data"]
    assert bucket.kind == "s3.bucket"
    assert bucket.props["Bucket"] == "ml-prod-data"
    assert bucket.props["ServerSideEncryptionConfiguration"] == {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_ARN},
                "BucketKeyEnabled": True,
            }
        ],
    }
    assert bucket.props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": False,
    }
    assert bucket.props["Policy"]["Statement"][0]["Sid"] == "DenyInsecureTransport"
    assert bucket.tags == {"Owner": "platform", "Zone": "prod", "Classification": "confidential"}
    assert bucket.lines[("ServerSideEncryptionConfiguration", "Rules", 0, "BucketKeyEnabled")] == 14
    assert bucket.lines[("PublicAccessBlockConfiguration", "RestrictPublicBuckets")] == 23
    assert bucket.lines[("Policy",)] == 83
    joined = {
        "aws_s3_bucket_policy.data",
        "aws_s3_bucket_public_access_block.data",
        "aws_s3_bucket_server_side_encryption_configuration.data",
    }
    assert not joined & set(module)


def test_policy_document_data_source_is_rendered(module: dict[str, Resource]) -> None:
    policy = module["aws_s3_bucket.data"].props["Policy"]
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::ml-prod-data", "arn:aws:s3:::ml-prod-data/*"],
                "Principal": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "AccountRead",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::ml-prod-data/*",
                "Principal": {"AWS": "arn:aws:iam::${AWS::AccountId}:root"},
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": "o-123", "aws:PrincipalTag/team": ["ml", "data"]},
                    "Null": {"aws:PrincipalTag/team": "false"},
                    "ForAllValues:StringEquals": {"aws:TagKeys": "team"},
                },
            },
        ],
    }
    principal = policy["Statement"][1]["Principal"]["AWS"]
    assert isinstance(principal, Partial)
    assert isinstance(policy["Statement"][0]["Resource"][0], Ref)


def test_legacy_inline_bucket_encryption_and_heredoc_policy(module: dict[str, Resource]) -> None:
    legacy = module["aws_s3_bucket.legacy"]
    assert legacy.props == {
        "Bucket": "legacy-bucket",
        "ServerSideEncryptionConfiguration": {
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}],
        },
        "Policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::legacy-bucket/*",
                }
            ],
        },
        "Tags": {"Owner": "platform"},
    }
    assert legacy.lines[("Policy",)] == 97
    assert legacy.lines[("Policy", "Statement", 0, "Principal")] == 103
    assert legacy.line_of(("Policy", "Statement", 0, "Principal", "AWS")) == 103


def test_bucket_policy_without_its_bucket_is_a_policy_of_its_own(module: dict[str, Resource]) -> None:
    policy = module["aws_s3_bucket_policy.elsewhere"]
    assert (policy.kind, policy.line, policy.source) == ("policy.bucket", 112, "terraform")
    assert policy.props["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::bucket-of-another-stack/*",
        }
    ]
    assert policy.lines[("Statement", 0, "Principal", "AWS")] == 118


def test_vpc_endpoints(module: dict[str, Resource]) -> None:
    gateway = module["aws_vpc_endpoint.s3"]
    assert gateway.kind == "ec2.vpc_endpoint"
    assert gateway.props == {
        "ServiceName": "com.amazonaws.eu-west-1.s3",
        "VpcId": "vpc-1",
        "VpcEndpointType": "Gateway",
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "*"}],
        },
        "Tags": {"Owner": "platform"},
    }
    assert gateway.lines[("PolicyDocument", "Statement", 0, "Action")] == 13
    assert "aws_vpc_endpoint_policy.s3" not in module
    interface = module["aws_vpc_endpoint.api"]
    assert interface.props["VpcEndpointType"] == "Interface"
    assert interface.props["PrivateDnsEnabled"] is True
    assert "PolicyDocument" not in interface.props
    assert interface.props["SubnetIds"][0].target_type == "ec2.subnet"


def test_kms_key(module: dict[str, Resource]) -> None:
    key = module["aws_kms_key.main"]
    assert (key.kind, key.line) == ("kms.key", 1)
    assert key.props == {"Description": "ML data key", "EnableKeyRotation": True, "Tags": {"Owner": "platform"}}


# ---- IAM and organizations ------------------------------------------------------------------------------


def test_role_and_its_inline_policy(module: dict[str, Resource]) -> None:
    role = module["aws_iam_role.exec"]
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    assert role.kind == "iam.role"
    props = dict(role.props)
    assert props.pop("Policies") == [{"PolicyName": "logs", "PolicyDocument": document}]
    assert props.pop("PolicySet") == {  # its inline policy, and the aws_iam_role_policy naming it
        "Policies": [("logs", document), ("aws_iam_role_policy.kms", module["aws_iam_role_policy.kms"].props)],
        "Boundary": Unknown("the permission boundary is not in the scanned input"),
    }
    assert props == {
        "RoleName": "ml-prod-exec",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "sagemaker.amazonaws.com"}}
            ],
        },
        "PermissionsBoundary": "arn:aws:iam::111122223333:policy/boundary",
        "Tags": {"Owner": "platform", "Zone": "prod"},
    }
    inline = module["aws_iam_role.exec/logs"]
    assert (inline.kind, inline.line, inline.props) == ("policy.identity", 18, document)
    assert inline.lines[("Statement", 0, "Action")] == 24


def test_an_empty_inline_policy_block_is_no_policy() -> None:
    resources, errors = _load("""
resource "aws_iam_role" "r" {
  name = "r"
  inline_policy {}
}
""")
    assert errors == []
    assert list(resources) == ["aws_iam_role.r"]
    props = resources["aws_iam_role.r"].props
    assert props == {"RoleName": "r", "PolicySet": {"Policies": [], "Boundary": ABSENT}}


def test_jsonencode_policy_keeps_references(module: dict[str, Resource]) -> None:
    policy = module["aws_iam_policy.read"]
    assert policy.kind == "policy.identity"
    statement = policy.props["Statement"][0]
    assert statement == {
        "Sid": "Read",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::ml-prod-data", "arn:aws:s3:::ml-prod-data/*"],
    }
    arn, objects = statement["Resource"]
    assert isinstance(arn, Ref) and arn.target == "aws_s3_bucket.data"
    assert isinstance(objects, Partial)
    assert policy.lines[("Statement", 0, "Resource", 1)] == 40


def test_heredoc_policy_with_interpolation(module: dict[str, Resource]) -> None:
    policy = module["aws_iam_role_policy.kms"]
    assert policy.props == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}],
    }
    assert policy.lines[("Version",)] == 51


def test_policy_read_from_a_file_is_unknown(module: dict[str, Resource]) -> None:
    policy = module["aws_iam_user_policy.from_file"]
    assert policy.kind == "policy.identity"
    assert policy.props == {
        "Document": Unknown('file("${path.module}/policy.json"): file() is not evaluated'),
    }


def test_service_control_policy_and_other_organization_policies(module: dict[str, Resource]) -> None:
    scp = module["aws_organizations_policy.scp"]
    assert scp.kind == "policy.scp"
    assert scp.props["Statement"] == [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]
    assert "aws_organizations_policy.tagging" not in module


# ---- files and modules ----------------------------------------------------------------------------------


def test_malformed_file_is_an_error_and_the_others_still_load() -> None:
    resources, errors = load_module(_read(os.path.join(HERE, "malformed")))
    assert [r.id for r in resources] == ["aws_kms_key.ok"]
    (error,) = errors
    assert error.path == os.path.join(HERE, "malformed", "bad.tf")
    assert error.reason == "not valid HCL: unexpected end of file at line 5, column 1"
    assert error.line == 5


def test_child_modules_are_not_followed(module: dict[str, Resource]) -> None:
    assert not [rid for rid in module if "child" in rid]


def test_parse_files_reads_a_directory_of_tf_files_and_a_plan() -> None:
    parsed = parse_files([*_read(MODULE), _input(os.path.join(HERE, "plan.json"))])
    assert parsed.errors == [] and parsed.skipped == []
    sources = {r.source for r in parsed.resources}
    assert sources == {"terraform", "terraform-plan"}
    assert "module.ml.aws_sagemaker_notebook_instance.nb" in {r.id for r in parsed.resources}


def test_same_resource_as_cloudformation_gives_the_same_request() -> None:
    template = """
Resources:
  Key:
    Type: AWS::KMS::Key
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      NotebookInstanceName: nb
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/nb
      KmsKeyId: !GetAtt Key.Arn
      DirectInternetAccess: Disabled
      RootAccess: Disabled
      SecurityGroupIds: [sg-1]
      SubnetId: subnet-1
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: data
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: "aws:kms", KMSMasterKeyID: kms-key}
            BucketKeyEnabled: true
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
"""
    terraform = """
resource "aws_kms_key" "Key" {}
resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::111122223333:role/nb"
  kms_key_id             = aws_kms_key.Key.arn
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  security_groups        = ["sg-1"]
  subnet_id              = "subnet-1"
}
resource "aws_s3_bucket" "b" {
  bucket = "data"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "kms-key"
    }
    bucket_key_enabled = true
  }
}
resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"""
    cfn, cfn_errors = cloudformation.load(load_text(template), "template.yaml")
    tf, tf_errors = _load(terraform)
    assert cfn_errors == [] and tf_errors == []
    cfn_by_kind = {r.kind: r for r in cfn}
    notebook = cfn_by_kind["sagemaker.notebook_instance"].props
    tf_notebook = tf["aws_sagemaker_notebook_instance.nb"].props
    assert set(tf_notebook) == set(notebook)
    assert {k: v for k, v in tf_notebook.items() if k != "KmsKeyId"} == {
        k: v for k, v in notebook.items() if k != "KmsKeyId"
    }
    assert tf_notebook["KmsKeyId"].target_type == notebook["KmsKeyId"].target_type == "kms.key"
    assert tf["aws_s3_bucket.b"].props == cfn_by_kind["s3.bucket"].props


# ---- expressions ----------------------------------------------------------------------------------------


def test_conditional_on_a_value_not_known_keeps_both_branches() -> None:
    props = _props(
        """
variable "public" {}
resource "aws_sagemaker_notebook_instance" "nb" {
  direct_internet_access = var.public ? "Enabled" : "Disabled"
  root_access            = 2 > 1 && true ? "Disabled" : "Enabled"
}
""",
        "aws_sagemaker_notebook_instance.nb",
    )
    assert props["DirectInternetAccess"] == Choice(
        (
            ("var.public = true", "Enabled"),
            ("var.public = false", "Disabled"),
        )
    )
    assert props["RootAccess"] == "Disabled"


def test_functions_operators_and_escapes() -> None:
    props = _props(
        """
variable "n" { default = 3 }
variable "names" { default = ["a", "b"] }
locals {
  settings = { mode = "strict" }
}
resource "aws_kms_key" "k" {
  description = "${upper(lookup(local.settings, "mode", "none"))}-${var.n * 2 + 1}-${join("/", var.names)}"
  key_usage   = "$${literal} %%{x} ${coalesce("", "ENCRYPT_DECRYPT")}"
  tags = merge({ a = "1" }, jsondecode("{\\"b\\": \\"2\\"}"), { n = tostring(var.n % 2 == 1) })
  enable_key_rotation = !false
}
""",
        "aws_kms_key.k",
    )
    assert props["Description"] == "STRICT-7-a/b"
    assert props["KeyUsage"] == "${literal} %{x} ENCRYPT_DECRYPT"
    assert props["Tags"] == {"a": "1", "b": "2", "n": True}
    assert props["EnableKeyRotation"] is True


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("data.aws_ami.x.id", "data.aws_ami.x.id is read from AWS when Terraform plans"),
        ("module.net.key", "module.net.key is an output of module net, which is not read"),
        ("aws_kms_key.other.arn", "aws_kms_key.other.arn: aws_kms_key.other is not declared in this module"),
        ("each.value", "each.value is known only when Terraform expands the resource"),
        ("path.module", "path.module is known only when Terraform runs"),
        ("var.missing", "variable missing is not declared"),
        ("local.missing", "local.missing is not declared"),
        ('templatefile("p.tpl", {})', 'templatefile("p.tpl", {}): templatefile() is not evaluated'),
        ("[for s in var.l : s]", "[for s in var.l : s]: for expressions are not evaluated"),
        ("aws_kms_key.k[*].arn", "aws_kms_key.k[*].arn: splat expressions are not evaluated"),
        ('"key-${var.missing}"', "variable missing is not declared"),
        ("var.l[5]", "var.l[5]: no element 5"),
        ('concat("a", [1])', 'concat("a", [1]) cannot be evaluated with these arguments'),
    ],
)
def test_what_cannot_be_known_is_unknown_with_a_reason(expression: str, reason: str) -> None:
    props = _props(
        f"""
variable "l" {{ default = [1] }}
data "aws_ami" "x" {{}}
resource "aws_kms_key" "k" {{
  description = {expression}
}}
""",
        "aws_kms_key.k",
    )
    assert props["Description"] == Unknown(reason)


def test_count_and_for_each_resources_are_one_resource_without_an_index() -> None:
    resources, errors = _load("""
resource "aws_kms_key" "k" {
  count       = 2
  description = "key ${count.index}"
}
resource "aws_sagemaker_notebook_instance" "nb" {
  for_each   = toset(["a", "b"])
  name       = "nb"
  kms_key_id = aws_kms_key.k[0].arn
}
""")
    assert errors == []
    assert set(resources) == {"aws_kms_key.k", "aws_sagemaker_notebook_instance.nb"}
    assert resources["aws_kms_key.k"].props["Description"] == Unknown(
        "count.index is known only when Terraform expands the resource"
    )
    key = resources["aws_sagemaker_notebook_instance.nb"].props["KmsKeyId"]
    assert key == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/aws_kms_key.k" and key.target == "aws_kms_key.k"


def test_dynamic_blocks_are_unknown() -> None:
    props = _props(
        """
resource "aws_sagemaker_endpoint_configuration" "ec" {
  dynamic "production_variants" {
    for_each = var.variants
    content {
      variant_name = production_variants.value
    }
  }
}
""",
        "aws_sagemaker_endpoint_configuration.ec",
    )
    assert props == {"ProductionVariants": Unknown("dynamic block production_variants is expanded only by Terraform")}


def test_policy_document_merges_source_and_override_documents() -> None:
    props = _props(
        """
data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Keep"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "Replace"
    actions   = ["s3:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [
    jsonencode({ Statement = [{ Sid = "Extra", Effect = "Deny", Action = "iam:*", Resource = "*" }] }),
  ]
  statement {
    sid         = "Replace"
    not_actions = ["iam:*"]
    resources   = ["*"]
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::777788889999:root"]
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.merged.json
}
""",
        "aws_iam_policy.p",
    )
    assert props == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Keep", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {
                "Sid": "Replace",
                "Effect": "Allow",
                "NotAction": "iam:*",
                "Resource": "*",
                "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root"]},
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
            },
            {"Sid": "Extra", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
        ],
    }


def test_unknown_merged_policy_document() -> None:
    props = _props(
        """
variable "external" {}
data "aws_iam_policy_document" "d" {
  source_policy_documents = [var.external]
  statement {
    actions = ["s3:*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
""",
        "aws_iam_policy.p",
    )
    assert props == {"Document": Unknown("variable external has no default")}


def test_declaration_errors() -> None:
    resources, errors = _load("""
resource "aws_kms_key" {}
resource "aws_kms_key" "k" {}
resource "aws_kms_key" "k" {}
""")
    assert list(resources) == ["aws_kms_key.k"]
    assert [(e.reason, e.line) for e in errors] == [
        ("a resource block needs a type and a name", 2),
        ("resource aws_kms_key.k is declared twice", 4),
    ]


_FRAGMENTS = st.sampled_from(
    [
        'resource "aws_s3_bucket" "b" {',
        'resource "aws_iam_policy" "p" {',
        "}",
        "{",
        "\n",
        " = ",
        "policy",
        "jsonencode(",
        ")",
        "[",
        "]",
        '"',
        "${",
        "var.x",
        "local.y",
        "aws_s3_bucket.b.arn",
        "<<EOT\n",
        "\nEOT\n",
        "locals { y = local.y }",
        'variable "x" { default = [1] }',
        "?",
        ":",
        "dynamic",
        "statement",
        "data",
        '"aws_iam_policy_document"',
        "1e999",
        "9" * 5000,
        "-",
        "!",
        "%{",
        "$${",
        ",",
        ".",
        "*",
        "bucket",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_FRAGMENTS, max_size=40).map("".join)))
def test_arbitrary_text_never_raises(text: str) -> None:
    resources, errors = load_module([InputFile("fuzz.tf", text), InputFile("ok.tf", 'resource "aws_kms_key" "k" {}')])
    assert "aws_kms_key.k" in {r.id for r in resources}
    assert all(isinstance(e, SourceError) for e in errors)


_LEAVES = st.sampled_from(
    [
        '"x"',
        "1",
        "-2.5",
        "1e999",
        "true",
        "null",
        "var.x",
        "var.m",
        "var.m.k",
        'var.m["k"]',
        "local.a",
        "local.b",
        "aws_s3_bucket.b.arn",
        "aws_s3_bucket.b",
        "aws_kms_key.k[0].id",
        "data.aws_iam_policy_document.d.json",
        "data.aws_caller_identity.c.account_id",
        "each.key",
        "module.m.o",
        '"${var.x}-y"',
        '"$${z}"',
        '"%{if true}a%{endif}"',
        '<<EOT\n{"a": "${var.x}"}\nEOT\n',
        "<<-E\n  a ${local.a}\n  E\n",
    ]
)
_FUNCTION_NAMES = st.sampled_from(["jsonencode", "merge", "concat", "join", "lookup", "coalesce", "lower", "file"])
_OPERATORS = st.sampled_from(["==", "!=", "+", "*", "/", "%", "&&", "||", "<"])


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "Statement", '"k"', "(var.x)"]), children), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"
        ),
        st.tuples(_FUNCTION_NAMES, st.lists(children, max_size=3)).map(lambda f: f"{f[0]}({', '.join(f[1])})"),
        st.tuples(children, children, children).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(children, _OPERATORS, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"!({c})"),
        children.map(lambda c: f"({c})[0]"),
        children.map(lambda c: f'"pre-${{{c}}}"'),
    )


_EXPRESSIONS = st.recursive(_LEAVES, _compound, max_leaves=10)
_TYPES = st.sampled_from(
    [
        "aws_s3_bucket",
        "aws_iam_policy",
        "aws_sagemaker_notebook_instance",
        "aws_vpc_endpoint_policy",
        "aws_iam_role",
        "aws_s3_bucket_policy",
        "aws_sagemaker_pipeline",
        "aws_s3_bucket_server_side_encryption_configuration",
    ]
)
_ATTRIBUTES = st.sampled_from(
    [
        "policy",
        "bucket",
        "name",
        "tags",
        "kms_key_id",
        "pipeline_definition",
        "inline_policy",
        "vpc_endpoint_id",
        "rule",
        "vpc_config",
        "assume_role_policy",
    ]
)


@st.composite
def _modules(draw: st.DrawFn) -> str:
    """A module that parses, with expressions of every kind wherever the mapping reads them."""
    e = lambda: draw(_EXPRESSIONS)  # noqa: E731 - a short name keeps the template readable
    parts = [
        f'variable "x" {{ default = {e()} }}',
        'variable "m" {}',
        f"locals {{\n a = {e()}\n b = {e()}\n}}",
        f'data "aws_iam_policy_document" "d" {{\n statement {{\n actions = {e()}\n condition {{\n test = {e()}\n'
        f' variable = "v"\n values = {e()}\n }}\n principals {{\n type = {e()}\n identifiers = {e()}\n }}\n }}\n'
        f" source_policy_documents = {e()}\n}}",
        'resource "aws_kms_key" "k" { count = 1 }',
    ]
    for i in range(draw(st.integers(1, 3))):
        body = "\n".join(f"  {draw(_ATTRIBUTES)} = {e()}" for _ in range(draw(st.integers(0, 4))))
        blocks = "\n".join(f"  {draw(_ATTRIBUTES)} {{\n    {draw(_ATTRIBUTES)} = {e()}\n  }}" for _ in range(2))
        parts.append(f'resource "{draw(_TYPES)}" "{"b" if i == 0 else f"r{i}"}" {{\n{body}\n{blocks}\n}}')
    return "\n".join(parts)


@settings(max_examples=150, deadline=None)
@given(_modules())
def test_any_expression_in_any_attribute_is_evaluated_without_raising(text: str) -> None:
    resources, errors = load_module([InputFile("fuzz.tf", text)])
    assert not [e for e in errors if e.reason.startswith("not valid HCL")], text
    assert "aws_kms_key.k" in {r.id for r in resources}
