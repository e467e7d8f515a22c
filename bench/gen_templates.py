"""Deterministic generator of CloudFormation YAML templates for benchmarking.

Writes N templates (default 2,000, ~10 resources each) with a realistic mix of
SageMaker, S3, IAM, KMS and VPC-endpoint resources, half-compliant and
half-not, using short-form intrinsic tags (``!Ref``, ``!GetAtt``, ``!Sub``).

Usage: ``python bench/gen_templates.py OUT_DIR [--count 2000] [--seed 42]``
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ZONES = ("research", "dev", "uat", "prod")  # the project's zone vocabulary (config.Zones)
COST_CENTERS = ("cc-1001", "cc-2040", "cc-3310", "cc-4125", "cc-9000")
INSTANCE_TYPES = ("ml.t3.medium", "ml.m5.xlarge", "ml.c5.2xlarge", "ml.g4dn.xlarge")
AWS_MANAGED_KEY = "arn:aws:kms:us-east-1:111122223333:alias/aws/sagemaker"


class Ctx:
    """Per-template state: RNG, the logical ids emitted so far, and counters."""

    def __init__(self, rng: random.Random, idx: int) -> None:
        self.rng = rng
        self.idx = idx
        self.key_id: str | None = None
        self.bucket_ids: list[str] = []
        self.role_ids: list[str] = []
        self.model_ids: list[str] = []
        self.n = 0

    def lid(self, prefix: str) -> str:
        """Return a fresh logical id."""
        self.n += 1
        return f"{prefix}{self.n}"

    def ok(self, p: float = 0.5) -> bool:
        """Draw 'compliant?' with probability ``p``."""
        return self.rng.random() < p

    def tags(self, indent: int = 6) -> str:
        """A ``Tags:`` list block (CostCenter / zone), sometimes missing ``zone``."""
        pad = " " * indent
        out = f"{pad}Tags:\n{pad}  - Key: CostCenter\n{pad}    Value: {self.rng.choice(COST_CENTERS)}\n"
        if self.ok(0.8):
            out += f"{pad}  - Key: zone\n{pad}    Value: {self.rng.choice(ZONES)}\n"
        return out

    def kms_ref(self) -> str:
        """A KMS key reference: template key, parameter, AWS-managed alias, or none."""
        r = self.rng.random()
        if r < 0.35 and self.key_id:
            return f"!GetAtt {self.key_id}.Arn"
        if r < 0.65:
            return "!Ref KmsKeyArn"
        if r < 0.8:
            return AWS_MANAGED_KEY
        return ""


def kms_key(c: Ctx) -> str:
    lid = c.lid("DataKey")
    c.key_id = c.key_id or lid
    rotation = "true" if c.ok(0.7) else "false"
    return (
        f"  {lid}:\n"
        "    Type: AWS::KMS::Key\n"
        "    Properties:\n"
        f"      Description: !Sub '${{ProjectName}} data key {c.idx}'\n"
        f"      EnableKeyRotation: {rotation}\n"
        "      KeyPolicy:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        "          - Sid: AllowRoot\n"
        "            Effect: Allow\n"
        "            Principal:\n"
        "              AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'\n"
        "            Action: 'kms:*'\n"
        "            Resource: '*'\n" + c.tags()
    )


def s3_bucket(c: Ctx) -> str:
    lid = c.lid("DataBucket")
    c.bucket_ids.append(lid)
    out = (
        f"  {lid}:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        f"      BucketName: !Sub '${{ProjectName}}-${{Env}}-data-{c.idx}-{c.n}'\n"
    )
    if c.ok(0.6):
        if c.key_id and c.ok():
            sse = f"              SSEAlgorithm: aws:kms\n              KMSMasterKeyID: !Ref {c.key_id}\n"
        else:
            sse = "              SSEAlgorithm: AES256\n"
        out += (
            "      BucketEncryption:\n"
            "        ServerSideEncryptionConfiguration:\n"
            "          - ServerSideEncryptionByDefault:\n" + sse
        )
    if c.ok(0.7):
        out += (
            "      PublicAccessBlockConfiguration:\n"
            "        BlockPublicAcls: true\n"
            "        BlockPublicPolicy: true\n"
            "        IgnorePublicAcls: true\n"
            "        RestrictPublicBuckets: true\n"
        )
    if c.ok(0.5):
        out += "      VersioningConfiguration:\n        Status: Enabled\n"
    return out + c.tags()


def s3_bucket_policy(c: Ctx) -> str:
    if not c.bucket_ids:
        return s3_bucket(c)
    bucket = c.rng.choice(c.bucket_ids)
    lid = c.lid("BucketPolicy")
    stmts = []
    if c.ok(0.6):
        stmts.append(
            "          - Sid: DenyInsecureTransport\n"
            "            Effect: Deny\n"
            "            Principal: '*'\n"
            "            Action: 's3:*'\n"
            "            Resource:\n"
            f"              - !GetAtt {bucket}.Arn\n"
            f"              - !Sub '${{{bucket}.Arn}}/*'\n"
            "            Condition:\n"
            "              Bool:\n"
            "                aws:SecureTransport: 'false'\n"
        )
    if c.ok(0.5):
        stmts.append(
            "          - Sid: DenyUnencryptedUploads\n"
            "            Effect: Deny\n"
            "            Principal: '*'\n"
            "            Action: s3:PutObject\n"
            f"            Resource: !Sub '${{{bucket}.Arn}}/*'\n"
            "            Condition:\n"
            "              StringNotEquals:\n"
            "                s3:x-amz-server-side-encryption: aws:kms\n"
        )
    if not stmts or c.ok(0.3):
        stmts.append(
            "          - Sid: AllowAccountRead\n"
            "            Effect: Allow\n"
            "            Principal:\n"
            "              AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'\n"
            "            Action:\n"
            "              - s3:GetObject\n"
            "              - s3:ListBucket\n"
            "            Resource:\n"
            f"              - !GetAtt {bucket}.Arn\n"
            f"              - !Sub '${{{bucket}.Arn}}/*'\n"
        )
    return (
        f"  {lid}:\n"
        "    Type: AWS::S3::BucketPolicy\n"
        "    Properties:\n"
        f"      Bucket: !Ref {bucket}\n"
        "      PolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n" + "".join(stmts)
    )


def _sagemaker_create_statement(c: Ctx) -> str:
    """An Allow statement for sagemaker:Create* guarded (or not) by condition keys."""
    conds = []
    if c.ok(0.6):
        conds.append(
            "                StringEquals:\n"
            "                  sagemaker:VolumeKmsKey: !Ref KmsKeyArn\n"
            "                  sagemaker:OutputKmsKey: !Ref KmsKeyArn\n"
        )
    if c.ok(0.5):
        conds.append(
            "                Bool:\n"
            "                  sagemaker:NetworkIsolation: 'true'\n"
            "                  sagemaker:InterContainerTrafficEncryption: 'true'\n"
        )
    if c.ok(0.5):
        conds.append(
            "                ForAllValues:StringEquals:\n"
            "                  sagemaker:VpcSubnets: !Ref SubnetIds\n"
            "                  sagemaker:VpcSecurityGroupIds:\n"
            "                    - !Ref SecurityGroupId\n"
        )
    if c.ok(0.2):
        conds.append("                Null:\n                  sagemaker:VolumeKmsKey: 'false'\n")
    actions = c.rng.choice(
        (
            ("CreateTrainingJob", "CreateProcessingJob", "CreateTransformJob"),
            ("CreateNotebookInstance", "CreateEndpointConfig"),
            ("Create*",),
            ("CreateHyperParameterTuningJob", "CreateModel"),
        )
    )
    out = (
        "            - Sid: AllowSageMakerCreate\n"
        "              Effect: Allow\n"
        "              Action:\n"
        + "".join(f"                - sagemaker:{a}\n" for a in actions)
        + "              Resource: '*'\n"
    )
    if conds:
        out += "              Condition:\n" + "".join(conds)
    return out


def _extra_statements(c: Ctx) -> str:
    out = ""
    if c.bucket_ids and c.ok(0.7):
        b = c.rng.choice(c.bucket_ids)
        out += (
            "            - Sid: DataAccess\n"
            "              Effect: Allow\n"
            "              Action:\n"
            "                - s3:GetObject\n"
            "                - s3:PutObject\n"
            f"              Resource: !Sub '${{{b}.Arn}}/*'\n"
        )
    if c.ok(0.15):
        out += (
            "            - Sid: Broad\n"
            "              Effect: Allow\n"
            "              Action: '*'\n"
            "              Resource: '*'\n"
        )
    if c.ok(0.4):
        out += (
            "            - Sid: PassRole\n"
            "              Effect: Allow\n"
            "              Action: iam:PassRole\n"
            "              Resource: !Sub 'arn:aws:iam::${AWS::AccountId}:role/sagemaker-*'\n"
            "              Condition:\n"
            "                StringEquals:\n"
            "                  iam:PassedToService: sagemaker.amazonaws.com\n"
        )
    return out


def iam_role(c: Ctx) -> str:
    lid = c.lid("ExecutionRole")
    c.role_ids.append(lid)
    # shared statement blocks are written for 12 spaces; re-indent to 14
    body = _sagemaker_create_statement(c) + _extra_statements(c)
    return (
        f"  {lid}:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        f"      RoleName: !Sub '${{ProjectName}}-${{Env}}-exec-{c.idx}-{c.n}'\n"
        "      AssumeRolePolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
        "          - Effect: Allow\n"
        "            Principal:\n"
        "              Service: sagemaker.amazonaws.com\n"
        "            Action: sts:AssumeRole\n"
        "      Policies:\n"
        "        - PolicyName: sagemaker-create\n"
        "          PolicyDocument:\n"
        "            Version: '2012-10-17'\n"
        "            Statement:\n" + "".join("  " + line + "\n" for line in body.splitlines()) + c.tags()
    )


def iam_managed_policy(c: Ctx) -> str:
    lid = c.lid("DataSciencePolicy")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::IAM::ManagedPolicy\n"
        "    Properties:\n"
        f"      ManagedPolicyName: !Sub '${{ProjectName}}-ds-{c.idx}-{c.n}'\n"
        "      PolicyDocument:\n"
        "        Version: '2012-10-17'\n"
        "        Statement:\n"
    )
    # re-indent the shared statement blocks (written for 12 spaces) to 10
    body = _sagemaker_create_statement(c) + _extra_statements(c)
    out += "".join(line[2:] + "\n" for line in body.splitlines())
    if c.role_ids:
        out += f"      Roles:\n        - !Ref {c.rng.choice(c.role_ids)}\n"
    return out


def _role_arn(c: Ctx) -> str:
    if c.role_ids and c.ok(0.8):
        return f"!GetAtt {c.rng.choice(c.role_ids)}.Arn"
    return "!Ref ExecutionRoleArn"


def notebook_instance(c: Ctx) -> str:
    lid = c.lid("Notebook")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties:\n"
        f"      NotebookInstanceName: !Sub '${{ProjectName}}-nb-{c.idx}-{c.n}'\n"
        f"      InstanceType: {c.rng.choice(INSTANCE_TYPES[:2])}\n"
        f"      RoleArn: {_role_arn(c)}\n"
        f"      VolumeSizeInGB: {c.rng.choice((5, 20, 50, 100))}\n"
    )
    if key := c.kms_ref():
        out += f"      KmsKeyId: {key}\n"
    if c.ok(0.6):
        out += "      SubnetId: !Select [0, !Ref SubnetIds]\n      SecurityGroupIds:\n        - !Ref SecurityGroupId\n"
    r = c.rng.random()
    if r < 0.5:
        out += "      DirectInternetAccess: Disabled\n"
    elif r < 0.75:
        out += "      DirectInternetAccess: Enabled\n"
    out += f"      RootAccess: {'Disabled' if c.ok(0.5) else 'Enabled'}\n"
    if c.ok(0.4):
        out += "      PlatformIdentifier: notebook-al2-v2\n"
    return out + c.tags()


def sm_model(c: Ctx) -> str:
    lid = c.lid("Model")
    c.model_ids.append(lid)
    bucket = c.bucket_ids[0] if c.bucket_ids else None
    data_url = (
        f"!Sub 's3://${{{bucket}}}/models/model-{c.n}.tar.gz'"
        if bucket
        else f"s3://shared-models/model-{c.idx}-{c.n}.tar.gz"
    )
    out = (
        f"  {lid}:\n"
        "    Type: AWS::SageMaker::Model\n"
        "    Properties:\n"
        f"      ExecutionRoleArn: {_role_arn(c)}\n"
        "      PrimaryContainer:\n"
        "        Image: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/inference:latest'\n"
        f"        ModelDataUrl: {data_url}\n"
        "        Environment:\n"
        "          SAGEMAKER_PROGRAM: inference.py\n"
    )
    if c.ok(0.5):
        out += "      EnableNetworkIsolation: true\n"
    elif c.ok(0.5):
        out += "      EnableNetworkIsolation: false\n"
    if c.ok(0.6):
        out += (
            "      VpcConfig:\n"
            "        Subnets: !Ref SubnetIds\n"
            "        SecurityGroupIds:\n"
            "          - !Ref SecurityGroupId\n"
        )
    return out + c.tags()


def endpoint_config(c: Ctx) -> str:
    if not c.model_ids:
        return sm_model(c)
    lid = c.lid("EndpointConfig")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::SageMaker::EndpointConfig\n"
        "    Properties:\n"
        "      ProductionVariants:\n"
        "        - VariantName: AllTraffic\n"
        f"          ModelName: !GetAtt {c.rng.choice(c.model_ids)}.ModelName\n"
        "          InitialInstanceCount: 1\n"
        f"          InstanceType: {c.rng.choice(INSTANCE_TYPES[1:])}\n"
        "          InitialVariantWeight: 1.0\n"
    )
    if key := c.kms_ref():
        out += f"      KmsKeyId: {key}\n"
    if c.ok(0.4):
        bucket = c.bucket_ids[0] if c.bucket_ids else None
        dest = f"!Sub 's3://${{{bucket}}}/capture'" if bucket else "s3://shared-capture/capture"
        out += (
            "      DataCaptureConfig:\n"
            "        EnableCapture: true\n"
            "        InitialSamplingPercentage: 20\n"
            f"        DestinationS3Uri: {dest}\n"
            "        CaptureOptions:\n"
            "          - CaptureMode: Input\n"
            "          - CaptureMode: Output\n"
        )
        if key := c.kms_ref():
            out += f"        KmsKeyId: {key}\n"
    return out + c.tags()


def sm_domain(c: Ctx) -> str:
    lid = c.lid("StudioDomain")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::SageMaker::Domain\n"
        "    Properties:\n"
        f"      DomainName: !Sub '${{ProjectName}}-studio-{c.idx}-{c.n}'\n"
        "      AuthMode: IAM\n"
        "      VpcId: !Ref VpcId\n"
        "      SubnetIds: !Ref SubnetIds\n"
        f"      AppNetworkAccessType: {'VpcOnly' if c.ok(0.6) else 'PublicInternetOnly'}\n"
        "      DefaultUserSettings:\n"
        f"        ExecutionRole: {_role_arn(c)}\n"
        "        SecurityGroups:\n"
        "          - !Ref SecurityGroupId\n"
    )
    if c.ok(0.5):
        out += "        SharingSettings:\n          NotebookOutputOption: Disabled\n"
    if key := c.kms_ref():
        out += f"      KmsKeyId: {key}\n"
    return out + c.tags()


def data_quality_job(c: Ctx) -> str:
    lid = c.lid("DataQualityJob")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::SageMaker::DataQualityJobDefinition\n"
        "    Properties:\n"
        f"      JobDefinitionName: !Sub '${{ProjectName}}-dq-{c.idx}-{c.n}'\n"
        f"      RoleArn: {_role_arn(c)}\n"
        "      DataQualityAppSpecification:\n"
        "        ImageUri: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/model-monitor:latest'\n"
        "      DataQualityJobInput:\n"
        "        EndpointInput:\n"
        "          EndpointName: !Sub '${ProjectName}-endpoint'\n"
        "          LocalPath: /opt/ml/processing/input\n"
        "      DataQualityJobOutputConfig:\n"
        "        MonitoringOutputs:\n"
        "          - S3Output:\n"
        "              LocalPath: /opt/ml/processing/output\n"
        "              S3Uri: !Sub 's3://${ProjectName}-monitoring/dq'\n"
    )
    if key := c.kms_ref():
        out += f"        KmsKeyId: {key}\n"
    out += (
        "      JobResources:\n"
        "        ClusterConfig:\n"
        "          InstanceCount: 1\n"
        "          InstanceType: ml.m5.xlarge\n"
        "          VolumeSizeInGB: 20\n"
    )
    if key := c.kms_ref():
        out += f"          VolumeKmsKeyId: {key}\n"
    if c.ok(0.5):
        out += (
            "      NetworkConfig:\n"
            f"        EnableNetworkIsolation: {'true' if c.ok(0.7) else 'false'}\n"
            f"        EnableInterContainerTrafficEncryption: {'true' if c.ok(0.6) else 'false'}\n"
            "        VpcConfig:\n"
            "          Subnets: !Ref SubnetIds\n"
            "          SecurityGroupIds:\n"
            "            - !Ref SecurityGroupId\n"
        )
    return out + c.tags()


def vpc_endpoint_api(c: Ctx) -> str:
    lid = c.lid("SageMakerApiEndpoint")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::EC2::VPCEndpoint\n"
        "    Properties:\n"
        "      VpcEndpointType: Interface\n"
        "      ServiceName: !Sub 'com.amazonaws.${AWS::Region}.sagemaker.api'\n"
        "      VpcId: !Ref VpcId\n"
        "      SubnetIds: !Ref SubnetIds\n"
        "      SecurityGroupIds:\n"
        "        - !Ref SecurityGroupId\n"
        f"      PrivateDnsEnabled: {'true' if c.ok(0.8) else 'false'}\n"
    )
    if c.ok(0.6):
        principal = (
            "              AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'\n"
            if c.ok(0.6)
            else "              AWS: '*'\n"
        )
        out += (
            "      PolicyDocument:\n"
            "        Version: '2012-10-17'\n"
            "        Statement:\n"
            "          - Effect: Allow\n"
            "            Principal:\n" + principal + "            Action:\n"
            "              - sagemaker:CreatePresignedNotebookInstanceUrl\n"
            "              - sagemaker:CreatePresignedDomainUrl\n"
            "              - sagemaker:Describe*\n"
            "            Resource: '*'\n"
        )
    return out


def vpc_endpoint_s3(c: Ctx) -> str:
    lid = c.lid("S3GatewayEndpoint")
    out = (
        f"  {lid}:\n"
        "    Type: AWS::EC2::VPCEndpoint\n"
        "    Properties:\n"
        "      VpcEndpointType: Gateway\n"
        "      ServiceName: !Sub 'com.amazonaws.${AWS::Region}.s3'\n"
        "      VpcId: !Ref VpcId\n"
        "      RouteTableIds:\n"
        "        - !Ref RouteTableId\n"
    )
    if c.bucket_ids and c.ok(0.5):
        b = c.rng.choice(c.bucket_ids)
        out += (
            "      PolicyDocument:\n"
            "        Version: '2012-10-17'\n"
            "        Statement:\n"
            "          - Effect: Allow\n"
            "            Principal: '*'\n"
            "            Action:\n"
            "              - s3:GetObject\n"
            "              - s3:PutObject\n"
            "            Resource:\n"
            f"              - !Sub '${{{b}.Arn}}/*'\n"
        )
    return out


# (weight, emitter); KMS and buckets first so later resources can reference them.
Emitter = Callable[[Ctx], str]
FIRST: tuple[Emitter, ...] = (kms_key, s3_bucket)
MIX: tuple[tuple[float, Emitter], ...] = (
    (1.2, notebook_instance),
    (1.0, sm_model),
    (0.9, endpoint_config),
    (0.4, sm_domain),
    (0.5, data_quality_job),
    (0.7, s3_bucket),
    (0.7, s3_bucket_policy),
    (1.0, iam_role),
    (0.6, iam_managed_policy),
    (0.4, kms_key),
    (0.5, vpc_endpoint_api),
    (0.4, vpc_endpoint_s3),
)

HEADER = """\
AWSTemplateFormatVersion: '2010-09-09'
Description: ml-platform stack {idx} ({env})
Parameters:
  ProjectName:
    Type: String
    Default: mlp{idx:04d}
  Env:
    Type: String
    Default: {env}
    AllowedValues: [dev, staging, prod]
  KmsKeyArn:
    Type: String
    Default: arn:aws:kms:us-east-1:111122223333:key/{uuid}
  ExecutionRoleArn:
    Type: String
    Default: arn:aws:iam::111122223333:role/sagemaker-exec-{idx}
  VpcId:
    Type: AWS::EC2::VPC::Id
    Default: vpc-{hex8}
  SubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-{hex8}a,subnet-{hex8}b
  SecurityGroupId:
    Type: AWS::EC2::SecurityGroup::Id
    Default: sg-{hex8}
  RouteTableId:
    Type: String
    Default: rtb-{hex8}
Resources:
"""


def render_template(idx: int, seed: int, n_resources: int = 10) -> tuple[str, list[str]]:
    """Render template number ``idx``; return its YAML text and resource types."""
    rng = random.Random(seed * 1_000_003 + idx)
    c = Ctx(rng, idx)
    env = rng.choice(("dev", "staging", "prod"))
    uuid = "-".join(f"{rng.getrandbits(4 * w):0{w}x}" for w in (8, 4, 4, 4, 12))
    parts = [HEADER.format(idx=idx, env=env, uuid=uuid, hex8=f"{rng.getrandbits(32):08x}")]
    weights = [w for w, _ in MIX]
    emitters = [e for _, e in MIX]
    first = [e for e in FIRST if rng.random() < 0.85]
    rest = rng.choices(emitters, weights=weights, k=max(0, n_resources - len(first)))
    types: list[str] = []
    for emit in first + rest:
        block = emit(c)
        parts.append(block)
        types.append(block.split("    Type: ", 1)[1].split("\n", 1)[0])
    return "".join(parts), types


def generate(out_dir: Path, count: int = 2000, seed: int = 42, per_template: int = 10) -> Counter[str]:
    """Write ``count`` templates into ``out_dir``; return a Counter of resource types."""
    out_dir.mkdir(parents=True, exist_ok=True)
    totals: Counter[str] = Counter()
    for i in range(count):
        text, types = render_template(i, seed, per_template)
        (out_dir / f"stack-{i:05d}.yaml").write_text(text)
        totals.update(types)
    return totals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--per-template", type=int, default=10)
    args = ap.parse_args()
    t0 = time.perf_counter()
    totals = generate(args.out_dir, args.count, args.seed, args.per_template)
    dt = time.perf_counter() - t0
    print(f"wrote {args.count} templates, {sum(totals.values())} resources in {dt:.2f}s")
    for t, n in totals.most_common():
        print(f"  {n:6d}  {t}")


if __name__ == "__main__":
    main()
