"""The JSON report: the two encoders write the same bytes, and a large report reads back whole."""

from __future__ import annotations

import json
from dataclasses import replace

from guardrails.reporters import json_report


def test_both_encoders_write_identical_lines(corpus_report, synthetic_report) -> None:
    from pydantic_core import to_json

    findings = [*corpus_report.findings, *synthetic_report.findings]
    hostile = 'Schlüssel — ✓ "quoted" \\ back\tslash \x00\x1f \u2028 😀 </script>'
    findings += [replace(f, message=hostile, resource_id=hostile, line=2**40) for f in findings[:3]]
    assert any(f.suppression is not None for f in findings)
    for finding in findings:
        item = finding.to_dict()
        assert json_report._ENCODE(item) == to_json(item).decode()
    assert json_report.encoder(json_report.RUST_FROM - 1) is json_report._ENCODE
    assert json_report.encoder(json_report.RUST_FROM) is not json_report._ENCODE


def test_a_report_past_the_switch_reads_back_as_its_findings(big_report) -> None:
    assert len(big_report.findings) >= json_report.RUST_FROM
    document = json.loads(json_report.render(big_report))
    assert document["findings"] == [f.to_dict() for f in big_report.findings]
    assert document["summary"] == big_report.summary()
