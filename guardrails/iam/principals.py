"""Matching the requesting principal against a Principal or NotPrincipal element.

``"*"`` matches anyone, including an unknown (None) principal. An account
(``"123456789012"`` or ``arn:aws:iam::123456789012:root``) matches every
principal of that account, as it does in resource and interface-endpoint
policies (gateway endpoints read it as the root user only; name principals via
``aws:PrincipalArn`` there). A role ARN also matches that role's sessions
(``arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION``). Other entries, including
service and federated principals, match exactly: IAM allows no partial
wildcards in Principal.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from guardrails.iam.policy import Principal

_ACCOUNT = re.compile(r"\d{12}")
_ROOT = re.compile(r"arn:[^:]+:iam::(?P<account>\d{12}):root")
_ROLE = re.compile(r"arn:(?P<partition>[^:]+):iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[^/]+)")
_SESSION = re.compile(r"arn:(?P<partition>[^:]+):sts::(?P<account>\d{12}):assumed-role/(?P<name>[^/]+)/.+")


def _account_of(principal: str) -> str | None:
    if _ACCOUNT.fullmatch(principal):
        return principal
    parts = principal.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else None


def _always(_: str | None) -> bool:
    return True


def principal_matcher(principal: Principal) -> Callable[[str | None], bool]:
    """A predicate telling whether a request principal (an ARN, account id, or service name) is named."""
    if "*" in principal.aws:
        return _always
    accounts: set[str] = set()
    exact = set(principal.service + principal.federated + principal.canonical_user)
    roles: set[tuple[str, str, str]] = set()
    for entry in principal.aws:
        root = _ROOT.fullmatch(entry)
        if _ACCOUNT.fullmatch(entry) or root:
            accounts.add(root["account"] if root else entry)
            continue
        exact.add(entry)
        role = _ROLE.fullmatch(entry)
        if role:
            roles.add((role["partition"], role["account"], role["name"]))

    def match(who: str | None) -> bool:
        if who is None:
            return False
        if who in exact or (accounts and _account_of(who) in accounts):
            return True
        session = _SESSION.fullmatch(who) if roles else None
        return session is not None and (session["partition"], session["account"], session["name"]) in roles

    return match
