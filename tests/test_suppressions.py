"""Inline suppressions and baselines: a reason is mandatory, expiry is honoured, nothing disappears."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from guardrails.cli import app

runner = CliRunner()
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()

NOTEBOOK = """
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
{metadata}    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/x
      DirectInternetAccess: Enabled
"""


def _scan(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["scan", *args, "-f", "json", "--select", "NET-3"])
    return result.exit_code, json.loads(result.stdout)


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_metadata_skip_suppresses_with_reason(tmp_path) -> None:
    metadata = (
        f"    Metadata:\n      guardrails:\n        skip:\n          - id: NET-3\n"
        f"            reason: lab notebook, no data\n            expires: {FUTURE}\n"
    )
    code, report = _scan(_write(tmp_path, "t.yaml", NOTEBOOK.format(metadata=metadata)))
    finding = report["findings"][0]
    assert code == 0
    assert finding["status"] == "fail"  # still reported, only accepted
    assert finding["suppression"] == {
        "rule": "NET-3",
        "reason": "lab notebook, no data",
        "expires": FUTURE,
        "line": 5,
        "origin": "metadata",
    }
    assert report["summary"]["suppressed"] == 1 and report["summary"]["failed_by_control"] == {}


def test_skip_without_reason_does_not_suppress(tmp_path) -> None:
    metadata = "    Metadata:\n      guardrails:\n        skip:\n          - id: GR203\n"
    code, report = _scan(_write(tmp_path, "t.yaml", NOTEBOOK.format(metadata=metadata)))
    assert code == 2
    assert report["findings"][0]["suppression"] is None
    assert "no reason" in report["errors"][0]["reason"]


def test_comment_above_and_inside_a_resource(tmp_path) -> None:
    above = NOTEBOOK.format(metadata="").replace(
        "  Notebook:", f'  # guardrails:skip=GR203 reason="isolated lab" expires={FUTURE}\n  Notebook:'
    )
    code, report = _scan(_write(tmp_path, "above.yaml", above))
    assert code == 0 and report["findings"][0]["suppression"]["origin"] == "comment"
    inside = NOTEBOOK.format(metadata="").replace(
        "DirectInternetAccess: Enabled",
        'DirectInternetAccess: Enabled  # guardrails:skip=no-direct-internet reason="lab"',
    )
    code, report = _scan(_write(tmp_path, "inside.yaml", inside))
    assert code == 0 and report["findings"][0]["suppression"]["rule"] == "no-direct-internet"


def test_expired_skip_stops_suppressing_and_says_so(tmp_path) -> None:
    text = NOTEBOOK.format(metadata="").replace(
        "  Notebook:", f'  # guardrails:skip=GR203 reason="until the VPC lands" expires={PAST}\n  Notebook:'
    )
    code, report = _scan(_write(tmp_path, "t.yaml", text))
    assert code == 1
    finding = report["findings"][0]
    assert finding["suppression"] is None and f"expired on {PAST}" in finding["message"]


def test_terraform_comments(tmp_path) -> None:
    module = tmp_path / "tf"
    module.mkdir()
    (module / "main.tf").write_text(
        'resource "aws_sagemaker_notebook_instance" "nb" {\n'
        '  // guardrails:skip=GR203 reason="training sandbox"\n'
        '  name          = "nb"\n  role_arn      = "arn:aws:iam::111122223333:role/x"\n'
        '  instance_type = "ml.t3.medium"\n  direct_internet_access = "Enabled"\n}\n'
    )
    code, report = _scan(str(module))
    assert code == 0, report
    assert report["findings"][0]["suppression"]["reason"] == "training sandbox"


def test_baseline_accepts_known_findings_only_in_their_file(tmp_path) -> None:
    first = _write(tmp_path, "a.yaml", NOTEBOOK.format(metadata=""))
    baseline = str(tmp_path / "baseline.json")
    result = runner.invoke(app, ["scan", first, "--select", "NET-3", "--create-baseline", baseline])
    assert result.exit_code == 1
    assert json.loads((tmp_path / "baseline.json").read_text())["findings"][0]["resource"] == "Notebook"
    code, _ = _scan(first, "--baseline", baseline)
    assert code == 0
    # The same logical id in another file is a new finding: a baseline never hides it.
    second = _write(tmp_path, "b.yaml", NOTEBOOK.format(metadata=""))
    code, report = _scan(first, second, "--baseline", baseline)
    assert code == 1
    open_findings = [f["location"]["path"] for f in report["findings"] if f["suppression"] is None]
    assert open_findings == [second]


def test_bad_baseline_is_a_clear_error(tmp_path) -> None:
    path = _write(tmp_path, "t.yaml", NOTEBOOK.format(metadata=""))
    bogus = _write(tmp_path, "baseline.json", "[]")
    result = runner.invoke(app, ["scan", path, "--baseline", bogus])
    assert result.exit_code == 2 and "not a guardrails baseline" in " ".join(result.output.split())


def test_fingerprint_does_not_depend_on_how_the_path_was_typed(tmp_path, monkeypatch) -> None:
    _write(tmp_path, "t.yaml", NOTEBOOK.format(metadata=""))
    monkeypatch.chdir(tmp_path)
    _, relative = _scan("t.yaml")
    _, absolute = _scan(str(tmp_path / "t.yaml"))
    _, dotted = _scan("./t.yaml")
    prints = {r["findings"][0]["fingerprint"] for r in (relative, absolute, dotted)}
    assert len(prints) == 1
