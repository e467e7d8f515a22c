"""IAM: roles (inline and attached policies, permission boundary, tags), customer-managed policies
at their default versions, and the AWS-managed policies something in the account has attached.

GetAccountAuthorizationDetails returns roles and customer-managed policies with every version in
pages of a thousand, so a large account costs a handful of calls. A role is read into the shape a
CloudFormation role has, so it yields the canonical resources a template of it yields.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from guardrails.collectors.base import GLOBAL as REGIONLESS
from guardrails.collectors.base import Context, Found, Step
from guardrails.model import Unknown
from guardrails.sources import canonical

SERVICE = "iam"
GLOBAL = True
CALLS = {
    "GetAccountAuthorizationDetails": "iam:GetAccountAuthorizationDetails",
    "ListPolicies": "iam:ListPolicies",
    "GetPolicyVersion": "iam:GetPolicyVersion",
}


def start(ctx: Context) -> Iterator[Step]:
    yield Step(SERVICE, REGIONLESS, partial(_details, ctx))
    yield Step(SERVICE, REGIONLESS, partial(_aws_managed, ctx))


def _details(ctx: Context) -> Iterator[Found]:
    api = ctx.api(SERVICE, CALLS)
    for page in api.pages("GetAccountAuthorizationDetails", Filter=["Role", "LocalManagedPolicy"]):
        for role in page.get("RoleDetailList") or []:
            yield from _role(ctx, role)
        for managed in page.get("Policies") or []:
            yield _customer_managed(ctx, managed)


def _role(ctx: Context, role: dict[str, Any]) -> Iterator[Found]:
    props: dict[str, Any] = {
        "RoleName": role["RoleName"],
        "Path": role.get("Path", "/"),
        "AssumeRolePolicyDocument": role.get("AssumeRolePolicyDocument"),
        "Tags": role.get("Tags") or [],
    }
    inline = [{"PolicyName": p["PolicyName"], "PolicyDocument": p["PolicyDocument"]} for p in role["RolePolicyList"]]
    attached = [p["PolicyArn"] for p in role["AttachedManagedPolicies"]]
    boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    for key, value in (("Policies", inline), ("ManagedPolicyArns", attached), ("PermissionsBoundary", boundary)):
        if value:
            props[key] = value
    rid = ctx.rid(role["RoleName"])
    for resource in canonical.from_cloudformation("AWS::IAM::Role", rid, props, role["Arn"], 1, {}):
        yield ctx.found(resource)


def _customer_managed(ctx: Context, managed: dict[str, Any]) -> Found:
    arn = managed["Arn"]
    default = [v["Document"] for v in managed.get("PolicyVersionList") or [] if v.get("IsDefaultVersion")]
    document = default[0] if default else Unknown(f"{arn}: no default version in GetAccountAuthorizationDetails")
    return ctx.found(canonical.policy("policy.identity", ctx.rid(_name(arn)), document, arn, 1, {}))


def _aws_managed(ctx: Context) -> Iterator[Step]:
    for policy in ctx.api(SERVICE, CALLS).items("ListPolicies", "Policies", Scope="AWS", OnlyAttached=True):
        yield Step(SERVICE, REGIONLESS, partial(_aws_managed_policy, ctx, policy["Arn"], policy["DefaultVersionId"]))


def _aws_managed_policy(ctx: Context, arn: str, version: str) -> Iterator[Found]:
    response = ctx.api(SERVICE, CALLS).call("GetPolicyVersion", subject=arn, PolicyArn=arn, VersionId=version)
    document = response["PolicyVersion"]["Document"]
    yield ctx.found(canonical.policy("policy.identity", ctx.rid(_name(arn)), document, arn, 1, {}))


def _name(arn: str) -> str:
    """`arn:aws:iam::123456789012:policy/path/name` -> `name`."""
    return arn.rsplit("/", 1)[-1]
