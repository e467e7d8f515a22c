"""Bad input: every unreadable or hostile file is an error entry naming it, and the scan goes on."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from guardrails.cli import app
from guardrails.config import Config
from guardrails.rules import load_rules
from guardrails.scan import EXIT_INCOMPLETE, exit_code, run_scan

GOOD = """
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/x
      DirectInternetAccess: Enabled
"""

BILLION_LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join('*' + chr(97 + i) for _ in range(10))}]" for i in range(8)]
    + ["Resources: *i"]
)

CASES = {
    "broken.yaml": ("Resources:\n  A: [unclosed\n", "not valid YAML/JSON"),
    "broken.json": ('{"Resources": {"A": }', "not valid YAML/JSON"),
    "empty.yaml": ("", "empty file"),
    "blank.json": ("   \n\n", "empty file"),
    "bomb.yaml": (BILLION_LAUGHS, "more than"),
    "deep.json": ("[" * 5000 + "]" * 5000, "nesting"),
    "deep-map.yaml": ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 300)) + "  " * 300 + "c: 1\n", "nesting"),
    "python-tag.yaml": ("Resources: !!python/object/apply:os.system ['echo owned']\n", "unsupported YAML tag"),
    "list-top.json": ("[1, 2, 3]", None),
    "scalar.yaml": ("just a string", None),
}


def _write(directory, name: str, text: str | bytes) -> str:
    path = os.path.join(directory, name)
    with open(path, "wb") as handle:
        handle.write(text.encode() if isinstance(text, str) else text)
    return path


def _scan(paths: list[str], **kwargs):
    return run_scan(paths, Config(), load_rules(), **kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_is_an_error_and_the_rest_is_scanned(tmp_path, name: str) -> None:
    text, reason = CASES[name]
    bad = _write(tmp_path, name, text)
    good = _write(tmp_path, "good.yaml", GOOD)
    report = _scan([bad, good])
    if reason is None:
        # Valid YAML that is no input format we know: listed as skipped, never silently dropped.
        assert any(path == bad for path, _ in report.skipped)
    else:
        errors = [e for e in report.errors if e.path == bad]
        assert errors and reason in errors[0].reason, report.errors
        assert exit_code(report) == EXIT_INCOMPLETE
    assert any(f.resource_id == "Notebook" and f.status.value == "fail" for f in report.findings)


def test_binary_and_non_utf8_files(tmp_path) -> None:
    binary = _write(tmp_path, "image.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    latin = _write(tmp_path, "latin.yaml", "Resources: {A: caf\xe9}".encode("latin-1"))
    report = _scan([binary, latin])
    reasons = {e.path: e.reason for e in report.errors}
    assert "binary" in reasons[binary]
    assert "not UTF-8" in reasons[latin]


def test_file_over_the_size_limit(tmp_path) -> None:
    big = _write(tmp_path, "big.json", json.dumps({"Resources": {}, "pad": "x" * 5000}))
    report = _scan([big], max_bytes=1024)
    assert "larger than" in report.errors[0].reason


def test_symlink_loop_and_broken_symlink(tmp_path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    _write(root, "good.yaml", GOOD)
    os.symlink(root, root / "loop")
    os.symlink(root / "missing.yaml", root / "dangling.yaml")
    report = _scan([str(root)])
    reasons = " | ".join(e.reason for e in report.errors)
    assert "symlink loop" in reasons
    assert "broken symlink" in reasons
    assert sum(1 for f in report.findings if f.resource_id == "Notebook" and f.rule_id == "GR203") == 1


def test_fifo_is_not_read(tmp_path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    report = _scan([str(tmp_path)])
    assert report.errors[0].reason == "not a regular file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path) -> None:
    path = _write(tmp_path, "secret.yaml", GOOD)
    os.chmod(path, 0)
    report = _scan([path])
    assert "cannot read" in report.errors[0].reason


def test_missing_path(tmp_path) -> None:
    report = _scan([str(tmp_path / "nope.yaml")])
    assert report.errors[0].reason == "no such file or directory"


def test_cli_exit_2_without_traceback(tmp_path) -> None:
    bad = _write(tmp_path, "broken.yaml", "Resources:\n  A: [unclosed\n")
    result = CliRunner().invoke(app, ["scan", bad, "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["errors"][0]["path"] == bad
    assert report["errors"][0]["line"] >= 1
    assert "Traceback" not in result.output


def test_malformed_policy_document_is_an_error_finding(tmp_path) -> None:
    path = _write(tmp_path, "broken-policy.json", json.dumps({"Statement": [{"Effect": "Maybe", "Action": "s3:*"}]}))
    report = _scan([path])
    errors = [f for f in report.findings if f.status.value == "error"]
    assert errors and all("Effect" in f.message for f in errors)
    assert exit_code(report) == EXIT_INCOMPLETE
