"""Live collectors: one module per AWS service, each declaring the calls it makes.

Every module names its botocore `SERVICE` and its `CALLS` (API operation -> the IAM action it needs,
"" when none). A module that collects resources has `start(ctx)`, the first steps of a collection in
one account and region, and `GLOBAL = True` when it is collected once per account. `kms` resolves the
keys other resources name; `sts` reaches the caller and the accounts.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

NAMES = ("iam", "s3", "organizations", "ec2", "sagemaker", "kms", "sts")
COLLECTING = ("iam", "s3", "organizations", "ec2", "sagemaker")


def load(name: str) -> ModuleType:
    return import_module(f"guardrails.collectors.{name}")


def modules(names: tuple[str, ...] = NAMES) -> list[ModuleType]:
    return [load(name) for name in names]


def policy(role_name: str | None = None) -> dict[str, object]:
    """The read-only IAM policy a live scan needs, one statement per collector, built from `CALLS`.

    With `role_name`, the caller's right to assume that role in every account (organisation scans)."""
    statements: list[dict[str, object]] = []
    for module in modules((*COLLECTING, "kms")):
        statements.append(
            {
                "Sid": f"GuardrailsRead{module.SERVICE.title()}",
                "Effect": "Allow",
                "Action": sorted({action for action in module.CALLS.values() if action}),
                "Resource": "*",
            }
        )
    if role_name:
        sts = load("sts")
        statements.append(
            {
                "Sid": "GuardrailsAssumeScanRole",
                "Effect": "Allow",
                "Action": sorted({action for action in sts.CALLS.values() if action}),
                "Resource": f"arn:aws:iam::*:role/{role_name}",
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
