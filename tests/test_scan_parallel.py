"""A large scan shared by worker processes reports exactly what one process reports."""

from __future__ import annotations

import os
import subprocess
import sys

from guardrails.config import Config
from guardrails.rules import load_rules
from guardrails.scan import run_scan
from tests.conftest import ROOT


def test_workers_report_the_same_findings(tmp_path) -> None:
    corpus = tmp_path / "corpus"
    generator = os.path.join(ROOT, "bench", "gen_templates.py")
    subprocess.run([sys.executable, generator, str(corpus), "--count", "140"], check=True, capture_output=True)
    rules = load_rules()
    alone = run_scan([str(corpus)], Config(), rules, jobs=1)
    shared = run_scan([str(corpus)], Config(), rules, jobs=2)
    assert alone.files == shared.files == 140
    assert alone.resources == shared.resources > 1000
    assert [f.to_dict() for f in alone.findings] == [f.to_dict() for f in shared.findings]
    assert alone.summary() == shared.summary()
