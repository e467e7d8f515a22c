"""Every format is deterministic: two scans render byte-identical reports, and the synthetic report matches the
committed samples in `data/golden/` (regenerate them, after checking the diff, with the command in the message)."""

from __future__ import annotations

import os

import pytest

from guardrails.config import Config
from guardrails.reporters import html, junit, markdown, sarif
from guardrails.scan import run_scan
from tests.reporters.conftest import DATA

FORMATS = {"guardrails.sarif": sarif, "guardrails.junit.xml": junit, "guardrails.md": markdown, "guardrails.html": html}
UPDATE = "GUARDRAILS_UPDATE_GOLDEN"


@pytest.mark.parametrize("name", FORMATS)
def test_matches_the_committed_sample(name, synthetic_report, synthetic_rules) -> None:
    text = FORMATS[name].render(synthetic_report, synthetic_rules, root=".")
    path = os.path.join(DATA, "golden", name)
    if os.environ.get(UPDATE):
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    with open(path, encoding="utf-8", newline="") as handle:
        expected = handle.read()
    assert text == expected, f"{name} changed; if intended: {UPDATE}=1 .venv/bin/pytest tests/reporters/test_golden.py"


def test_two_scans_render_identically(corpus, corpus_report, rules) -> None:
    again = run_scan([corpus], Config(), rules)
    for module in FORMATS.values():
        assert module.render(again, rules, root=corpus) == module.render(corpus_report, rules, root=corpus)
