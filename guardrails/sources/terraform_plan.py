"""Terraform plans (`terraform show -json`) -> canonical resources.

A plan has every module expanded and every expression Terraform could
evaluate already evaluated, so values are read as planned, each resource
instance under its own address (`module.ml.aws_s3_bucket.b[0]`). A value that
`after_unknown` flags is `Unknown("known only after apply")`, unless the
plan's `configuration` shows it comes from one resource of the same module: it
then becomes a `Ref` to it, as in a `.tf` file (a KMS key created alongside is
still known to be a customer-managed key). An attribute the configuration
does not set but the provider computes (a bucket's `policy` ...) is left
absent, as it is in the `.tf` file. `terraform show -json` of a state
(`values` instead of `planned_values`) is read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from guardrails.loader import Document
from guardrails.model import Path, Ref, Resource, SourceError, Unknown
from guardrails.sources import terraform_map
from guardrails.sources.canonical import REF_KINDS, reroot

NAME = "terraform-plan"
AFTER_APPLY = "known only after apply"

_NOT_RESOURCES = frozenset({"var", "local", "data", "module", "each", "count", "path", "terraform", "self"})


@dataclass(frozen=True, slots=True)
class _Scope:
    """What a resource's references are read against: its module's address prefix, and the plan's names."""

    prefix: str
    names: dict[str, Any]


def detect(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and "format_version" in data
        and ("planned_values" in data or "terraform_version" in data)
    )


def load(doc: Document, path: str) -> tuple[list[Resource], list[SourceError]]:
    data = doc.data
    key = "planned_values" if "planned_values" in data else "values"
    values = data.get(key)
    root = values.get("root_module") if isinstance(values, dict) else None
    if not isinstance(root, dict):
        return [], [SourceError(path, f"plan has no {key}.root_module", doc.lines.get((), 1))]
    located = [
        (resource, (*module_path, "resources", i))
        for module, module_path in _modules(root, (key, "root_module"))
        for i, resource in enumerate(module.get("resources") if isinstance(module.get("resources"), list) else [])
        if isinstance(resource, dict) and resource.get("mode") == "managed" and isinstance(resource.get("address"), str)
    ]
    changes = {
        change["address"]: change.get("change")
        for change in data.get("resource_changes") or []
        if isinstance(change, dict) and isinstance(change.get("address"), str)
    }
    configuration = dict(_configured(_root_config(data), ""))
    names = _names(resource for resource, _ in located)
    blocks = [
        _block(resource, at, doc, path, changes.get(resource["address"]), configuration, names)
        for resource, at in located
        if resource.get("type") in terraform_map.TYPES
    ]
    return terraform_map.build(blocks, NAME)


def _modules(module: dict[str, Any], at: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    yield module, at
    children = module.get("child_modules")
    for i, child in enumerate(children if isinstance(children, list) else []):
        if isinstance(child, dict):
            yield from _modules(child, (*at, "child_modules", i))


def _root_config(data: dict[str, Any]) -> dict[str, Any]:
    configuration = data.get("configuration")
    root = configuration.get("root_module") if isinstance(configuration, dict) else None
    return root if isinstance(root, dict) else {}


def _configured(module: dict[str, Any], prefix: str) -> Iterator[tuple[str, tuple[str, dict[str, Any]]]]:
    """`(full address, (module prefix, expressions))` of each configured resource; addresses there are relative."""
    resources = module.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        if isinstance(resource, dict) and isinstance(resource.get("address"), str):
            expressions = resource.get("expressions")
            yield prefix + resource["address"], (prefix, expressions if isinstance(expressions, dict) else {})
    calls = module.get("module_calls")
    for name, call in calls.items() if isinstance(calls, dict) else ():
        child = call.get("module") if isinstance(call, dict) else None
        if isinstance(child, dict):
            yield from _configured(child, f"{prefix}module.{name}.")


def _names(resources: Iterator[dict[str, Any]]) -> dict[str, Any]:
    """The planned name of each bucket, role and alias by configuration address (None when instances differ)."""
    names: dict[str, Any] = {}
    for resource in resources:
        attr = terraform_map.NAME_ATTRIBUTE.get(resource.get("type"))
        values = resource.get("values")
        if attr is None or not isinstance(values, dict):
            continue
        address = terraform_map.base_address(resource["address"])
        name = values.get(attr)
        names[address] = name if names.get(address, name) == name else None
    return names


def _block(
    resource: dict[str, Any],
    at: Path,
    doc: Document,
    path: str,
    change: Any,
    configuration: dict[str, tuple[str, dict[str, Any]]],
    names: dict[str, Any],
) -> terraform_map.Block:
    address = resource["address"]
    values = resource.get("values")
    unknown = change.get("after_unknown") if isinstance(change, dict) else None
    configured = configuration.get(terraform_map.base_address(address))
    scope = _Scope(configured[0] if configured else "", names)
    expressions = configured[1] if configured else None
    attrs = _mark(values if isinstance(values, dict) else {}, unknown, expressions, scope, configured is not None)
    refs = {}
    for key, expression in (expressions or {}).items():
        ref = _reference(expression, scope)
        if ref is not None:
            refs[key] = ref.target
    lines = reroot(doc.lines, (*at, "values"))
    return terraform_map.Block(resource["type"], address, attrs, path, doc.lines.get(at, 0), lines, refs)


def _mark(value: Any, unknown: Any, expression: Any, scope: _Scope, configured: bool = False) -> Any:
    """`value` with the parts `unknown` (`after_unknown`) flags made `Unknown`, or a `Ref` as `expression` shows.

    `configured` says `expression` holds a block's expressions by attribute, so
    an attribute missing from it was not set.
    """
    if unknown is True:
        return _reference(expression, scope) or Unknown(AFTER_APPLY)
    if isinstance(unknown, dict) and isinstance(value, dict):
        out = dict(value)
        expressions = expression if configured and isinstance(expression, dict) else None
        for key, flags in unknown.items():
            sub = expressions.get(key) if expressions is not None else None
            if flags is True and expressions is not None and sub is None:
                continue  # computed by the provider, not set: absent, as in the .tf file
            if key in value or flags is True:
                out[key] = _mark(value.get(key), flags, sub, scope, _is_block(sub))
        return out
    if isinstance(unknown, list) and isinstance(value, list | None):
        items = list(value or [])
        items += [None] * (len(unknown) - len(items))
        subs = expression if isinstance(expression, list) else []
        marked = []
        for i, item in enumerate(items):
            flags = unknown[i] if i < len(unknown) else False
            sub = subs[i] if i < len(subs) else None
            marked.append(_mark(item, flags, sub, scope, _is_block(sub)))
        return marked
    return value


def _is_block(expression: Any) -> bool:
    """A nested block's expressions (by attribute), not one attribute's expression."""
    return isinstance(expression, dict) and not ({"references", "constant_value"} & set(expression))


def _reference(expression: Any, scope: _Scope) -> Ref | None:
    """A `Ref` when the expression reads one resource of the same module, else None.

    The value is taken to be the attribute the expression reads first (it may
    be a string built around it: the plan does not say).
    """
    references = expression.get("references") if isinstance(expression, dict) else None
    if not isinstance(references, list) or not references or not isinstance(references[0], str):
        return None
    addresses = {_resource_address(ref) if isinstance(ref, str) else None for ref in references}
    if len(addresses) != 1 or None in addresses:
        return None
    (relative,) = addresses
    rtype = relative.split(".", 1)[0]
    address = scope.prefix + relative
    parts = terraform_map.base_address(references[0]).split(".")
    spelled = None
    if len(parts) == 3:
        spelled = terraform_map.ref_text(rtype, address, parts[2], scope.names.get(address))
    return Ref(spelled or references[0], REF_KINDS.get(rtype, rtype), address)


def _resource_address(reference: str) -> str | None:
    """`aws_kms_key.main.arn` -> `aws_kms_key.main`; None for variables, locals, data sources ..."""
    parts = terraform_map.base_address(reference).split(".")
    if len(parts) < 2 or parts[0] in _NOT_RESOURCES:
        return None
    return f"{parts[0]}.{parts[1]}"
