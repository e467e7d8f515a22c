"""The GitHub Action and the pre-commit hook: well-formed, and the action's scan step works as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import yaml

from tests.conftest import ROOT
from tests.reporters.conftest import DATA


def _load(name: str):
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_action_is_a_composite_with_the_documented_inputs() -> None:
    action = _load("action.yml")
    assert set(action["inputs"]) >= {"path", "config", "fail-on", "python-version"}
    assert action["runs"]["using"] == "composite"
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert "github/codeql-action/upload-sarif@v3" in uses
    scripts = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    assert '"$GITHUB_ACTION_PATH"' in scripts and "$GITHUB_STEP_SUMMARY" in scripts
    assert "${{" not in scripts, "inputs must reach scripts through env, not be pasted into them"


def test_action_scan_step_writes_sarif_and_markdown_and_reports_the_exit_code(tmp_path) -> None:
    step = next(s for s in _load("action.yml")["runs"]["steps"] if s.get("id") == "scan")
    output = tmp_path / "github_output"
    env = {
        **os.environ,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        "GUARDRAILS_PATHS": "workload/stack.yaml",
        "GUARDRAILS_CONFIG": "",
        "GUARDRAILS_FAIL_ON": "high",
        "GUARDRAILS_OUT": str(tmp_path / "out"),
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]], cwd=DATA, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs["exit-code"] == "1"
    sarif = (tmp_path / "out" / "guardrails.sarif").read_text()
    assert '"uri": "workload/stack.yaml"' in sarif
    assert outputs["markdown"] == str(tmp_path / "out" / "guardrails.md")
    assert (tmp_path / "out" / "guardrails.md").read_text().startswith("<!-- guardrails-report -->")


def test_pre_commit_hook() -> None:
    (hook,) = _load(".pre-commit-hooks.yaml")
    assert (hook["id"], hook["entry"], hook["language"]) == ("guardrails", "guardrails scan", "python")
    files = re.compile(hook["files"])
    for name in ("stack.yaml", "infra/job.yml", "policies/admin.json", "modules/net/main.tf"):
        assert files.search(name), name
    for name in ("README.md", "app.py", "main.tfvars", "plan.tf.bak"):
        assert not files.search(name), name
