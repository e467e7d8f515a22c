"""Property-based fuzzing of every source: arbitrary input never raises, it is judged or reported."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrails.config import Config
from guardrails.engine import index_rules, judge
from guardrails.inputs import InputFile
from guardrails.rules import load_rules
from guardrails.sources import INPUT_TYPES, parse_files

RULES = index_rules(load_rules())
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=12),
    st.sampled_from(
        [
            "*",
            "true",
            "Disabled",
            "aws:kms",
            "alias/aws/s3",
            "${aws:userId}",
            "arn:aws:kms:us-east-1:111122223333:key/k",
            "subnet-a",
            "prod",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=25,
)
CFN_TYPES = [
    "AWS::SageMaker::NotebookInstance",
    "AWS::SageMaker::Model",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::Domain",
    "AWS::SageMaker::Pipeline",
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::MonitoringSchedule",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::EC2::VPCEndpoint",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::KMS::Key",
    "AWS::Organizations::Policy",
]
INTRINSICS = st.sampled_from(
    [
        {"Ref": "P"},
        {"Ref": "AWS::Region"},
        {"Ref": "AWS::NoValue"},
        {"Fn::GetAtt": ["K", "Arn"]},
        {"Fn::Sub": "${P}-${K.Arn}"},
        {"Fn::If": ["C", "a", {"Ref": "AWS::NoValue"}]},
        {"Fn::Join": ["", [{"Ref": "P"}, "x"]]},
        {"Fn::Select": [3, ["a"]]},
        {"Fn::ImportValue": "x"},
        {"Fn::FindInMap": ["M", "a", "b"]},
        {"Fn::Split": [",", "a,b"]},
    ]
)
props = st.dictionaries(
    st.sampled_from(
        [
            "KmsKeyId",
            "Tags",
            "VpcConfig",
            "PolicyDocument",
            "BucketEncryption",
            "DirectInternetAccess",
            "Policies",
            "Content",
            "PipelineDefinition",
            "ProductionVariants",
            "DataCaptureConfig",
            "Bucket",
            "ServiceName",
            "NetworkConfig",
            "JobResources",
        ]
    ),
    st.one_of(values, INTRINSICS),
    max_size=5,
)
templates = st.builds(
    lambda resources, params: {
        "Parameters": params,
        "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
        "Resources": resources,
    },
    st.dictionaries(
        st.sampled_from(["A", "B", "K", "P"]),
        st.builds(lambda t, p: {"Type": t, "Properties": p}, st.sampled_from(CFN_TYPES), props),
        min_size=1,
        max_size=4,
    ),
    st.dictionaries(st.sampled_from(["P", "Q"]), st.one_of(values, st.fixed_dictionaries({"Default": values}))),
)
statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny", "Maybe"]),
        "Action": st.one_of(
            st.sampled_from(["*", "s3:*", "sagemaker:Create*", "iam:PassRole"]), st.lists(st.text(max_size=6))
        ),
        "Resource": st.one_of(st.just("*"), values),
    },
    optional={
        "Condition": st.dictionaries(
            st.sampled_from(["StringEquals", "Null", "ForAllValues:StringLike", "Bool", "IpAddress", "NotAnOperator"]),
            st.dictionaries(
                st.sampled_from(["sagemaker:VpcSubnets", "aws:SourceIp", "s3:x-amz-server-side-encryption"]), values
            ),
        ),
        "Principal": st.one_of(st.just("*"), values),
    },
)
policies = st.builds(
    lambda s, v: {"Version": v, "Statement": s},
    st.lists(statements, max_size=3),
    st.sampled_from(["2012-10-17", "2008-10-17", "1999"]),
)
payload_names = st.sampled_from(
    [
        "TrainingJobName",
        "ProcessingJobName",
        "HyperParameterTuningJobName",
        "TransformJobName",
        "NotebookInstanceName",
        "DomainName",
        "JobDefinitionName",
        "MonitoringScheduleName",
        "PipelineName",
        "EndpointConfigName",
    ]
)
payloads = st.builds(
    lambda name, body: {name: "job", **body},
    payload_names,
    st.dictionaries(
        st.sampled_from(
            [
                "ResourceConfig",
                "VpcConfig",
                "Tags",
                "ProductionVariants",
                "PipelineDefinition",
                "NetworkConfig",
                "MonitoringScheduleConfig",
                "TrainingJobDefinition",
                "SecurityGroups",
            ]
        ),
        values,
        max_size=4,
    ),
)
pipelines = st.builds(
    lambda steps, params: {"Version": "2020-12-01", "Parameters": params, "Steps": steps},
    st.lists(
        st.fixed_dictionaries(
            {
                "Name": st.text(max_size=5),
                "Type": st.sampled_from(["Training", "Processing", "Condition", "Model", "Lambda"]),
                "Arguments": values,
            }
        ),
        max_size=3,
    ),
    st.lists(st.fixed_dictionaries({"Name": st.sampled_from(["P", "Q"]), "DefaultValue": values}), max_size=2),
)


def _run(text: str, name: str = "input.json", input_type: str | None = None) -> None:
    parsed = parse_files([InputFile(name, text)], input_type)
    findings = list(judge(parsed.resources, RULES, Config()))
    for finding in findings:
        assert finding.control and finding.line >= 1
    for error in parsed.errors:
        assert error.path == name and error.reason


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["x.yaml", "x.json", "x.tf"]))
def test_arbitrary_text(text: str, name: str) -> None:
    _run(text, name)


@SETTINGS
@given(templates)
def test_cloudformation(template: dict) -> None:
    _run(json.dumps(template))


@SETTINGS
@given(policies, st.sampled_from(["p.json", "bucket-p.json", "vpce-p.json", "scp-p.json"]))
def test_policy_documents(document: dict, name: str) -> None:
    _run(json.dumps(document), name)


@SETTINGS
@given(payloads)
def test_api_payloads(payload: dict) -> None:
    _run(json.dumps(payload))


@SETTINGS
@given(pipelines)
def test_pipeline_definitions(definition: dict) -> None:
    _run(json.dumps(definition))


@SETTINGS
@given(values, st.sampled_from(INPUT_TYPES))
def test_forced_input_type(data: object, input_type: str) -> None:
    _run(json.dumps(data), "forced.json" if input_type != "terraform" else "forced.tf", input_type)
