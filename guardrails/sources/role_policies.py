"""Each role's identity policy set: what GOV-4 judges, since two policies that each look harmless
can, on one role, both train models and deploy production endpoints.

A role's permissions are its inline policies and every managed policy attached to it, limited by its
permission boundary. Sources hand over the roles in CloudFormation's shape (`Policies`,
`ManagedPolicyArns`, `PermissionsBoundary`) and the links only they can see: which managed policy a
handle (logical id, Terraform address, ARN) names, and which policies name their roles themselves
(`AWS::IAM::Policy.Roles`, `aws_iam_role_policy_attachment`). `attach` writes the set onto each role
as the derived property `PolicySet`; a policy named but not in the input is unknown, never empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guardrails.model import ABSENT, Ref, Resource, Unknown
from guardrails.sources.canonical import as_document

PROP = "PolicySet"


@dataclass(slots=True)
class Links:
    """What one input says about policies: managed policies by handle, attachments made from the policy side."""

    policies: dict[str, Resource] = field(default_factory=dict)
    attached: list[tuple[Any, Any]] = field(default_factory=list)  # (a role's handle, a policy or its handle)

    def managed(self, handle: str, resource: Resource, roles: Any = ABSENT) -> None:
        """Record a managed (or standalone inline) policy, and the roles it names itself."""
        self.policies[handle] = resource
        self.attach(roles, resource)

    def attach(self, roles: Any, policy: Any) -> None:
        """Record `policy` (a resource, or a handle to resolve) as attached to each of `roles`."""
        for role in roles if isinstance(roles, list) else [] if roles is ABSENT or roles is None else [roles]:
            self.attached.append((role, policy))


def _document_of(resource: Resource) -> Any:
    """The policy document a policy resource holds (its props, or what stands for an unreadable one)."""
    return resource.props.get("Document", resource.props)


def attach(resources: list[Resource], links: Links, handle_of: Callable[[str], str] = str) -> None:
    """Give every role in `resources` its `PolicySet`: {"Policies": [(name, document)], "Boundary": document}.

    `handle_of` turns an id into the handle references are matched by (a Terraform address without its index,
    so `module.m.aws_iam_role.r[0]` answers to a reference to `aws_iam_role.r` in module m)."""
    for role in resources:
        if role.kind != "iam.role":
            continue
        names = {handle_of(role.id), _handle(role.props.get("RoleName"), handle_of)} - {None}
        policies: list[tuple[str, Any]] = []
        inline = role.props.get("Policies", ABSENT)
        if isinstance(inline, list):
            for i, item in enumerate(inline):
                if isinstance(item, dict):
                    name = item.get("PolicyName")
                    policies.append((name if isinstance(name, str) else f"inline #{i}", item.get("PolicyDocument")))
        elif inline is not ABSENT:
            policies.append(("inline policies", _unknown(inline, "the role's inline policies are not known")))
        managed = role.props.get("ManagedPolicyArns", ABSENT)
        for value in managed if isinstance(managed, list) else [] if managed is ABSENT else [managed]:
            policies.append(_resolve(value, links, handle_of, "attached policy"))
        for handle, attached in links.attached:
            if _handle(handle, handle_of) in names:
                if isinstance(attached, Resource):
                    policies.append((attached.id, _document_of(attached)))
                else:
                    policies.append(_resolve(attached, links, handle_of, "policy"))
        boundary = role.props.get("PermissionsBoundary", ABSENT)
        if boundary is not ABSENT:
            boundary = _resolve(boundary, links, handle_of, "permission boundary")[1]
        role.props[PROP] = {
            "Policies": [(name, as_document(doc)) for name, doc in dict(policies).items()],
            "Boundary": boundary,
        }


def _resolve(value: Any, links: Links, handle_of: Callable[[str], str], what: str) -> tuple[str, Any]:
    handle = _handle(value, handle_of)
    found = links.policies.get(handle) if handle is not None else None
    if found is not None:  # named as the role names it when that is an ARN, else by its id in the input
        return handle if handle.startswith("arn:") else found.id, _document_of(found)
    return str(value), _unknown(value, f"the {what} is not in the scanned input")


def _handle(value: Any, handle_of: Callable[[str], str]) -> str | None:
    """What a reference to a policy or role is matched by: the resource a Ref names, else the text."""
    if isinstance(value, Ref):
        return handle_of(value.target)
    return value if isinstance(value, str) else None


def _unknown(value: Any, reason: str) -> Unknown:
    return value if isinstance(value, Unknown) else Unknown(reason)
