"""`reports/` holds the sample reports of scanning the reference workload, in every format, and is current.

Regenerate with the command in REGENERATE (also in the README).
"""

from __future__ import annotations

import os

from typer.testing import CliRunner

from guardrails.cli import app
from guardrails.reporters import FORMATS
from tests.conftest import ROOT

ARGS = [
    "scan",
    "reference_workload",
    "--config",
    "reference_workload/guardrails.yaml",
    "--format",
    ",".join(FORMATS),
    "--output-dir",
]
REGENERATE = ".venv/bin/guardrails " + " ".join(ARGS) + " reports"


def test_sample_reports_are_current(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, [*ARGS, str(tmp_path)])
    assert result.exit_code == 0, result.output
    for _, name in FORMATS.values():
        with open(os.path.join(ROOT, "reports", name), encoding="utf-8") as handle:
            committed = handle.read()
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        assert fresh == committed, f"reports/{name} is stale; regenerate with: {REGENERATE}"
