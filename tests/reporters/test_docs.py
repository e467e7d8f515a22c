"""The committed rules reference (`docs/rules/`) is what `guardrails docs` generates from the rule files."""

from __future__ import annotations

import os

from typer.testing import CliRunner

from guardrails.cli import app
from guardrails.docs import DOCS_COMMAND
from guardrails.rules import load_rules
from tests.conftest import ROOT

COMMITTED = os.path.join(ROOT, "docs", "rules")


def _pages(directory: str) -> dict[str, str]:
    out = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding="utf-8") as handle:
            out[name] = handle.read()
    return out


def test_committed_docs_are_current(tmp_path) -> None:
    result = CliRunner().invoke(app, ["docs", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    fresh = _pages(str(tmp_path))
    committed = _pages(COMMITTED) if os.path.isdir(COMMITTED) else {}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"docs/rules is stale ({', '.join(stale)}): run `{DOCS_COMMAND}` and commit the result"


def test_every_rule_has_a_page_with_the_fixed_sections() -> None:
    pages = _pages(COMMITTED)
    index = pages["index.md"]
    for rule in load_rules():
        page = pages[f"{rule.id}.md"]
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Remediation"):
            assert heading in page, (rule.id, heading)
        assert f"`{rule.control}`" in page and f"[{rule.id}]({rule.id}.md)" in index


def test_regenerating_removes_pages_of_deleted_rules(tmp_path) -> None:
    (tmp_path / "GR999.md").write_text("# a rule that no longer exists\n")
    (tmp_path / "notes.md").write_text("kept: not a rule page\n")
    assert CliRunner().invoke(app, ["docs", "--output-dir", str(tmp_path)]).exit_code == 0
    assert not (tmp_path / "GR999.md").exists() and (tmp_path / "notes.md").exists()
