"""API payloads, describe outputs, pipeline definitions and standalone policies -> canonical resources."""

from __future__ import annotations

import json

import pytest

from guardrails.inputs import InputFile
from guardrails.model import Unknown
from guardrails.sources import parse_files
from guardrails.sources.policy_document import infer_kind


def _parse(payload: object, name: str = "input.json", **kwargs):
    return parse_files([InputFile(name, json.dumps(payload, indent=1))], **kwargs)


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ({"TrainingJobName": "t", "AlgorithmSpecification": {}}, "sagemaker.training_job"),
        ({"HyperParameterTuningJobName": "h", "TrainingJobDefinition": {}}, "sagemaker.tuning_job"),
        ({"ProcessingJobName": "p"}, "sagemaker.processing_job"),
        ({"TransformJobName": "x"}, "sagemaker.transform_job"),
        ({"ModelName": "m", "PrimaryContainer": {}}, "sagemaker.model"),
        ({"EndpointConfigName": "e", "ProductionVariants": []}, "sagemaker.endpoint_config"),
        ({"EndpointName": "e", "EndpointConfigName": "c"}, "sagemaker.endpoint"),
        ({"NotebookInstanceName": "n"}, "sagemaker.notebook_instance"),
        ({"DomainName": "d", "DefaultUserSettings": {}}, "sagemaker.domain"),
        (
            {"JobDefinitionName": "j", "DataQualityJobOutputConfig": {"KmsKeyId": "k"}},
            "sagemaker.monitoring_job_definition",
        ),
    ],
)
def test_request_kind_detected(payload: dict, kind: str) -> None:
    parsed = _parse(payload)
    assert [r.kind for r in parsed.resources] == [kind]


def test_describe_output_names_mapped() -> None:
    describe = {"NotebookInstanceArn": "arn:x", "NotebookInstanceName": "nb", "SecurityGroups": ["sg-1"]}
    resource = _parse(describe).resources[0]
    assert resource.props["SecurityGroupIds"] == ["sg-1"]
    assert resource.line_of(("SecurityGroupIds",)) == 4


def test_monitoring_output_config_is_canonical() -> None:
    resource = _parse({"JobDefinitionName": "j", "ModelBiasJobOutputConfig": {"KmsKeyId": "k"}}).resources[0]
    assert resource.props["JobOutputConfig"] == {"KmsKeyId": "k"}


def test_monitoring_schedule_with_inline_definition() -> None:
    schedule = {
        "MonitoringScheduleName": "s",
        "MonitoringScheduleConfig": {
            "MonitoringJobDefinition": {
                "MonitoringResources": {"ClusterConfig": {"VolumeKmsKeyId": "k"}},
                "MonitoringOutputConfig": {"KmsKeyId": "o"},
            }
        },
        "Tags": [{"Key": "zone", "Value": "prod"}],
    }
    resource = _parse(schedule).resources[0]
    assert resource.kind == "sagemaker.monitoring_job_definition"
    assert resource.props["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"] == "k"
    assert resource.tags == {"zone": "prod"}


def test_pipeline_steps_become_requests() -> None:
    definition = {
        "Version": "2020-12-01",
        "Parameters": [{"Name": "Key", "DefaultValue": "arn:aws:kms:us-east-1:111122223333:key/k"}, {"Name": "X"}],
        "Steps": [
            {
                "Name": "Train",
                "Type": "Training",
                "Arguments": {
                    "ResourceConfig": {
                        "VolumeKmsKeyId": {"Get": "Parameters.Key"},
                        "InstanceType": {"Get": "Parameters.X"},
                    },
                    "OutputDataConfig": {
                        "S3OutputPath": {"Std:Join": {"On": "/", "Values": ["s3:/", "b", "o"]}},
                        "KmsKeyId": {"Get": "Steps.Other.Properties.Key"},
                    },
                },
            },
            {
                "Name": "Check",
                "Type": "Condition",
                "Arguments": {
                    "IfSteps": [{"Name": "Process", "Type": "Processing", "Arguments": {"ProcessingResources": {}}}]
                },
            },
            {"Name": "Notify", "Type": "Lambda", "Arguments": {}},
        ],
    }
    resources = {r.id: r for r in _parse(definition, "flow.json").resources}
    assert set(resources) == {"flow/Train", "flow/Process"}
    train = resources["flow/Train"].props
    assert train["ResourceConfig"]["VolumeKmsKeyId"] == "arn:aws:kms:us-east-1:111122223333:key/k"
    assert train["ResourceConfig"]["InstanceType"] == Unknown("pipeline parameter X has no DefaultValue")
    assert train["OutputDataConfig"]["S3OutputPath"] == "s3://b/o"
    assert isinstance(train["OutputDataConfig"]["KmsKeyId"], Unknown)
    assert resources["flow/Process"].kind == "sagemaker.processing_job"


def test_create_pipeline_request_with_string_definition() -> None:
    definition = {"Version": "2020-12-01", "Steps": [{"Name": "T", "Type": "Training", "Arguments": {}}]}
    parsed = _parse({"PipelineName": "p", "PipelineDefinition": json.dumps(definition)})
    assert sorted(r.kind for r in parsed.resources) == ["sagemaker.pipeline", "sagemaker.training_job"]


@pytest.mark.parametrize(
    ("document", "filename", "kind"),
    [
        ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, "team", "identity"),
        ({"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}, "org-scp", "scp"),
        (
            {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]},
            "data",
            "bucket",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sagemaker:*", "Resource": "*"}]},
            "api",
            "endpoint",
        ),
        (
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]},
            "s3-vpce",
            "endpoint",
        ),
    ],
)
def test_policy_kind_inference(document: dict, filename: str, kind: str) -> None:
    assert infer_kind(document, filename) == kind


def test_policy_kind_override() -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    assert _parse(document, "x.json", policy_kind="scp").resources[0].kind == "policy.scp"


def test_input_type_override_and_unrecognised() -> None:
    assert _parse({"Anything": 1}).skipped
    parsed = _parse({"Resources": {}}, input_type="policy")
    assert parsed.resources[0].kind.startswith("policy.")
