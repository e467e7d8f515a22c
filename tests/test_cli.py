"""The command line as a user drives it: exit codes, formats, selection, configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest
from typer.testing import CliRunner

from guardrails.cli import app
from tests.conftest import ROOT

runner = CliRunner()

BAD_NOTEBOOK = """
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/x
      KmsKeyId: arn:aws:kms:us-east-1:111122223333:key/k
      DirectInternetAccess: Enabled
      RootAccess: Disabled
      SubnetId: subnet-a
      SecurityGroupIds: [sg-a]
      Tags: [{Key: zone, Value: dev}, {Key: CostCenter, Value: CC-1}, {Key: creatorUserId, Value: "AROAX:me"}]
"""


@pytest.fixture
def template(tmp_path) -> str:
    path = tmp_path / "stack.yaml"
    path.write_text(BAD_NOTEBOOK)
    return str(path)


def _json(result) -> dict:
    return json.loads(result.stdout)


def test_violation_exits_1_and_json_matches_the_schema(template: str) -> None:
    result = runner.invoke(app, ["scan", template, "--format", "json"])
    assert result.exit_code == 1
    report = _json(result)
    with open(os.path.join(ROOT, "schemas", "report.schema.json")) as handle:
        jsonschema.validate(report, json.load(handle))
    failed = [f for f in report["findings"] if f["status"] == "fail"]
    assert [(f["control"], f["location"]["path"], f["location"]["line"]) for f in failed] == [("NET-3", template, 9)]
    assert report["summary"]["by_status"]["pass"] > 0


def test_fail_on_threshold(template: str) -> None:
    assert runner.invoke(app, ["scan", template, "--fail-on", "critical"]).exit_code == 0
    assert runner.invoke(app, ["scan", template, "--fail-on", "high"]).exit_code == 1


def test_select_and_ignore_by_rule_control_and_family(template: str) -> None:
    def rules(*args: str) -> set[str]:
        return {f["rule_id"] for f in _json(runner.invoke(app, ["scan", template, "-f", "json", *args]))["findings"]}

    assert rules("--select", "NET-3") == {"GR203"}
    assert rules("--select", "GR1") == {"GR101"}
    assert rules("--select", "NET,IAM-7") == {"GR201", "GR203", "GR309"}
    assert "GR203" not in rules("--ignore", "NET")
    assert runner.invoke(app, ["scan", template, "--ignore", "NET-3"]).exit_code == 0


def test_config_file_and_unknown_keys(tmp_path, template: str) -> None:
    config = tmp_path / "guardrails.yaml"
    config.write_text("approved:\n  subnets: [subnet-b]\n")
    report = _json(runner.invoke(app, ["scan", template, "-f", "json", "--config", str(config), "--select", "NET-1"]))
    assert report["findings"][0]["status"] == "fail" and "subnet-a" in report["findings"][0]["message"]
    config.write_text("approved:\n  subnet: [subnet-b]\n")
    result = runner.invoke(app, ["scan", template, "--config", str(config)])
    assert result.exit_code == 2
    assert "approved.subnet" in result.output


def test_pyproject_table(tmp_path, template: str, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.guardrails.zones]\ndefault = "prod"\n')
    monkeypatch.chdir(tmp_path)
    report = _json(runner.invoke(app, ["scan", template, "-f", "json"]))
    assert {f["resource"]["zone"] for f in report["findings"]} == {"dev"}  # the tag wins over the default


def test_output_file(tmp_path, template: str) -> None:
    out = tmp_path / "report.json"
    assert runner.invoke(app, ["scan", template, "-f", "json", "-o", str(out)]).exit_code == 1
    assert json.loads(out.read_text())["summary"]["resources"] == 1


def test_table_shows_path_and_line(template: str, monkeypatch) -> None:
    monkeypatch.chdir(os.path.dirname(template))
    result = runner.invoke(app, ["scan", "stack.yaml"], env={"COLUMNS": "200"})
    assert "stack.yaml:9" in result.output
    assert "NET-3" in result.output


def test_rules_and_controls_commands() -> None:
    listed = json.loads(runner.invoke(app, ["rules", "list", "-f", "json"]).stdout)
    assert len(listed) == 26
    controls = json.loads(runner.invoke(app, ["controls", "-f", "json"]).stdout)
    assert len(controls) == 23 and all(c["rules"] for c in controls)
    shown = runner.invoke(app, ["rules", "show", "GR301"], env={"COLUMNS": "120"})
    assert shown.exit_code == 0 and "Why is this bad?" in shown.output
    assert runner.invoke(app, ["rules", "show", "GR999"]).exit_code == 2


def test_reference_workload_scans_clean() -> None:
    workload = os.path.join(ROOT, "reference_workload")
    config = os.path.join(workload, "guardrails.yaml")
    result = runner.invoke(app, ["scan", workload, "--config", config, "-f", "json"])
    report = _json(result)
    assert result.exit_code == 0, [f["message"] for f in report["findings"] if f["status"] != "pass"]
    assert report["summary"]["by_status"]["pass"] >= 60


def test_installed_console_script_and_startup_imports() -> None:
    """The real entry point; importing the CLI must not pull in TensorFlow, the SageMaker SDK or moto."""
    exe = os.path.join(os.path.dirname(sys.executable), "guardrails")
    assert subprocess.run([exe, "--help"], capture_output=True, check=False).returncode == 0
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import guardrails.cli"], capture_output=True, text=True, check=True
    ).stderr
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in trace.splitlines() if "|" in line}
    assert not imported & {"tensorflow", "keras", "sagemaker", "moto", "torch", "z3", "botocore"}
