"""The code base is ruff-clean (the README's test command runs the linter through pytest)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff") or f"{sys.prefix}/bin/ruff"
    result = subprocess.run([ruff, "check", "--quiet", ROOT], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
