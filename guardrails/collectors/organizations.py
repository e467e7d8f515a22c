"""Organizations: the service control policies, read in the organisation's management account; the
accounts an organisation scan reaches.

Only the management account (or a delegated administrator) can read SCPs, so a member account
records where they are read instead of failing; an account outside any organisation has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from guardrails.collectors.base import GLOBAL as REGIONLESS
from guardrails.collectors.base import Api, Context, Skip, Step
from guardrails.sources import canonical

SERVICE = "organizations"
GLOBAL = True
CALLS = {
    "DescribeOrganization": "organizations:DescribeOrganization",
    "ListPolicies": "organizations:ListPolicies",
    "DescribePolicy": "organizations:DescribePolicy",
    "ListAccounts": "organizations:ListAccounts",
}


def start(ctx: Context) -> Iterator[Step]:
    yield Step(SERVICE, REGIONLESS, partial(_policies, ctx))


def _policies(ctx: Context) -> Iterator[Any]:
    api = ctx.api(SERVICE, CALLS)
    found = api.call("DescribeOrganization", absent=("AWSOrganizationsNotInUseException",))
    if found is None:
        return
    management = found["Organization"]["MasterAccountId"]
    if management != ctx.account.id:
        yield Skip(api.where, f"service control policies are read in the management account {management}")
        return
    for summary in api.items("ListPolicies", "Policies", Filter="SERVICE_CONTROL_POLICY"):
        yield Step(SERVICE, REGIONLESS, partial(_policy, ctx, summary["Id"]))


def _policy(ctx: Context, policy_id: str) -> Iterator[Any]:
    policy = ctx.api(SERVICE, CALLS).call("DescribePolicy", subject=policy_id, PolicyId=policy_id)["Policy"]
    summary = policy["PolicySummary"]
    rid = ctx.rid(summary.get("Name") or policy_id)
    yield ctx.found(canonical.policy("policy.scp", rid, policy["Content"], summary["Arn"], 1, {}))


def accounts(api: Api) -> list[str]:
    """The active accounts of the organisation."""
    return sorted(
        account["Id"]
        for account in api.items("ListAccounts", "Accounts")
        if account.get("Status", "ACTIVE") == "ACTIVE"
    )
