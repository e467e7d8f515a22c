"""`guardrails permissions`: the read-only policy generated from what the collectors declare they call."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from guardrails import collectors
from guardrails.cli import app
from guardrails.config import Config
from guardrails.iam import parse_policy
from guardrails.iam.catalog import validate
from guardrails.model import Status
from guardrails.rules import load_rules
from guardrails.scan import run_scan


def _policy(*args: str) -> dict:
    result = CliRunner().invoke(app, ["permissions", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_policy_is_exactly_what_the_collectors_declare() -> None:
    policy = _policy()
    granted = {action for statement in policy["Statement"] for action in statement["Action"]}
    declared = {action for module in collectors.modules() for action in module.CALLS.values() if action}
    assert granted == declared - {"sts:AssumeRole"}
    assert all(statement["Resource"] == "*" for statement in policy["Statement"])
    assert all(action.split(":")[1].startswith(("List", "Get", "Describe")) for action in granted)


def test_assuming_the_scan_role_is_granted_only_on_that_role() -> None:
    statement = _policy("--role-name", "scanner")["Statement"][-1]
    assert statement["Action"] == ["sts:AssumeRole"] and statement["Resource"] == "arn:aws:iam::*:role/scanner"


def test_every_action_is_a_real_iam_action() -> None:
    issues = validate(parse_policy(_policy("--role-name", "scanner")))
    assert issues == []


def test_the_policy_passes_the_scanners_own_rules(tmp_path) -> None:
    path = tmp_path / "scanner-policy.json"
    path.write_text(json.dumps(_policy()))
    report = run_scan([str(path)], Config(), load_rules(), policy_kind="identity")
    assert report.findings and all(f.status is Status.PASS for f in report.findings)
