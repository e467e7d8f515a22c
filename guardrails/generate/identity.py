"""The data scientist's identity policy for one application: the seed's CreateTrainingJob policy, extended.

Every create action is allowed only on the application's prefixed names, with
the security condition keys its family needs (the seed's Null guard on both
VPC keys), an approved CostCenter and a zone tag; tags may be added only while
creating. Presigned notebook URLs are allowed through the approved endpoint
and only to the notebook's creator (the allow and the seed's Deny stay in one
document, so each document is compliant on its own). Roles are passed only
to SageMaker, and only the named ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from guardrails.generate.document import LIMITS, GenerateError, PolicyFile, Statement, numbered, pack, policy
from guardrails.generate.keys import (
    FAMILIES,
    ApprovedValues,
    Conditions,
    Family,
    Requirement,
    allow_key,
    arn,
    one_or_many,
    supported,
    tag_conditions,
)

PRESIGNED = "sagemaker:CreatePresignedNotebookInstanceUrl"


def identity_files(ok: ApprovedValues, app: str, roles: Sequence[str]) -> tuple[list[PolicyFile], list[str]]:
    """The policy documents for `app`, split under the managed-policy limit, and notes on what was left out."""
    notes: list[str] = []
    units: list[list[Statement]] = [[s] for family in FAMILIES for s in _family_statements(family, ok, app)]
    units.append([_tagging(app)])
    presigned = _presigned(ok, app)
    if presigned is None:
        notes.append(
            f"identity-{app}: presigned notebook URLs are not allowed: "
            "list approved.vpc_endpoints (or approved.source_cidrs) to allow them from the platform network"
        )
    else:
        units.append([presigned, _creator_only()])
    units.append([_pass_role(app, roles)])
    documents = pack(units, lambda group: [s for unit in group for s in unit], LIMITS["identity"], f"identity-{app}")
    files = [
        PolicyFile(numbered(f"identity-{app}", len(documents), i), "identity", policy(doc), LIMITS["identity"])
        for i, doc in enumerate(documents)
    ]
    return files, notes


def _family_statements(family: Family, ok: ApprovedValues, app: str) -> list[Statement]:
    """One Allow per run of the family's actions that the catalog gives the same condition keys."""
    runs: list[tuple[tuple[Requirement, ...], list[tuple[str, str]]]] = []
    for action, rtype in family.actions:
        requirements = supported(action, family.requirements)
        if runs and runs[-1][0] == requirements:
            runs[-1][1].append((action, rtype))
        else:
            runs.append((requirements, [(action, rtype)]))
    statements = []
    for i, (requirements, actions) in enumerate(runs):
        conditions = Conditions()
        for requirement in requirements:
            allow_key(conditions, requirement, ok)
        tag_conditions(conditions, ok)
        if family.creator_tag:
            conditions.add("StringEquals", "aws:RequestTag/creatorUserId", "${aws:userId}")
        statements.append(
            {
                "Sid": family.sid if i == 0 else f"{family.sid}{i + 1}",
                "Effect": "Allow",
                "Action": one_or_many([f"sagemaker:{a}" for a, _ in actions]),
                "Resource": one_or_many([arn(rtype, f"{app}-*") for _, rtype in actions]),
                "Condition": conditions.render(),
            }
        )
    return statements


def _tagging(app: str) -> Statement:
    """Tag-on-create needs sagemaker:AddTags; TaggingAction limits it to the create calls allowed above."""
    actions = [action for family in FAMILIES for action, _ in family.actions]
    types = sorted({rtype for family in FAMILIES for _, rtype in family.actions})
    return {
        "Sid": "TagOnlyWhileCreating",
        "Effect": "Allow",
        "Action": "sagemaker:AddTags",
        "Resource": [arn(rtype, f"{app}-*") for rtype in types],
        "Condition": {"StringEquals": {"sagemaker:TaggingAction": actions}},
    }


def _presigned(ok: ApprovedValues, app: str) -> Statement | None:
    if ok.endpoints:
        condition = {"StringEquals": {"aws:SourceVpce": one_or_many(list(ok.endpoints))}}
    elif ok.cidrs:
        condition = {"IpAddress": {"aws:VpcSourceIp": one_or_many(list(ok.cidrs))}}
    else:
        return None
    return {
        "Sid": "PresignedUrlThroughTheEndpointOnly",
        "Effect": "Allow",
        "Action": PRESIGNED,
        "Resource": arn("notebook-instance", f"{app}-*"),
        "Condition": condition,
    }


def _creator_only() -> Statement:
    # StringNotEquals is true when the tag is absent too, so an untagged notebook is denied as well.
    return {
        "Sid": "OnlyTheCreatorOpensANotebook",
        "Effect": "Deny",
        "Action": PRESIGNED,
        "Resource": "*",
        "Condition": {"StringNotEquals": {"sagemaker:ResourceTag/creatorUserId": "${aws:userId}"}},
    }


def _pass_role(app: str, roles: Sequence[str]) -> Statement:
    names = list(roles) or [f"{app}-sagemaker-execution"]
    for name in names:
        if "*" in name or "?" in name:
            raise GenerateError(f"role {name}: iam:PassRole must name roles, not patterns")
    return {
        "Sid": "PassOnlyTheExecutionRoleToSageMaker",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": one_or_many([n if n.startswith("arn:") else f"arn:aws:iam::*:role/{n}" for n in names]),
        "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
    }

