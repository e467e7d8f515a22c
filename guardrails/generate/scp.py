"""Organisation-wide denies: no SageMaker compute without the VPC, customer-managed keys and isolation,
no notebook with direct internet or root access.

Each requirement is one Deny over every action that must meet it; an action
a requirement's key is not carried by (the catalog decides) is left out of
that Deny, since an absent key would otherwise deny the action outright. When
the denies outgrow an SCP, they are split by action family so that each SCP
holds every deny for the actions it names and is complete on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from guardrails.generate.document import LIMITS, PolicyFile, Statement, numbered, pack, policy
from guardrails.generate.keys import (
    FAMILIES,
    ROOT,
    ApprovedValues,
    Family,
    Requirement,
    deny_conditions,
    one_or_many,
    supported,
)

_ORDER = ("subnets", "groups", "volume", "icte", "isolation", "internet", "root")
"""The requirements an SCP holds: IAM-1's. Output keys stay with the identity policies: each key an SCP
names multiplies the requests the scanner's bounded search has to try for every action it governs."""


def scp_files(ok: ApprovedValues) -> list[PolicyFile]:
    documents = pack(FAMILIES, lambda group: _statements(group, ok), LIMITS["scp"], "scp")
    return [
        PolicyFile(numbered("scp-sagemaker-guardrails", len(documents), i), "scp", policy(doc), LIMITS["scp"])
        for i, doc in enumerate(documents)
    ]


def _statements(families: Sequence[Family], ok: ApprovedValues) -> list[Statement]:
    needs: dict[Requirement, list[str]] = {}
    for family in families:
        for action, _ in family.actions:
            for requirement in supported(action, family.requirements):
                if requirement[0] in _ORDER:
                    needs.setdefault(requirement, []).append(f"sagemaker:{action}")
    statements: list[Statement] = []
    for requirement in sorted(needs, key=lambda r: (_ORDER.index(r[0]), r[1])):
        for sid, conditions in deny_conditions(requirement, ok):
            taken = sum(1 for s in statements if s["Sid"].rstrip("0123456789") == sid)
            statements.append(_deny(f"{sid}{taken + 1}" if taken else sid, needs[requirement], conditions.render()))
    if "sagemaker:CreateNotebookInstance" in needs.get(("root", ROOT), []):
        # An update that leaves RootAccess out keeps the current setting, so only an explicit Enabled is denied.
        statements.append(
            _deny("DenyEnablingRootAccess", ["sagemaker:UpdateNotebookInstance"], {"StringEquals": {ROOT: "Enabled"}})
        )
    return statements


def _deny(sid: str, actions: list[str], condition: dict) -> Statement:
    return {"Sid": sid, "Effect": "Deny", "Action": one_or_many(actions), "Resource": "*", "Condition": condition}
