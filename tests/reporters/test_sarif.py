"""SARIF: valid against the official 2.1.0 schema and within what GitHub code scanning accepts."""

from __future__ import annotations

import gzip
import json
import os
import shutil

import jsonschema
import pytest

from guardrails.config import Config
from guardrails.model import Status
from guardrails.reporters import sarif
from guardrails.scan import run_scan
from tests.reporters.conftest import DATA


@pytest.fixture(scope="module")
def schema() -> dict:
    with open(os.path.join(DATA, "sarif-schema-2.1.0.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _render(report, rules, root) -> dict:
    return json.loads(sarif.render(report, rules, root=root))


def _locations(run: dict) -> list[dict]:
    locations = [loc["physicalLocation"] for r in run["results"] for loc in r["locations"]]
    locations += [s["location"]["physicalLocation"] for r in run["results"] for s in r.get("suppressions", [])]
    for notification in run["invocations"][0].get("toolExecutionNotifications", []):
        locations += [loc["physicalLocation"] for loc in notification.get("locations", [])]
    return locations


def test_real_scan_is_valid_and_located_relative_to_root(corpus, corpus_report, rules, schema) -> None:
    log = _render(corpus_report, rules, corpus)
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert run["tool"]["driver"]["version"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == sorted(r.id for r in rules)
    expected = [f for f in corpus_report.findings if f.status is not Status.PASS]
    assert len(run["results"]) == len(expected) > 0
    for location in _locations(run):
        uri = location["artifactLocation"]["uri"]
        assert uri and not uri.startswith(("/", "file:")) and "\\" not in uri
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location.get("region", {"startLine": 1})["startLine"] >= 1
    assert {loc["artifactLocation"]["uri"].split("/")[0] for loc in _locations(run)} == {"stacks", "workload"}
    for result in run["results"]:
        rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")


def test_rule_descriptors_carry_docs_and_github_severity(corpus_report, rules) -> None:
    descriptors = {d["id"]: d for d in _render(corpus_report, rules, ".")["runs"][0]["tool"]["driver"]["rules"]}
    for rule in rules:
        descriptor = descriptors[rule.id]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] == rule.docs.what.strip()
        assert descriptor["helpUri"] == f"https://github.com/guardrails-ml/guardrails/blob/main/docs/rules/{rule.id}.md"
        assert "## Why is this bad?" in descriptor["help"]["markdown"]
        assert rule.remediation.strip() in descriptor["help"]["text"]
        properties = descriptor["properties"]
        assert properties["control"] == rule.control
        assert rule.control in properties["tags"] and rule.control.split("-")[0] in properties["tags"]
        assert properties["security-severity"] == sarif.SECURITY_SEVERITY[rule.severity]
        assert 0 < float(properties["security-severity"]) <= 10


def test_fingerprints_are_stable_across_runs_and_line_moves(tmp_path, rules) -> None:
    stack = tmp_path / "stack.yaml"
    shutil.copy(os.path.join(DATA, "workload", "stack.yaml"), stack)
    first = _render(run_scan([str(tmp_path)], Config(), rules), rules, str(tmp_path))
    again = _render(run_scan([str(tmp_path)], Config(), rules), rules, str(tmp_path))
    assert first == again
    stack.write_text("\n\n\n" + stack.read_text())
    moved = _render(run_scan([str(tmp_path)], Config(), rules), rules, str(tmp_path))

    def prints(log: dict) -> dict[str, tuple[str, int]]:
        return {
            r["partialFingerprints"]["guardrails/v1"]: (r["ruleId"], r["locations"][0]["physicalLocation"]["region"])
            for r in log["runs"][0]["results"]
        }

    assert prints(first).keys() == prints(moved).keys() and len(prints(first)) == len(first["runs"][0]["results"])
    assert all(prints(moved)[k][1]["startLine"] == v[1]["startLine"] + 3 for k, v in prints(first).items())


def test_suppressions_errors_and_outside_root(synthetic_report, synthetic_rules, schema) -> None:
    log = _render(synthetic_report, synthetic_rules, ".")
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    results = {(r["ruleId"], r["properties"]["resourceId"], r["properties"]["status"]): r for r in run["results"]}
    assert len(results) == 6  # two passes are not results
    comment = results[("GR203", "Notebook", "fail")]["suppressions"]
    assert comment == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "lab notebook; approved in RISK-42",
            "properties": {"rule": "GR203", "origin": "comment", "expires": "2099-12-31"},
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "infra/stack.yaml", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 6},
                }
            },
        }
    ]
    outside = results[("GR306", "Data", "fail")]
    assert outside["suppressions"][0]["kind"] == "external"
    assert outside["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "../shared/bucket.yaml"
    assert results[("GR101", "Train", "unknown")]["level"] == "warning"
    assert results[("GR301", "Broken", "error")]["level"] == "error"
    assert results[("GR301", "<script>alert(1)</script>", "fail")]["level"] == "error"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    errors = [n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"]
    assert [n["message"]["text"].split(":")[0] for n in errors] == ["infra/broken.yaml", "infra/huge.json"]
    assert errors[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert "region" not in errors[1]["locations"][0]["physicalLocation"]


def test_absolute_uri_only_when_no_relative_path_exists() -> None:
    assert sarif.artifact_uri("a dir/x#1.yaml", ".") == {"uri": "a%20dir/x%231.yaml", "uriBaseId": "%SRCROOT%"}
    assert sarif.artifact_uri("/elsewhere/x.yaml", "/repo")["uri"] == "../elsewhere/x.yaml"


def test_clean_scan_has_no_results_and_succeeds(root, rules, schema) -> None:
    report = run_scan([os.path.join(root, "reference_workload")], Config(), rules)
    assert report.summary()["by_status"]["pass"] == len(report.findings) > 0
    log = _render(report, rules, root)
    jsonschema.validate(log, schema)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_big_report_fits_github_limits(big_report, rules) -> None:
    text = sarif.render(big_report, rules, root=".")
    run = json.loads(text)["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS < sum(1 for f in big_report.findings if f.status is not Status.PASS)
    assert len(gzip.compress(text.encode())) < 10 * 1024 * 1024
    kept = {r["properties"]["severity"] for r in run["results"]}
    assert "critical" in kept
    assert any("left out" in n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"])
