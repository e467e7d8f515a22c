"""The README opens with the two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

README = Path(ROOT) / "README.md"
CI = Path(ROOT) / ".ci" / "run"


def _commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README.read_text(), re.DOTALL)[:2]


def test_the_readme_opens_with_the_main_job_and_the_tests() -> None:
    main, tests = _commands()
    assert "guardrails scan reference_workload" in main and "pip install" in main
    assert tests.endswith(".venv/bin/pytest") and "[dev,workload]" in tests


def test_ci_runs_the_readme_test_command() -> None:
    lines = [line for line in CI.read_text().splitlines() if line and not line.startswith("#")]
    assert lines[-1] == _commands()[1]
