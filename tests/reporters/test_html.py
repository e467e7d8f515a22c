"""The HTML report without a browser: self-contained, escaped, summary ids, fixes per input format."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from guardrails.reporters import html
from guardrails.scan import Report


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.raw else None

    def handle_endtag(self, tag) -> None:
        self._in = None

    def handle_data(self, data) -> None:
        (self.raw[self._in] if self._in else self.text).append(data)


def _parse(text: str) -> _Collect:
    parser = _Collect()
    parser.feed(text)
    return parser


def test_nothing_is_fetched_from_the_network(corpus, corpus_report, rules) -> None:
    page = _parse(html.render(corpus_report, rules, root=corpus))
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
        assert not (tag == "script" and "src" in attrs)
        for name, value in attrs.items():
            if value and re.search(r"https?://", value):
                assert (tag, name) in (("a", "href"), ("svg", "xmlns")), (tag, name, value)
    for code in page.raw["style"] + page.raw["script"]:
        assert not re.search(r"https?://|@import|url\(|fetch\(|XMLHttpRequest|import\(", code)
    metas = [a for t, a in page.tags if t == "meta"]
    policy = next(a["content"] for a in metas if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy


def test_summary_numbers_have_stable_ids(corpus_report, rules) -> None:
    text = html.render(corpus_report, rules)
    summary = corpus_report.summary()
    for status, count in summary["by_status"].items():
        assert f'id="count-{status}">{count}<' in text
    for key in ("files", "resources", "rules"):
        assert f'id="count-{key}">{summary[key]}<' in text
    assert f'id="count-input-errors">{summary["errors"]}<' in text
    for select in ("filter-severity", "filter-zone", "filter-control", "filter-status", "visible-count"):
        assert f'id="{select}"' in text
    assert "<svg" in text and "@media print" in text


def test_user_text_is_escaped(synthetic_report, synthetic_rules) -> None:
    text = html.render(synthetic_report, synthetic_rules)
    page = _parse(text)
    assert [t for t, _ in page.tags].count("script") == 1
    assert "alert(1)" not in "".join(page.raw["script"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)</script>" in "".join(page.text)
    assert "<b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text


def test_each_rule_card_has_remediation_before_after_and_the_fix_for_its_formats(synthetic_report, synthetic_rules):
    text = html.render(synthetic_report, synthetic_rules)
    card = text.split('id="rule-GR101"', 1)[1].split("</article>", 1)[0]
    assert "Fix volume-cmk with <code>Setting: value</code>." in card
    assert 'class="before"' in card and "Setting: bad" in card and 'class="after"' in card
    # a CloudFormation finding and an API-request finding: both snippets, and not Terraform's
    assert 'id="fix-GR101-cloudformation"' in card and 'id="fix-GR101-api"' in card
    assert 'id="fix-GR101-terraform"' not in card
    assert 'id="fix-GR301-terraform"' in text and 'id="fix-GR301-api"' in text  # a policy document is JSON
    resource_view = text.split('id="by-resource"', 1)[1]
    assert 'href="#fix-GR101-api"' in resource_view and 'href="#rule-GR101"' in resource_view
    assert "suppressed (comment, until 2099-12-31): lab notebook; approved in RISK-42" in text
    assert "infra/broken.yaml:3" in text
    assert '<option value="(none)">(none)</option>' in text and 'data-zone="(none)"' in text


def test_clean_report_renders(synthetic_rules) -> None:
    text = html.render(Report([], [], files=1, resources=1, rules=5), synthetic_rules)
    assert "Nothing to fix." in text and 'id="count-fail">0<' in text
