"""Terraform `.tf` files: line edits guided by the line every canonical value carries.

The canonical path is mapped back to the resource's attributes through the
Terraform source's own attribute table, so the two cannot drift apart. An
existing literal is replaced in place; a missing attribute or nested block is
inserted before its block's closing brace; a bucket without default
encryption gets an `aws_s3_bucket_server_side_encryption_configuration`
resource (the provider's way since v4). A value written as an expression
(`var.key`, a reference, a function call) is left alone with the reason:
it is decided where the expression points.
"""

from __future__ import annotations

import json
import re
from typing import Any

from guardrails.fixes.locate import Unfixable
from guardrails.fixes.plan import Change, Declared
from guardrails.model import Path, Resource, dotted
from guardrails.sources import terraform_map

_ATTRIBUTE = re.compile(r"^(\s*)(\"?[\w-]+\"?)(\s*[=:]\s*)(.*?)(\s*(#|//).*)?$")
_STRING = r'"(?:[^"\\$]|\\.|\$(?!\{))*"'
_SCALAR = rf"(?:{_STRING}|true|false|-?\d+(?:\.\d+)?)"
_LITERAL = re.compile(rf"{_SCALAR}|\[\s*(?:{_SCALAR}\s*(?:,\s*{_SCALAR}\s*)*,?)?\s*\]")
_SSE_RESOURCE = "aws_s3_bucket_server_side_encryption_configuration"


def apply(text: str, resource: Resource, change: Change) -> str:
    """`text` (the file holding `resource`) with `change` written in."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    rtype = _type(resource.id)
    if change.path[:1] == ("Tags",):
        _tag(lines, resource, str(change.path[1]), change.value)
    elif change.path in resource.lines:
        _replace(lines, resource.lines[change.path] - 1, change.value, dotted(change.path))
    elif rtype == "aws_s3_bucket" and change.path[:1] == ("ServerSideEncryptionConfiguration",):
        _bucket_encryption(lines, resource, change)
    else:
        _insert(lines, resource, _spec(rtype), change.path, change.value)
    return "".join(lines)


def _type(address: str) -> str:
    return terraform_map.base_address(address).split(".")[-2]


def _spec(rtype: str) -> dict[str, Any]:
    found = terraform_map._RESOURCES.get(rtype)
    if found is None:
        raise Unfixable(f"{rtype} attributes are not mapped")
    return found[1]


def _tf_path(spec: dict[str, Any], path: Path) -> Path:
    """The attribute path of a canonical path: attribute names, and block indexes after nested blocks."""
    out: list[str | int] = []
    steps = list(path)
    while steps:
        name = steps.pop(0)
        attr, target = next(((a, t) for a, t in spec.items() if _name(t) == name), (None, None))
        if attr is None:
            raise Unfixable(f"{dotted(path)} has no Terraform attribute")
        out.append(attr)
        if isinstance(target, terraform_map._Nested):
            out.append(steps.pop(0) if target.many and steps else 0)
            spec = target.spec
    return tuple(out)


def _name(target: Any) -> str:
    return target if isinstance(target, str) else target.name


def _insert(
    lines: list[str], resource: Resource, spec: dict[str, Any], path: Path, value: Any, base: Path = ()
) -> None:
    """Insert the attribute at `path` (below the canonical `base`) into the deepest of its blocks that exists."""
    depth = max((d for d in range(1, len(path)) if (*base, *path[:d]) in resource.lines), default=0)
    known = _tf_path(spec, path[:depth])
    if known and not isinstance(known[-1], int):
        raise Unfixable(f"{dotted((*base, *path[:depth]))} is not a block; edit it by hand")
    header = resource.lines[(*base, *path[:depth])] if depth or base else resource.line
    names = [step for step in _tf_path(spec, path)[len(known) :] if isinstance(step, str)]
    _put_in_block(lines, header - 1, _render(names, value))


def _render(names: list[str], value: Any) -> list[str]:
    """An attribute inside the nested blocks `names[:-1]`, as HCL lines (relative indentation)."""
    if len(names) == 1:
        return [f"{names[0]} = {_value(value)}"]
    return [f"{names[0]} {{", *(f"  {line}" for line in _render(names[1:], value)), "}"]


def _put_in_block(lines: list[str], header: int, new: list[str]) -> None:
    close = _closing(lines, header)
    if close == header:
        raise Unfixable(f"the block on line {header + 1} is written on one line; edit it by hand")
    body = [line for line in lines[header + 1 : close] if line.strip() and not line.strip().startswith(("#", "//"))]
    pad = " " * (_indent(body[0]) if body else _indent(lines[header]) + 2)
    lines[close:close] = [f"{pad}{line}\n" if line else "\n" for line in new]


def _closing(lines: list[str], header: int) -> int:
    """The index of the line closing the block (or object) opened on line `header`."""
    depth = 0
    opened = False
    for index in range(header, len(lines)):
        quoted = False
        text = lines[index]
        i = 0
        while i < len(text):
            char = text[i]
            if quoted:
                if char == "\\":
                    i += 1
                elif char == '"':
                    quoted = False
            elif char == '"':
                quoted = True
            elif char == "#" or text.startswith("//", i):
                break
            elif char == "{":
                depth += 1
                opened = True
            elif char == "}":
                depth -= 1
                if opened and depth == 0:
                    return index
            i += 1
    raise Unfixable(f"cannot find the end of the block on line {header + 1}")


def _replace(lines: list[str], index: int, value: Any, where: str) -> None:
    match = _ATTRIBUTE.match(lines[index].rstrip("\r\n"))
    if match is None:
        raise Unfixable(f"{where}: line {index + 1} is not a simple attribute")
    end = index
    expression = match.group(4)
    if expression.startswith("[") and not expression.rstrip().endswith("]"):
        while end + 1 < len(lines) and "]" not in lines[end]:
            end += 1
        expression = " ".join(line.strip() for line in [expression, *lines[index + 1 : end + 1]])
        if not expression.rstrip().endswith("]"):
            raise Unfixable(f"{where}: the list on line {index + 1} does not close where expected")
    if not _LITERAL.fullmatch(expression.strip()):
        raise Unfixable(f"{where} is set by the expression {expression.strip()}: change it where that value is decided")
    comment = (match.group(5) or "") if end == index else ""
    newline = "\r\n" if lines[index].endswith("\r\n") else "\n"
    lines[index : end + 1] = [f"{match.group(1)}{match.group(2)}{match.group(3)}{_value(value)}{comment}{newline}"]


def _tag(lines: list[str], resource: Resource, key: str, value: Any) -> None:
    at = resource.lines.get(("Tags", key))
    if at is not None and at == resource.lines.get(("Tags",)):  # an inline map: `tags = { zone = "dev" }`
        item = re.compile(rf'((?<![\w"-])"?{re.escape(key)}"?\s*[=:]\s*)({_STRING})')
        text, count = item.subn(lambda m: m.group(1) + _value(value), lines[at - 1], count=1)
        if not count:
            raise Unfixable(f"tag {key} is set by an expression: change it where that value is decided")
        lines[at - 1] = text
        return
    if at is not None:
        _replace(lines, at - 1, value, f"tag {key}")
        return
    if ("Tags",) not in resource.lines:
        _put_in_block(lines, resource.line - 1, [f"tags = {{ {key} = {_value(value)} }}"])
        return
    index = resource.lines[("Tags",)] - 1
    close = _closing(lines, index)
    if close == index:
        text = lines[index]
        at = text.rindex("}")
        before = text[:at].rstrip()
        separator = " " if before.endswith("{") else ", "
        lines[index] = f"{before}{separator}{key} = {_value(value)} {text[at:]}"
        return
    _put_in_block(lines, index, [f"{key} = {_value(value)}"])


def _bucket_encryption(lines: list[str], resource: Resource, change: Change) -> None:
    """Default encryption for a bucket that has none: a new resource after the bucket's block."""
    if ("ServerSideEncryptionConfiguration",) in resource.lines:
        spec = terraform_map._JOINS[_SSE_RESOURCE].spec or {}
        _insert(lines, resource, spec, change.path[1:], change.value, base=change.path[:1])
        return
    if "ServerSideEncryptionConfiguration" in resource.props:
        raise Unfixable("the bucket's encryption configuration is in another file; edit it there")
    attribute = {"SSEAlgorithm": "sse_algorithm", "KMSMasterKeyID": "kms_master_key_id"}.get(str(change.path[-1]))
    if attribute is None:
        raise Unfixable(f"{dotted(change.path)}: add default encryption by hand")
    name = terraform_map.base_address(resource.id).split(".")[-1]
    close = _closing(lines, resource.line - 1)
    block = [
        "",
        f'resource "{_SSE_RESOURCE}" "{name}" {{',
        f"  bucket = {terraform_map.base_address(resource.id)}.id",
        "",
        "  rule {",
        "    apply_server_side_encryption_by_default {",
        f"      {attribute} = {_value(change.value)}",
        "    }",
        "  }",
        "}",
    ]
    lines[close + 1 : close + 1] = [line + "\n" for line in block]


def _value(value: Any) -> str:
    if isinstance(value, Declared):
        return f"{terraform_map.base_address(value.id)}.arn"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
