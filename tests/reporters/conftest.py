"""Reports to render: real scans (a generated failing corpus, a small mixed workload, a 2,000-template corpus) and a
synthetic report, built by hand, that covers every status, both suppression origins and input errors with rules
that do not change when the project's rules do (it backs the golden files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from guardrails.config import Config
from guardrails.model import Finding, SourceError, Status, Suppression
from guardrails.rules import Rule, load_rules
from guardrails.scan import Report, run_scan
from tests.conftest import ROOT

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
XSS = "<script>alert(1)</script>"


def generate(directory: str, count: int) -> str:
    """`count` CloudFormation templates from the benchmark generator, about half of them non-compliant."""
    script = os.path.join(ROOT, "bench", "gen_templates.py")
    subprocess.run([sys.executable, script, directory, "--count", str(count)], check=True, capture_output=True)
    return directory


@pytest.fixture(scope="session")
def rules() -> tuple[Rule, ...]:
    return load_rules()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> str:
    """30 generated templates plus the mixed workload (unknown, suppressed, broken input), under one root."""
    root = tmp_path_factory.mktemp("repo")
    generate(str(root / "stacks"), 30)
    shutil.copytree(os.path.join(DATA, "workload"), root / "workload")
    return str(root)


@pytest.fixture(scope="session")
def corpus_report(corpus, rules) -> Report:
    return run_scan([corpus], Config(), rules)


@pytest.fixture(scope="session")
def big_report(tmp_path_factory, rules) -> Report:
    """2,000 templates, ~40,000 failures: more than GitHub takes in a comment or a SARIF run."""
    return run_scan([generate(str(tmp_path_factory.mktemp("big")), 2000)], Config(), rules)


@pytest.fixture(scope="session")
def synthetic_rules() -> tuple[Rule, ...]:
    def rule(rule_id: str, name: str, control: str, severity: str) -> Rule:
        return Rule.build(
            {
                "id": rule_id,
                "name": name,
                "title": f"{name} title",
                "control": control,
                "severity": severity,
                "applies_to": {"sagemaker.notebook_instance": [{"check": "present", "path": "KmsKeyId"}]},
                "remediation": f"Fix {name} with `Setting: value`.",
                "fix": {
                    "cloudformation": "Properties:\n  Setting: value",
                    "terraform": 'setting = "value"',
                    "api": '"Setting": "value"',
                },
                "docs": {
                    "what": f"Checks {name}.",
                    "why": f"Without {name} <data> & models leak.",
                    "example": "Setting: bad",
                    "instead": "Setting: value",
                    "references": ["https://docs.aws.amazon.com/sagemaker/"],
                },
            },
            f"synthetic {rule_id}",
        )

    return (
        rule("GR101", "volume-cmk", "ENC-1", "high"),
        rule("GR203", "no-direct-internet", "NET-3", "high"),
        rule("GR301", "secure-compute-creation", "IAM-1", "critical"),
        rule("GR306", "cost-center-tag", "IAM-4", "low"),
        rule("GR401", "zone-tag", "GOV-1", "medium"),
    )


@pytest.fixture(scope="session")
def synthetic_report(synthetic_rules) -> Report:
    """Every status and suppression origin, paths inside and outside the root, hostile names."""
    by_id = {r.id: r for r in synthetic_rules}

    def finding(rule_id, status, kind, rid, path, line, message, *, zone="dev", source="cloudformation", skip=None):
        rule = by_id[rule_id]
        return Finding(
            rule.id,
            rule.name,
            rule.title,
            rule.control,
            rule.severity,
            status,
            kind,
            rid,
            path,
            line,
            message,
            rule.remediation,
            zone,
            source,
            skip,
        )

    comment = Suppression("GR203", "lab notebook; approved in RISK-42", "2099-12-31", 6, "comment")
    baseline = Suppression("GR306", "accepted in baseline .guardrails-baseline.json", None, 0, "baseline")
    findings = [
        finding(
            "GR101",
            Status.FAIL,
            "sagemaker.notebook_instance",
            "Notebook",
            "infra/stack.yaml",
            12,
            "KmsKeyId is missing",
        ),
        finding(
            "GR101",
            Status.UNKNOWN,
            "sagemaker.training_job",
            "Train",
            "jobs/train.json",
            3,
            "ResourceConfig.VolumeKmsKeyId: parameter has no default",
            zone="prod",
            source="api",
        ),
        finding(
            "GR203",
            Status.FAIL,
            "sagemaker.notebook_instance",
            "Notebook",
            "infra/stack.yaml",
            13,
            "DirectInternetAccess is 'Enabled'",
            skip=comment,
        ),
        finding(
            "GR203",
            Status.PASS,
            "sagemaker.domain",
            "Studio",
            "infra/stack.yaml",
            30,
            "AppNetworkAccessType is 'VpcOnly'",
        ),
        finding(
            "GR301",
            Status.FAIL,
            "policy.identity",
            XSS,
            "infra/main.tf",
            7,
            "allows sagemaker:CreateTrainingJob with no sagemaker:VolumeKmsKey | <b>bold</b> *star*",
            zone=None,
            source="terraform",
        ),
        finding(
            "GR301",
            Status.ERROR,
            "policy.identity",
            "Broken",
            "policies/admin.json",
            1,
            "not a valid identity policy: Statement[0] has no Effect",
            source="policy",
        ),
        finding(
            "GR306",
            Status.FAIL,
            "s3.bucket",
            "Data",
            "../shared/bucket.yaml",
            4,
            "tag CostCenter is missing",
            skip=baseline,
        ),
        finding("GR401", Status.PASS, "s3.bucket", "Data", "../shared/bucket.yaml", 4, "tag zone is 'dev'"),
    ]
    errors = [
        SourceError("infra/broken.yaml", "not valid YAML/JSON: did not find expected ',' (line 3)", 3),
        SourceError("infra/huge.json", "larger than 5 MB"),
    ]
    return Report(findings, errors, skipped=[("README.yaml", "not a recognised input")], files=6, resources=6, rules=5)
