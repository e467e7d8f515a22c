"""Every rule's pass/fail fixtures, discovered from `rules/<ID>/{pass,fail,unknown}/`.

A fixture fails the test on an unexpected status (a pass fixture that fails,
or the reverse) and on an expected finding that did not come (a fixture the
rule does not judge at all). A rule must have fixtures that exercise every
resource kind it reads, passing and failing.
"""

from __future__ import annotations

import os

import pytest

from guardrails.config import Config, load_config
from guardrails.rules import load_rules, rules_dir
from guardrails.scan import run_scan

RULES = load_rules()
STATUSES = ("pass", "fail", "unknown")


def _fixtures() -> list[tuple[str, str, str]]:
    out = []
    for rule in RULES:
        base = os.path.join(rules_dir(), rule.id)
        for status in STATUSES:
            folder = os.path.join(base, status)
            if os.path.isdir(folder):
                out += [(rule.id, status, os.path.join(folder, name)) for name in sorted(os.listdir(folder))]
    return out


FIXTURES = _fixtures()


def _config(rule_id: str) -> Config:
    path = os.path.join(rules_dir(), rule_id, "guardrails.yaml")
    return load_config(path)[0] if os.path.exists(path) else Config()


@pytest.mark.parametrize(
    ("rule_id", "status", "path"), FIXTURES, ids=[f"{r}/{s}/{os.path.basename(p)}" for r, s, p in FIXTURES]
)
def test_fixture(rule_id: str, status: str, path: str) -> None:
    report = run_scan([path], _config(rule_id), RULES, select=[rule_id])
    assert not report.errors, [f"{e.path}:{e.line} {e.reason}" for e in report.errors]
    findings = [f for f in report.findings if f.rule_id == rule_id]
    assert findings, f"{rule_id} judged nothing in {path}"
    wrong = [(f.resource_id, f.status.value, f.message) for f in findings if f.status.value != status]
    assert not wrong, wrong


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_kind_has_passing_and_failing_fixtures(rule) -> None:
    seen: dict[str, set[str]] = {"pass": set(), "fail": set()}
    for rule_id, status, path in FIXTURES:
        if rule_id == rule.id and status in seen:
            report = run_scan([path], _config(rule_id), RULES, select=[rule_id])
            seen[status] |= {f.resource_kind for f in report.findings if f.rule_id == rule_id}
    for status, kinds in seen.items():
        missing = sorted(set(rule.applies_to) - kinds)
        assert not missing, f"{rule.id}: no {status} fixture for {missing}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule) -> None:
    for field in ("what", "why", "example", "instead"):
        assert getattr(rule.docs, field).strip(), f"{rule.id}: docs.{field} is empty"
    assert rule.remediation.strip()
    assert set(rule.fix) == {"cloudformation", "terraform", "api"}, f"{rule.id}: fix snippets for every format"
    assert rule.docs.references, f"{rule.id}: no references"
