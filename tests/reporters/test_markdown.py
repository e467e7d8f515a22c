"""Markdown pull-request comments: structure, escaping, and GitHub's 65,536-character cap on a big report."""

from __future__ import annotations

import re

from guardrails.catalog import families
from guardrails.model import Severity, Status
from guardrails.reporters import markdown
from guardrails.reporters.common import is_open
from guardrails.scan import Report

ROW = re.compile(r"^\| (critical|high|medium|low) \| <code>", re.MULTILINE)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_summary_table_top_findings_and_details(corpus, corpus_report, rules) -> None:
    text = markdown.render(corpus_report, rules, root=corpus)
    opened = [f for f in corpus_report.findings if is_open(f)]
    assert text.startswith(markdown.MARKER)
    table = re.search(r"^\| Family \| critical \| high \| medium \| low \| failed \| unknown \|$", text, re.MULTILINE)
    assert table
    for code in families():
        row = re.search(rf"^\| \*\*{code}\*\* .*$", text, re.MULTILINE)
        assert row, code
    cells = r" \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| \*\*(\d+)\*\* \| (\d+) \|$"
    total = re.search(r"^\| \*\*Total\*\*" + cells, text, re.MULTILINE)
    failed = [f for f in opened if f.status is Status.FAIL]
    assert total and [int(n) for n in total.groups()] == [
        *(sum(1 for f in failed if f.severity is s) for s in sorted(Severity, key=lambda s: -s.rank)),
        len(failed),
        sum(1 for f in opened if f.status is Status.UNKNOWN),
    ]
    top = text.split("### Top findings", 1)[1].split("### Other findings", 1)[0]
    severities = [m.group(1) for m in ROW.finditer(top)]
    assert len(severities) == markdown.TOP
    assert [Severity(s).rank for s in severities] == sorted((Severity(s).rank for s in severities), reverse=True)
    assert text.count("<details>") == text.count("</details>") > 1
    assert "**Not assessed:** <code>workload/broken.yaml:3</code>" in text
    assert "1 suppressed" in text and "**Unknown** findings" in text


def test_big_report_stays_under_githubs_limit(big_report, rules) -> None:
    text = markdown.render(big_report, rules)
    assert _units(text) < markdown.LIMIT
    opened = [f for f in big_report.findings if is_open(f)]
    shown = len(ROW.findall(text))
    left_out = re.search(r"^_(\d+) findings not shown: .*_$", text, re.MULTILINE)
    assert left_out and int(left_out.group(1)) == len(opened) - shown > 0
    assert text.count("<details>") == text.count("</details>")
    for control in {f.control for f in opened}:
        assert f"<b>{control}</b>" in text, f"{control} has no section in a truncated comment"
    for rule_id in set(re.findall(r"\| \[(GR\d{3})\] ", text)):
        assert f"\n[{rule_id}]: https://github.com/guardrails-ml/guardrails/blob/main/docs/rules/{rule_id}.md" in text


def test_user_text_is_escaped(synthetic_report, synthetic_rules) -> None:
    text = markdown.render(synthetic_report, synthetic_rules)
    assert "<script>" not in text and "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    row = next(line for line in text.splitlines() if "VolumeKmsKey" in line)
    assert row.count(" | ") == 5, "a | in a message must not split the table cell"
    assert "\\*star\\*" in row
    assert "<code>../shared/bucket.yaml:4</code>" not in text, "suppressed findings are not listed as open"
    assert "**unknown:**" in text and "**error:**" in text
    assert len(ROW.findall(text)) == sum(1 for f in synthetic_report.findings if is_open(f)) == 4
    assert "not shown" not in text


def test_clean_report_says_so(synthetic_rules) -> None:
    text = markdown.render(Report([], [], files=3, resources=5, rules=5), synthetic_rules)
    assert "no open findings" in text and "<details>" not in text and "### Top findings" not in text
