"""JUnit XML, read back by a real JUnit parser: counts and results match the report."""

from __future__ import annotations

import dataclasses
from collections import Counter

from junitparser import Error, Failure, JUnitXml, Skipped

from guardrails.catalog import controls
from guardrails.model import Status
from guardrails.reporters import junit
from guardrails.scan import Report


def _parse(tmp_path, text: str) -> JUnitXml:
    path = tmp_path / "report.junit.xml"
    path.write_text(text, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def _expected(report) -> Counter:
    counts: Counter = Counter(tests=len(report.findings) + len(report.errors), errors=len(report.errors))
    for finding in report.findings:
        if finding.suppression is not None:
            counts["skipped"] += 1
        elif finding.status is Status.ERROR:
            counts["errors"] += 1
        elif finding.status in (Status.FAIL, Status.UNKNOWN):
            counts["failures"] += 1
    return counts


def test_counts_of_a_real_scan(tmp_path, corpus, corpus_report, rules) -> None:
    xml = _parse(tmp_path, junit.render(corpus_report, rules, root=corpus))
    expected = _expected(corpus_report)
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == tuple(
        expected[k] for k in ("tests", "failures", "errors", "skipped")
    )
    assert expected["failures"] and expected["errors"] and expected["skipped"]
    names = [suite.name for suite in xml]
    order = [c["id"] for c in controls()]
    assert names[-1] == "inputs"
    assert [n.split()[0] for n in names[:-1]] == sorted({n.split()[0] for n in names[:-1]}, key=order.index)
    for suite in xml:
        cases = list(suite)
        assert suite.tests == len(cases)
        assert suite.failures == sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result))
        assert suite.errors == sum(1 for c in cases if any(isinstance(r, Error) for r in c.result))
        assert suite.skipped == sum(1 for c in cases if any(isinstance(r, Skipped) for r in c.result))
        for case in cases:
            assert case._elem.get("file") and not case._elem.get("file").startswith("/")


def test_statuses_map_to_junit_results(tmp_path, synthetic_report, synthetic_rules) -> None:
    xml = _parse(tmp_path, junit.render(synthetic_report, synthetic_rules))
    cases = {(c.classname, c.name): c for suite in xml for c in suite}
    assert len(cases) == len(synthetic_report.findings) + len(synthetic_report.errors)

    def only(key):
        case = cases[key]
        assert len(case.result) <= 1
        return case.result[0] if case.result else None

    unknown = only(("sagemaker.training_job.Train", "GR101 volume-cmk"))
    assert isinstance(unknown, Failure) and unknown.type == "unknown"
    failed = only(("policy.identity.<script>alert(1)</script>", "GR301 secure-compute-creation"))
    assert isinstance(failed, Failure) and failed.type == "fail"
    assert "Fix secure-compute-creation" in failed.text and "<b>bold</b>" in failed.message
    assert isinstance(only(("policy.identity.Broken", "GR301 secure-compute-creation")), Error)
    suppressed = only(("sagemaker.notebook_instance.Notebook", "GR203 no-direct-internet"))
    assert isinstance(suppressed, Skipped) and "RISK-42" in suppressed.message
    assert only(("sagemaker.domain.Studio", "GR203 no-direct-internet")) is None
    broken = cases[("input", "infra/broken.yaml")]
    assert isinstance(broken.result[0], Error) and broken._elem.get("line") == "3"
    assert cases[("sagemaker.notebook_instance.Notebook", "GR101 volume-cmk")]._elem.get("line") == "12"
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (10, 3, 3, 2)


def test_control_characters_do_not_break_the_xml(tmp_path, synthetic_report, synthetic_rules) -> None:
    finding = dataclasses.replace(synthetic_report.findings[0], message="bad \x01 byte from a JSON input")
    report = Report([finding], [], files=1, resources=1, rules=1)
    xml = _parse(tmp_path, junit.render(report, synthetic_rules))
    assert xml.failures == 1
