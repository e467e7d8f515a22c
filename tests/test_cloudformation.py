"""CloudFormation: intrinsic functions, unknowns, branches, and the canonical shapes they produce."""

from __future__ import annotations

from guardrails.config import Config
from guardrails.inputs import InputFile
from guardrails.model import Choice, Partial, Ref, Unknown
from guardrails.rules import load_rules
from guardrails.scan import run_scan
from guardrails.sources import parse_files

TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>', Default: 'subnet-1,subnet-2'}
  NoDefault: {Type: String}
  FromSsm: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /platform/key}
  Env: {Type: String, Default: prod}
Mappings:
  Keys: {prod: {arn: 'arn:aws:kms:us-east-1:111122223333:key/mapped'}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Key: {Type: 'AWS::KMS::Key', Properties: {KeyPolicy: {}}}
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      KmsKeyId: !GetAtt Key.Arn
      SubnetId: !Select [1, !Ref Subnets]
      RoleArn: !Sub 'arn:aws:iam::${AWS::AccountId}:role/${Env}-role'
      DirectInternetAccess: !If [IsProd, Disabled, !Ref 'AWS::NoValue']
      RootAccess: !Ref NoDefault
      PlatformIdentifier: !Ref FromSsm
      InstanceType: !FindInMap [Keys, prod, arn]
      LifecycleConfigName: !Join ['-', [a, !Ref Env]]
      Tags: [{Key: zone, Value: !Ref Env}]
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: data-bucket
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: {SSEAlgorithm: 'aws:kms', KMSMasterKeyID: !Ref Key}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: !Sub '${Bucket.Arn}/*'}
"""


def _resources(text: str = TEMPLATE) -> dict:
    parsed = parse_files([InputFile("t.yaml", text)])
    assert not parsed.errors
    return {r.id: r for r in parsed.resources}


def test_intrinsics_resolve() -> None:
    nb = _resources()["Notebook"].props
    assert isinstance(nb["KmsKeyId"], Ref) and nb["KmsKeyId"].target_type == "kms.key"
    assert nb["KmsKeyId"] == "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/Key"
    assert nb["SubnetId"] == "subnet-2"
    assert isinstance(nb["RoleArn"], Partial) and nb["RoleArn"] == "arn:aws:iam::${AWS::AccountId}:role/prod-role"
    assert nb["InstanceType"] == "arn:aws:kms:us-east-1:111122223333:key/mapped"
    assert nb["LifecycleConfigName"] == "a-prod"


def test_unknowns_say_why() -> None:
    nb = _resources()["Notebook"].props
    assert nb["RootAccess"] == Unknown("parameter NoDefault has no Default")
    assert "SSM" in nb["PlatformIdentifier"].reason


def test_if_keeps_both_branches() -> None:
    value = _resources()["Notebook"].props["DirectInternetAccess"]
    assert isinstance(value, Choice)
    assert [label for label, _ in value.options] == ["IsProd=true", "IsProd=false"]


def test_bucket_policy_joined_and_encryption_canonical() -> None:
    resources = _resources()
    assert "Policy" not in resources  # joined, not a standalone policy
    bucket = resources["Bucket"]
    assert bucket.props["Bucket"] == "data-bucket"
    rule = bucket.props["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert rule["SSEAlgorithm"] == "aws:kms"
    assert bucket.props["Policy"]["Statement"][0]["Resource"] == "arn:aws:s3:::data-bucket/*"
    assert (
        bucket.line_of(
            ("ServerSideEncryptionConfiguration", "Rules", 0, "ApplyServerSideEncryptionByDefault", "SSEAlgorithm")
        )
        == 32
    )


def test_verdicts_per_branch_and_unknown(tmp_path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE)
    report = run_scan([str(path)], Config(), load_rules(), select=["GR101", "GR203", "GR309"])
    by_rule = {f.rule_id: f for f in report.findings if f.resource_id == "Notebook"}
    assert by_rule["GR101"].status.value == "pass"  # a key the template creates is customer-managed
    assert by_rule["GR203"].status.value == "fail" and "IsProd=false" in by_rule["GR203"].message
    assert by_rule["GR309"].status.value == "unknown" and "NoDefault" in by_rule["GR309"].message


def test_json_template_lines() -> None:
    text = (
        '{\n  "Resources": {\n    "Nb": {\n      "Type": "AWS::SageMaker::NotebookInstance",\n'
        '      "Properties": {\n        "DirectInternetAccess": "Enabled"\n      }\n    }\n  }\n}\n'
    )
    nb = _resources(text)["Nb"]
    assert nb.line_of(("DirectInternetAccess",)) == 6


def test_short_form_tags_everywhere() -> None:
    text = """
Resources:
  Org:
    Type: AWS::Organizations::Policy
    Properties:
      Type: SERVICE_CONTROL_POLICY
      Content:
        Version: '2012-10-17'
        Statement:
          - Effect: Deny
            Action: 'sagemaker:CreateTrainingJob'
            Resource: '*'
            Condition:
              'Null': {'sagemaker:VpcSubnets': 'true'}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: inline
          PolicyDocument: {Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}
"""
    resources = _resources(text)
    assert resources["Org"].kind == "policy.scp"
    assert resources["Role"].kind == "iam.role"
    assert resources["Role/inline"].kind == "policy.identity"
    assert resources["Role/inline"].line == 19
