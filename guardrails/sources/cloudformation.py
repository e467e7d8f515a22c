"""CloudFormation templates (YAML with short-form tags, or JSON) -> canonical resources.

Intrinsic functions resolve through one table; whatever a template cannot
pin down (a parameter without a default, an import, an SSM parameter) becomes
`Unknown` with the reason. `Fn::If` keeps both branches as a `Choice`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from guardrails import suppressions
from guardrails.loader import Document
from guardrails.model import (
    ABSENT,
    Choice,
    Partial,
    Path,
    Ref,
    Resource,
    SourceError,
    Unknown,
)
from guardrails.sources import canonical, role_policies
from guardrails.sources.pipeline import pipeline_resources

NAME = "cloudformation"

_PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
_PSEUDO_PARTIAL = {"AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::NotificationARNs"}
_SUB = re.compile(r"\$\{([^}]*)\}")
# What Ref / Fn::GetAtt return for the types whose values policies and rules compare.
_FORMS = {
    ("AWS::S3::Bucket", None): "{name}",
    ("AWS::S3::Bucket", "Arn"): "arn:aws:s3:::{name}",
    ("AWS::KMS::Key", None): "{lid}",
    ("AWS::KMS::Key", "KeyId"): "{lid}",
    ("AWS::KMS::Key", "Arn"): "arn:aws:kms:${{AWS::Region}}:${{AWS::AccountId}}:key/{lid}",
    ("AWS::KMS::Alias", None): "{name}",
    ("AWS::IAM::Role", None): "{name}",
    ("AWS::IAM::Role", "Arn"): "arn:aws:iam::${{AWS::AccountId}}:role/{name}",
    ("AWS::EC2::VPCEndpoint", None): "{lid}",
}
_NAME_PROPERTY = {"AWS::S3::Bucket": "BucketName", "AWS::IAM::Role": "RoleName", "AWS::KMS::Alias": "AliasName"}


def detect(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    resources = data.get("Resources")
    if isinstance(resources, dict) and any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith(("AWS::", "Custom::")) for r in resources.values()
    ):
        return True
    return "AWSTemplateFormatVersion" in data


class _Resolver:
    """Resolves intrinsic functions against one template."""

    def __init__(self, template: dict[str, Any]) -> None:
        self.params: dict[str, Any] = {}
        for name, spec in (template.get("Parameters") or {}).items():
            self.params[name] = _parameter_value(name, spec)
        resources = template.get("Resources") or {}
        self.types = {lid: str(r.get("Type", "")) for lid, r in resources.items() if isinstance(r, dict)}
        self.names = {lid: _physical_name(r) or lid for lid, r in resources.items() if isinstance(r, dict)}
        self.mappings = template.get("Mappings") or {}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            handler = _FUNCTIONS.get(key)
            if handler:
                return handler(self, arg)
        return {k: self.resolve(v) for k, v in value.items()}

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unknown(f"Ref to a non-string {name!r}")
        if name in self.params:
            return self.params[name]
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name == "AWS::NoValue":
            return ABSENT
        if name in _PSEUDO_PARTIAL:
            return Partial("${" + name + "}")
        if name in self.types:
            return self._reference(name, None)
        return Unknown(f"Ref to undeclared {name}")

    def get_att(self, arg: Any) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown(f"malformed Fn::GetAtt {arg!r}")
        lid, attr = arg[0], self.resolve(arg[1])
        if lid not in self.types:
            return Unknown(f"Fn::GetAtt of undeclared {lid}")
        return self._reference(lid, attr if isinstance(attr, str) else None)

    def _reference(self, lid: str, attr: str | None) -> Ref:
        """A reference, spelled as the value CloudFormation would put there (a bucket ARN, a key ARN ...)."""
        rtype = self.types[lid]
        form = _FORMS.get((rtype, attr))
        if form is None:
            text = lid if attr is None else f"{lid}.{attr}"
        else:
            text = form.format(lid=lid, name=self.names[lid])
        return Ref(text, canonical.REF_KINDS.get(rtype, rtype), lid)

    def sub(self, arg: Any) -> Any:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, local = arg[0], {k: self.resolve(v) for k, v in arg[1].items()}
        else:
            text, local = arg, {}
        if not isinstance(text, str):
            return Unknown("Fn::Sub of a non-string")
        parts: list[Any] = []
        pos = 0
        for match in _SUB.finditer(text):
            parts.append(text[pos : match.start()])
            pos = match.end()
            name = match.group(1)
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
            elif name in local:
                parts.append(local[name])
            elif "." in name and name.split(".", 1)[0] in self.types:
                parts.append(self.get_att(name))
            else:
                parts.append(self.ref(name))
        parts.append(text[pos:])
        return _concat([p for p in parts if p != ""])

    def join(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Join")
        delimiter, items = self.resolve(arg[0]), self.resolve(arg[1])
        if isinstance(items, Unknown):
            return items
        if not isinstance(items, list):
            return Unknown("Fn::Join of a non-list")
        parts: list[Any] = []
        for i, item in enumerate(items):
            if i:
                parts.append(delimiter)
            parts.append(item)
        return _concat(parts)

    def select(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Select")
        index, items = self.resolve(arg[0]), self.resolve(arg[1])
        if isinstance(items, Unknown) or isinstance(index, Unknown):
            return items if isinstance(items, Unknown) else index
        try:
            return items[int(index)]
        except (TypeError, ValueError, IndexError, KeyError):
            return Unknown(f"Fn::Select index {index!r} out of range")

    def if_(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3):
            return Unknown("malformed Fn::If")
        name = arg[0]
        return Choice(((f"{name}=true", self.resolve(arg[1])), (f"{name}=false", self.resolve(arg[2]))))

    def find_in_map(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 3):
            return Unknown("malformed Fn::FindInMap")
        keys = [self.resolve(a) for a in arg]
        if not all(isinstance(k, str) and not isinstance(k, (Partial, Ref)) for k in keys):
            return Unknown("Fn::FindInMap with keys known only at deploy time")
        value = self.mappings.get(keys[0], {}).get(keys[1], {}).get(keys[2], ABSENT)
        return Unknown(f"Fn::FindInMap {keys} not found") if value is ABSENT else self.resolve(value)

    def split(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown("malformed Fn::Split")
        delimiter, text = self.resolve(arg[0]), self.resolve(arg[1])
        if isinstance(text, str) and not isinstance(text, (Partial, Ref)) and isinstance(delimiter, str):
            return text.split(delimiter)
        return Unknown("Fn::Split of a value known only at deploy time")


def _unresolvable(name: str) -> Callable[[_Resolver, Any], Any]:
    return lambda _resolver, _arg: Unknown(f"{name} is resolved only at deploy time")


_FUNCTIONS: dict[str, Callable[[_Resolver, Any], Any]] = {
    "Ref": _Resolver.ref,
    "Fn::GetAtt": _Resolver.get_att,
    "Fn::Sub": _Resolver.sub,
    "Fn::Join": _Resolver.join,
    "Fn::Select": _Resolver.select,
    "Fn::If": _Resolver.if_,
    "Fn::FindInMap": _Resolver.find_in_map,
    "Fn::Split": _Resolver.split,
    "Fn::Base64": lambda r, a: r.resolve(a),
    "Fn::ImportValue": _unresolvable("Fn::ImportValue"),
    "Fn::GetAZs": _unresolvable("Fn::GetAZs"),
    "Fn::Cidr": _unresolvable("Fn::Cidr"),
    "Fn::Transform": _unresolvable("Fn::Transform"),
    "Fn::GetParam": _unresolvable("Fn::GetParam"),
}


def _physical_name(resource: dict[str, Any]) -> str | None:
    """The literal name a template gives a bucket, role or alias (None when generated or computed)."""
    prop = _NAME_PROPERTY.get(str(resource.get("Type")))
    props = resource.get("Properties")
    value = props.get(prop) if prop and isinstance(props, dict) else None
    return value if isinstance(value, str) else None


def _parameter_value(name: str, spec: Any) -> Any:
    if not isinstance(spec, dict) or "Default" not in spec:
        return Unknown(f"parameter {name} has no Default")
    ptype = str(spec.get("Type", "String"))
    if ptype.startswith("AWS::SSM::Parameter::Value"):
        return Unknown(f"parameter {name} is read from SSM at deploy time")
    default = spec["Default"]
    if (ptype.startswith("List<") or ptype == "CommaDelimitedList") and isinstance(default, str):
        return [item.strip() for item in default.split(",") if item.strip()]
    return default


def _concat(parts: list[Any]) -> Any:
    """Join resolved parts: one reference stays a reference; unknown wins; deploy-time parts make a Partial."""
    if len(parts) == 1:
        return parts[0]
    for part in parts:
        if isinstance(part, Unknown):
            return part
        if isinstance(part, Choice):
            return Choice(
                tuple((label, _concat([option if p is part else p for p in parts])) for label, option in part.options)
            )
        if part is ABSENT or not isinstance(part, (str, int, float)):
            return Unknown("a list or object joined into a string")
    text = "".join(str(p) for p in parts)
    return Partial(text) if any(isinstance(p, (Partial, Ref)) for p in parts) else text


def load(doc: Document, path: str) -> tuple[list[Resource], list[SourceError]]:
    template = doc.data
    resources_node = template.get("Resources")
    if not isinstance(resources_node, dict):
        return [], [SourceError(path, "template has no Resources mapping", doc.lines.get((), 0))]
    resolver = _Resolver(template)
    lines = doc.lines
    props_lines_of: dict[str, dict[Path, int]] = {}  # each resource's lines, keyed from inside its Properties
    for key, line in lines.items():
        if len(key) >= 3 and key[0] == "Resources" and key[2] == "Properties":
            props_lines_of.setdefault(str(key[1]), {})[key[3:]] = line
    out: list[Resource] = []
    errors: list[SourceError] = []
    bucket_policies: dict[str, tuple[Any, dict[Path, int]]] = {}
    links = role_policies.Links()
    for lid, node in resources_node.items():
        if not isinstance(node, dict) or not isinstance(node.get("Type"), str):
            errors.append(SourceError(path, f"resource {lid} has no Type", doc.lines.get(("Resources", lid), 0)))
            continue
        props_lines = props_lines_of.get(str(lid), {})
        line, metadata_line = lines.get(("Resources", lid), 0), lines.get(("Resources", lid, "Metadata"), 0)
        raw_props = node.get("Properties") or {}
        props = resolver.resolve(raw_props) if isinstance(raw_props, dict) else {}
        if not isinstance(props, dict):
            props = {}
        rtype = node["Type"]
        if rtype == "AWS::S3::BucketPolicy":
            bucket = props.get("Bucket")
            if isinstance(bucket, Ref) and resolver.types.get(bucket.target) == "AWS::S3::Bucket":
                bucket_policies[bucket.target] = (props.get("PolicyDocument", ABSENT), props_lines)
                continue
        made = canonical.from_cloudformation(rtype, lid, props, path, line, props_lines)
        skips, problems = suppressions.from_metadata(node.get("Metadata"), metadata_line)
        errors += [SourceError(path, f"{lid}: {problem}", metadata_line) for problem in problems]
        for resource in made:
            resource.source = NAME
            resource.skips = list(skips)
        out.extend(made)
        if rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy") and made:
            links.managed(lid, made[0], props.get("Roles", ABSENT))
        if rtype == "AWS::SageMaker::Pipeline":
            pipeline, perrors = _pipeline(lid, props, path, line, props_lines)
            out.extend(pipeline)
            errors.extend(perrors)
    for resource in out:
        if resource.kind == "s3.bucket" and resource.id in bucket_policies:
            document, plines = bucket_policies.pop(resource.id)
            resource.props["Policy"] = document
            for key, line in plines.items():
                if key and key[0] == "PolicyDocument":
                    resource.lines[("Policy", *key[1:])] = line
    role_policies.attach(out, links)
    return out, errors


def _pipeline(
    lid: str, props: dict[str, Any], path: str, line: int, lines: dict[Path, int]
) -> tuple[list[Resource], list[SourceError]]:
    definition = props.get("PipelineDefinition")
    body = definition.get("PipelineDefinitionBody") if isinstance(definition, dict) else None
    if body is None or isinstance(body, Unknown | Choice):
        why = body.reason if isinstance(body, Unknown) else "it is not inline (PipelineDefinitionBody)"
        return [], [SourceError(path, f"pipeline {lid}: steps not assessed, {why}", line)]
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except json.JSONDecodeError as exc:
            return [], [SourceError(path, f"pipeline {lid}: PipelineDefinitionBody is not JSON: {exc.msg}", line)]
    body_line = lines.get(("PipelineDefinition", "PipelineDefinitionBody"), line)
    resources = pipeline_resources(body, path, lid, {(): body_line})
    for resource in resources:
        resource.source = NAME
    return resources, []
