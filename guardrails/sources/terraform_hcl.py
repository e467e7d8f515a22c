"""Terraform configuration (`.tf`) -> canonical resources.

The `.tf` files of one directory are one module: variables, locals and data
sources are shared between them, so they are read together. python-hcl2's
lark parse tree is walked directly rather than its dict output: the tree keeps
the line of every block, attribute, object element and list item, and holds
expressions as structure instead of re-serialised `${...}` text.

Expressions are evaluated as far as the files allow: variable defaults,
locals, string templates and heredocs, lists, objects, operators and
conditionals on known values (a conditional on an unknown value keeps both
branches as a `Choice`), a few pure functions (`jsonencode`, `merge` ...) and
`aws_iam_policy_document` data sources. A reference to a resource of the
module becomes a `Ref`, spelled as the value AWS will give it where that is
known (a bucket ARN from the bucket's name, a key ARN with `${AWS::Region}`),
as the CloudFormation source spells its Refs; `aws_caller_identity` and
`aws_region` become `${AWS::AccountId}` / `${AWS::Region}`. Everything else
(a variable without a default, other data sources, module outputs, `file()`,
`each`/`count`, `for` and splat expressions) is `Unknown`, with a reason
naming the expression.

A resource with `count` or `for_each` is one resource addressed without an
index: its attributes are judged once for all its instances. `module` blocks
are not followed (a plan covers child modules).
"""

from __future__ import annotations

import json
import operator
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hcl2
from hcl2.utils import process_escape_sequences
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedToken

from guardrails.inputs import InputFile
from guardrails.loader import LoadError, load_text
from guardrails.model import Choice, Partial, Path, Ref, Resource, SourceError, Unknown
from guardrails.sources import terraform_map
from guardrails.sources.canonical import REF_KINDS

NAME = "terraform"

_META_ATTRS = frozenset({"count", "for_each", "depends_on", "provider"})
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})
_EXPANSION = frozenset({"each", "count", "self"})
_RUNTIME = frozenset({"path", "terraform"})
_TEMPLATE_MARK = re.compile(r"\$\$\{|%%\{|\$\{|%\{")


def load_module(files: list[InputFile]) -> tuple[list[Resource], list[SourceError]]:
    """The resources of one directory's `.tf` files; a file that does not parse is an error, the rest still load."""
    module = _Module()
    errors: list[SourceError] = []
    for file in files:
        try:
            tree = hcl2.parses_to_tree(file.text)
        except LarkError as exc:
            errors.append(SourceError(file.path, f"not valid HCL: {_reason(exc)}", max(getattr(exc, "line", 0), 0)))
            continue
        errors.extend(module.declare(file.path, file.text, tree))
    blocks, block_errors = module.blocks()
    resources, map_errors = terraform_map.build(blocks, NAME)
    return resources, errors + block_errors + map_errors


def _reason(exc: LarkError) -> str:
    if isinstance(exc, UnexpectedToken):
        what = "end of file" if exc.token.type == "$END" else repr(str(exc.token)[:20])
    elif isinstance(exc, UnexpectedCharacters):
        what = repr(exc.char)
    else:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"unexpected {what} at line {exc.line}, column {exc.column}"


@dataclass(slots=True)
class _Declared:
    """A declaration's body, and the file it is written in."""

    type: str
    path: str
    node: Tree | None
    line: int


class _Module:
    """The declarations of one module, and their values once evaluated (each once)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.variables: dict[str, _Declared] = {}
        self.locals: dict[str, _Declared] = {}
        self.resources: dict[str, _Declared] = {}
        self.data: dict[str, _Declared] = {}
        self.default_tags: _Declared | None = None
        self.values: dict[str, Any] = {}
        self.pending: set[str] = set()

    def declare(self, path: str, text: str, tree: Tree) -> list[SourceError]:
        self.texts[path] = text
        errors = []
        for block in _trees(_body(tree)):
            if block.data != "block":
                continue
            parts = _trees(block)
            kind, labels, body = _name(parts[0]), [_label(p) for p in parts[1:-1]], parts[-1]
            if kind in ("resource", "data") and len(labels) != 2:
                errors.append(SourceError(path, f"a {kind} block needs a type and a name", block.meta.line))
            elif kind == "resource":
                errors.extend(self._resource(labels, path, body, block.meta.line))
            elif kind == "data":
                self.data[f"data.{labels[0]}.{labels[1]}"] = _Declared(labels[0], path, body, block.meta.line)
            elif kind == "variable" and len(labels) == 1:
                self.variables[labels[0]] = _Declared("variable", path, _attribute(body, "default"), block.meta.line)
            elif kind == "locals":
                for name, node in _attributes(body):
                    self.locals[name] = _Declared("local", path, node, node.meta.line)
            elif kind == "provider" and labels == ["aws"] and _attribute(body, "alias") is None:
                tags = next((_attribute(b, "tags") for t, b in _blocks(body) if t == "default_tags"), None)
                if tags is not None:
                    self.default_tags = _Declared("default_tags", path, tags, tags.meta.line)
        return errors

    def _resource(self, labels: list[str], path: str, body: Tree, line: int) -> list[SourceError]:
        address = f"{labels[0]}.{labels[1]}"
        if address in self.resources:
            return [SourceError(path, f"resource {address} is declared twice", line)]
        self.resources[address] = _Declared(labels[0], path, body, line)
        return []

    def blocks(self) -> tuple[list[terraform_map.Block], list[SourceError]]:
        """The module's resources of the types that map, attributes evaluated."""
        out = []
        errors = []
        for address, declared in self.resources.items():
            if declared.type not in terraform_map.TYPES:
                continue
            try:
                out.append(self._block(address, declared))
            except RecursionError:
                errors.append(SourceError(declared.path, f"{address}: expressions nested too deeply", declared.line))
        return out, errors

    def _block(self, address: str, declared: _Declared) -> terraform_map.Block:
        lines: dict[Path, int] = {}
        attrs = self.evaluator(declared.path).body(declared.node, (), lines, top=True)
        defaults = self.evaluated("default_tags", self.default_tags) if self.default_tags else None
        if defaults is not None:
            tags = attrs.get("tags")
            if isinstance(defaults, dict) and isinstance(tags, dict | None):
                attrs["tags_all"] = {**defaults, **(tags or {})}
            else:
                attrs["tags_all"] = defaults if isinstance(defaults, Unknown) else tags
        refs = {key: value.target for key, value in attrs.items() if isinstance(value, Ref)}
        return terraform_map.Block(declared.type, address, attrs, declared.path, declared.line, lines, refs)

    def evaluator(self, path: str) -> _Evaluator:
        return _Evaluator(self, self.texts[path])

    def evaluated(self, key: str, declared: _Declared) -> Any:
        """The value of a local, variable default or data source, evaluated once; a cycle is unknown."""
        if key in self.values:
            return self.values[key]
        if key in self.pending:
            return Unknown(f"{key} refers to itself")
        self.pending.add(key)
        try:
            evaluator = self.evaluator(declared.path)
            if declared.type == "aws_iam_policy_document":
                value = terraform_map.policy_document(evaluator.body(declared.node, (), {}, top=True))
            else:
                value = evaluator.value(declared.node)
        finally:
            self.pending.discard(key)
        self.values[key] = value
        return value

    def variable(self, name: str) -> Any:
        declared = self.variables.get(name)
        if declared is None:
            return Unknown(f"variable {name} is not declared")
        if declared.node is None:
            return Unknown(f"variable {name} has no default")
        return self.evaluated(f"var.{name}", declared)

    def local(self, name: str) -> Any:
        declared = self.locals.get(name)
        if declared is None:
            return Unknown(f"local.{name} is not declared")
        return self.evaluated(f"local.{name}", declared)

    def spell(self, rtype: str, address: str, attr: str) -> str | None:
        """`address.attr` spelled as AWS will hold it (a bucket's ARN from its name ...), if the scan knows how."""
        name_attr = terraform_map.NAME_ATTRIBUTE.get(rtype)
        declared = self.resources[address]
        node = _attribute(declared.node, name_attr) if name_attr else None
        name = None
        if node is not None:
            name = self.evaluated(f"{address}.{name_attr}", _Declared("name", declared.path, node, node.meta.line))
        return terraform_map.ref_text(rtype, address, attr, name)

    def data_source(self, dtype: str, name: str, attr: Any, text: str) -> Any:
        """A data source attribute: a rendered policy document, a partition, a placeholder, or unknown."""
        address = f"data.{dtype}.{name}"
        declared = self.data.get(address)
        if declared is None:
            return Unknown(f"{text}: {address} is not declared in this module")
        if dtype == "aws_iam_policy_document" and attr in ("json", "minified_json"):
            return self.evaluated(address, declared)
        if dtype == "aws_partition" and attr in _PARTITION:
            return _PARTITION[attr]
        if (dtype, attr) in _DEPLOY_TIME:
            return Partial(_DEPLOY_TIME[dtype, attr])
        return Unknown(f"{text} is read from AWS when Terraform plans")


# Data sources that stand for CloudFormation's pseudo parameters, resolved and spelled the same way.
_PARTITION = {"partition": "aws", "dns_suffix": "amazonaws.com"}
_DEPLOY_TIME = {
    ("aws_caller_identity", "account_id"): "${AWS::AccountId}",
    ("aws_region", "name"): "${AWS::Region}",
    ("aws_region", "id"): "${AWS::Region}",
    ("aws_region", "region"): "${AWS::Region}",
}


class _Evaluator:
    """Evaluates the expressions of one file (whose text names sub-expressions in reasons)."""

    __slots__ = ("module", "text")

    def __init__(self, module: _Module, text: str) -> None:
        self.module = module
        self.text = text

    def source(self, node: Tree) -> str:
        meta = node.meta
        if meta.empty:
            return node.data
        return " ".join(self.text[meta.start_pos : meta.end_pos].split())

    def body(self, node: Tree, path: Path, lines: dict[Path, int], top: bool = False) -> dict[str, Any]:
        """A block body in plan-JSON form (nested blocks as lists of objects), recording lines by path."""
        attrs: dict[str, Any] = {}
        for item in _trees(node):
            parts = _trees(item)
            name = _name(parts[0])
            if top and name in (_META_ATTRS if item.data == "attribute" else _META_BLOCKS):
                continue
            if item.data == "attribute":
                attrs[name] = self.value(parts[-1])
                lines[(*path, name)] = item.meta.line
                _expression_lines(parts[-1], (*path, name), lines)
            elif name == "dynamic" and len(parts) == 3:
                label = _label(parts[1])
                attrs[label] = Unknown(f"dynamic block {label} is expanded only by Terraform")
                lines[(*path, label)] = item.meta.line
            else:
                items = attrs.get(name)
                if isinstance(items, Unknown):
                    continue
                if not isinstance(items, list):
                    items = attrs[name] = []
                lines.setdefault((*path, name), item.meta.line)
                lines[(*path, name, len(items))] = item.meta.line
                items.append(self.body(parts[-1], (*path, name, len(items)), lines))
        return attrs

    def value(self, node: Tree) -> Any:
        handler = _HANDLERS.get(node.data)
        if handler is None:
            return Unknown(f"{self.source(node)} is not evaluated")
        return handler(self, node)

    def term(self, node: Tree) -> Any:
        """An expression term: a wrapper around one expression, parenthesised or not."""
        return self.value(_trees(node)[0])

    def template(self, node: Tree) -> Any:
        parts: list[Any] = []
        for part in _trees(node):
            (piece,) = part.children
            if isinstance(piece, Token):
                text = str(piece)
                escaped = piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE")
                parts.append(text[1:] if escaped else process_escape_sequences(text))
            elif piece.data == "interpolation":
                parts.append(self.value(_trees(piece)[0]))
            else:
                return Unknown(f"{self.source(node)}: template directives are not evaluated")
        return _concat(parts)

    def heredoc(self, node: Tree) -> Any:
        (token,) = node.children
        return self.template_text(_heredoc_body(str(token), node.data == "heredoc_template_trim"))

    def template_text(self, body: str) -> Any:
        """A heredoc's body: literal text with `${...}` interpolations, each parsed on its own."""
        parts: list[Any] = []
        pos = 0
        while (match := _TEMPLATE_MARK.search(body, pos)) is not None:
            parts.append(body[pos : match.start()])
            mark = match.group()
            if mark in ("$${", "%%{"):
                parts.append(mark[1:])
                pos = match.end()
                continue
            if mark == "%{":
                return Unknown("template directives (%{...}) in a heredoc are not evaluated")
            end = _closing_brace(body, match.end())
            if end < 0:
                return Unknown("a heredoc interpolation is not closed")
            parts.append(self.interpolation(body[match.end() : end]))
            pos = end + 1
        parts.append(body[pos:])
        return _concat(parts)

    def interpolation(self, expression: str) -> Any:
        snippet = f"x = ({expression}\n)"
        try:
            tree = hcl2.parses_to_tree(snippet)
        except LarkError:
            return Unknown(f"${{{expression}}} is not a valid expression")
        attributes = _attributes(_body(tree))
        if len(attributes) != 1:
            return Unknown(f"${{{expression}}} is not a valid expression")
        return _Evaluator(self.module, snippet).value(attributes[0][1])

    def tuple(self, node: Tree) -> list[Any]:
        return [self.value(item) for item in _trees(node)]

    def object(self, node: Tree) -> Any:
        out: dict[str, Any] = {}
        for element in _trees(node):
            key_node, value_node = _trees(element)
            key = _literal_key(key_node)
            if key is None:
                key = self.value(_trees(key_node)[0])
            if not isinstance(key, str):
                return Unknown(f"object key {self.source(key_node)} is not known")
            out[key] = self.value(value_node)
        return out

    def traversal(self, node: Tree) -> Any:
        """`root.a[0].b`: a variable, local, data source or resource reference, or an index into a value."""
        text = self.source(node)
        steps: list[tuple[bool, Any]] = []
        while node.data in ("get_attr_expr_term", "index_expr_term", "expr_term"):
            trees = _trees(node)
            if node.data != "expr_term":
                steps.append(self.step(trees[1]))
            elif any(isinstance(c, Token) for c in node.children):
                break  # parentheses: the inside is a value, not a name
            node = trees[0]
        steps.reverse()
        if node.data == "identifier":
            return self.reference(_name(node), steps, text)
        return _then(self.value(node), steps, text)

    def step(self, node: Tree) -> tuple[bool, Any]:
        """`(True, name)` for `.name`, `(False, key)` for an index."""
        if node.data == "get_attr":
            return True, _name(_trees(node)[0])
        if node.data == "short_index":
            return False, _integer(str(node.children[-1]))
        return False, self.value(_trees(node)[0])

    def reference(self, root: str, steps: list[tuple[bool, Any]], text: str) -> Any:
        if not steps or not steps[0][0]:
            return Unknown(f"{text} is not a reference this scan can follow")
        name = steps[0][1]
        if root == "var":
            return _then(self.module.variable(name), steps[1:], text)
        if root == "local":
            return _then(self.module.local(name), steps[1:], text)
        if root == "data":
            attr, rest = _attribute_step(steps[2:])
            if len(steps) < 2 or not steps[1][0] or attr is None:
                return Unknown(f"{text} is not a data source attribute")
            return _then(self.module.data_source(name, steps[1][1], attr, text), rest, text)
        if root == "module":
            return Unknown(f"{text} is an output of module {name}, which is not read")
        if root in _EXPANSION:
            return Unknown(f"{text} is known only when Terraform expands the resource")
        if root in _RUNTIME:
            return Unknown(f"{text} is known only when Terraform runs")
        address = f"{root}.{name}"
        if address not in self.module.resources:
            return Unknown(f"{text}: {address} is not declared in this module")
        attr, rest = _attribute_step(steps[1:])
        spelled = self.module.spell(root, address, attr) if attr is not None and not rest else None
        return Ref(spelled or text, REF_KINDS.get(root, root), address)

    def splat(self, node: Tree) -> Any:
        return Unknown(f"{self.source(node)}: splat expressions are not evaluated")

    def for_expression(self, node: Tree) -> Any:
        return Unknown(f"{self.source(node)}: for expressions are not evaluated")

    def call(self, node: Tree) -> Any:
        text = self.source(node)
        trees = _trees(node)
        name = "::".join(_name(t) for t in trees if t.data == "identifier")
        function = _FUNCTIONS.get(name)
        if function is None:
            return Unknown(f"{text}: {name}() is not evaluated")
        arguments = next((t for t in trees if t.data == "arguments"), None)
        if arguments is not None and any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in arguments.children):
            return Unknown(f"{text}: expanded arguments (...) are not evaluated")
        args = [self.value(a) for a in _trees(arguments)] if arguments is not None else []
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
            if isinstance(arg, Choice):
                return Unknown(f"{text} depends on a conditional value")
        try:
            return function(*args)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            return Unknown(f"{text} cannot be evaluated with these arguments")

    def conditional(self, node: Tree) -> Any:
        condition, yes, no = _trees(node)
        value = self.value(condition)
        if value is True or value is False:
            return self.value(yes if value else no)
        label = self.source(condition)
        return Choice(((f"{label} = true", self.value(yes)), (f"{label} = false", self.value(no))))

    def binary(self, node: Tree) -> Any:
        left_node, term = _trees(node)[:2]
        operator_node, right_node = _trees(term)
        symbol = str(operator_node.children[0]).strip()
        left, right = self.value(left_node), self.value(right_node)
        text = self.source(node)
        if not (_plain(left) and _plain(right)):
            return Unknown(f"{text} depends on values not known here")
        try:
            return _OPERATORS[symbol](left, right)
        except (TypeError, ZeroDivisionError):
            return Unknown(f"{text} cannot be evaluated")

    def unary(self, node: Tree) -> Any:
        symbol, operand_node = node.children
        operand = self.value(operand_node)
        if str(symbol) == "!" and isinstance(operand, bool):
            return not operand
        if str(symbol) == "-" and _number(operand):
            return -operand
        return Unknown(f"{self.source(node)} depends on values not known here")


def _literal(kind: Callable[[str], Any]) -> Callable[[_Evaluator, Tree], Any]:
    return lambda _evaluator, node: kind(str(node.children[0]))


def _integer(text: str) -> int | float:
    """An integer literal; one too long for Python's int() is read as the float it approximates."""
    try:
        return int(text)
    except ValueError:
        return float(text)


_LITERALS = {"true": True, "false": False, "null": None}

_HANDLERS: dict[str, Callable[[_Evaluator, Tree], Any]] = {
    "expr_term": _Evaluator.term,
    "int_lit": _literal(_integer),
    "float_lit": _literal(float),
    "literal_value": _literal(_LITERALS.__getitem__),
    "string": _Evaluator.template,
    "heredoc_template": _Evaluator.heredoc,
    "heredoc_template_trim": _Evaluator.heredoc,
    "tuple": _Evaluator.tuple,
    "object": _Evaluator.object,
    "identifier": _Evaluator.traversal,
    "get_attr_expr_term": _Evaluator.traversal,
    "index_expr_term": _Evaluator.traversal,
    "attr_splat_expr_term": _Evaluator.splat,
    "full_splat_expr_term": _Evaluator.splat,
    "for_tuple_expr": _Evaluator.for_expression,
    "for_object_expr": _Evaluator.for_expression,
    "function_call": _Evaluator.call,
    "conditional": _Evaluator.conditional,
    "binary_op": _Evaluator.binary,
    "unary_op": _Evaluator.unary,
}


def _jsonencode(value: Any) -> Any:
    """The object itself, so a policy keeps its Refs and Unknowns; it is re-encoded only inside a string."""
    return value if isinstance(value, dict | list) else json.dumps(value)


def _merge(*maps: dict[str, Any]) -> dict[str, Any]:
    return {key: value for mapping in maps if mapping is not None for key, value in mapping.items()}


def _concat_lists(*lists: list[Any]) -> list[Any]:
    if not all(isinstance(items, list) for items in lists):
        raise TypeError("concat takes lists")
    return [item for items in lists for item in items]


def _join(separator: str, items: list[Any]) -> Any:
    if not isinstance(items, list):
        raise TypeError("join takes a list")
    parts: list[Any] = []
    for i, item in enumerate(items):
        parts.extend([separator, item] if i else [item])
    return _concat(parts) if parts else ""


def _lookup(mapping: dict[str, Any], key: str, *default: Any) -> Any:
    return mapping[key] if key in mapping or not default else default[0]


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise ValueError("coalesce has no non-empty argument")


def _text_function(function: Callable[[str], str]) -> Callable[[Any], str]:
    def apply(value: Any) -> str:
        if not isinstance(value, str) or isinstance(value, Ref | Partial):
            raise TypeError("a string known here is needed")
        return function(value)

    return apply


def _identity(value: Any) -> Any:
    return value


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": _jsonencode,
    "jsondecode": json.loads,
    "merge": _merge,
    "concat": _concat_lists,
    "join": _join,
    "lookup": _lookup,
    "coalesce": _coalesce,
    "lower": _text_function(str.lower),
    "upper": _text_function(str.upper),
    "tolist": _identity,
    "toset": _identity,
    "tomap": _identity,
    "tostring": _identity,
    "tonumber": _identity,
    "tobool": _identity,
}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numeric(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        if not (_number(left) and _number(right)):
            raise TypeError("numbers are needed")
        return function(left, right)

    return apply


def _logical(function: Callable[[bool, bool], bool]) -> Callable[[Any, Any], bool]:
    def apply(left: Any, right: Any) -> bool:
        if not (isinstance(left, bool) and isinstance(right, bool)):
            raise TypeError("booleans are needed")
        return function(left, right)

    return apply


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": _numeric(operator.lt),
    ">": _numeric(operator.gt),
    "<=": _numeric(operator.le),
    ">=": _numeric(operator.ge),
    "+": _numeric(operator.add),
    "-": _numeric(operator.sub),
    "*": _numeric(operator.mul),
    "/": _numeric(operator.truediv),
    "%": _numeric(operator.mod),
    "&&": _logical(lambda a, b: a and b),
    "||": _logical(lambda a, b: a or b),
}


def _plain(value: Any) -> bool:
    """A value known here whose comparison means what Terraform's would."""
    if isinstance(value, str):
        return not isinstance(value, Ref | Partial)
    return value is None or isinstance(value, bool | int | float)


def _concat(parts: list[Any]) -> Any:
    """A string template's value: a lone interpolation keeps its type; a Ref inside makes a Partial."""
    parts = [p for p in parts if not (isinstance(p, str) and p == "" and not isinstance(p, Ref | Partial))]
    if len(parts) == 1:
        return parts[0]
    texts = []
    for part in parts:
        if isinstance(part, Unknown):
            return part
        if isinstance(part, Choice):
            return Choice(tuple((label, _concat([o if p is part else p for p in parts])) for label, o in part.options))
        if isinstance(part, bool):
            texts.append("true" if part else "false")
        elif _number(part):
            texts.append(str(int(part)) if isinstance(part, float) and part.is_integer() else str(part))
        elif isinstance(part, str):
            texts.append(part)
        else:
            return Unknown("a list, object or null inside a string template")
    text = "".join(texts)
    return Partial(text) if any(isinstance(p, Ref | Partial) for p in parts) else text


def _index(value: Any, key: Any, text: str) -> Any:
    if isinstance(value, Unknown):
        return value
    if isinstance(key, Unknown):
        return key
    if isinstance(value, Choice):
        return Choice(tuple((label, _index(option, key, text)) for label, option in value.options))
    if isinstance(value, Ref):
        return Ref(text, value.target_type, value.target)
    if isinstance(value, dict) and isinstance(key, str) and key in value:
        return value[key]
    if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
        return value[key]
    return Unknown(f"{text}: no element {key!r}")


def _then(value: Any, steps: list[tuple[bool, Any]], text: str) -> Any:
    for _, key in steps:
        value = _index(value, key, text)
    return value


def _attribute_step(steps: list[tuple[bool, Any]]) -> tuple[str | None, list[tuple[bool, Any]]]:
    """The attribute read after a resource's instance key (`[0]`, `["a"]`), and the steps after it."""
    for i, (is_name, key) in enumerate(steps):
        if is_name:
            return key, steps[i + 1 :]
    return None, []


def _heredoc_body(token: str, trim: bool) -> str:
    """`<<EOT\\n...\\nEOT\\n` -> the text between the markers (common indentation removed for `<<-`)."""
    text = token.rstrip("\r\n")
    first = text.find("\n")
    marker = text[2:first].lstrip("-").strip()
    body = text[first + 1 : len(text) - len(marker)].rstrip(" \t")
    return textwrap.dedent(body) if trim else body


def _closing_brace(text: str, start: int) -> int:
    """The index of the `}` closing an interpolation whose body starts at `start`, or -1."""
    depth = 1
    quoted = False
    i = start
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _expression_lines(node: Tree, path: Path, lines: dict[Path, int]) -> None:
    """The lines of an expression's literal parts: object keys, list items, a JSON heredoc's values."""
    while node.data == "expr_term":
        node = _trees(node)[0]
    if node.data == "object":
        for element in _trees(node):
            key_node, value_node = _trees(element)
            key = _literal_key(key_node)
            if key is not None:
                lines[(*path, key)] = element.meta.line
                _expression_lines(value_node, (*path, key), lines)
    elif node.data == "tuple":
        for i, item in enumerate(_trees(node)):
            lines[(*path, i)] = item.meta.line
            _expression_lines(item, (*path, i), lines)
    elif node.data == "function_call":
        trees = _trees(node)
        arguments = next((t for t in trees if t.data == "arguments"), None)
        if _name(trees[0]) == "jsonencode" and arguments is not None and _trees(arguments):
            _expression_lines(_trees(arguments)[0], path, lines)
    elif node.data in ("heredoc_template", "heredoc_template_trim"):
        _document_lines(node, path, lines)


def _document_lines(node: Tree, path: Path, lines: dict[Path, int]) -> None:
    """A heredoc holding JSON: the line of each value, read by the YAML/JSON loader."""
    (token,) = node.children
    try:
        doc = load_text(_heredoc_body(str(token), node.data == "heredoc_template_trim"))
    except LoadError:
        return
    if isinstance(doc.data, dict | list):
        lines.update({(*path, *key): token.line + line for key, line in doc.lines.items() if key})


def _literal_key(key_node: Tree) -> str | None:
    """An object key written as a bare name or a plain string."""
    (inner,) = _trees(key_node)
    while inner.data == "expr_term" and len(inner.children) == 1:
        inner = inner.children[0]
    if inner.data in ("identifier", "keyword"):
        return _name(inner)
    if inner.data == "string":
        pieces = [part.children[0] for part in _trees(inner)]
        if all(isinstance(p, Token) and p.type == "STRING_CHARS" for p in pieces):
            return process_escape_sequences("".join(str(p) for p in pieces))
    return None


def _trees(node: Tree | None) -> list[Tree]:
    """A node's sub-trees, without punctuation, newlines and comments."""
    if node is None:
        return []
    return [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]


def _body(tree: Tree) -> Tree:
    return _trees(tree)[0]


def _name(node: Tree) -> str:
    """An identifier, keyword or literal used as a name."""
    return str(node.children[0])


def _label(node: Tree) -> str:
    if node.data == "string":
        return process_escape_sequences("".join(str(part.children[0]) for part in _trees(node)))
    return _name(node)


def _items(body: Tree, kind: str) -> list[tuple[str, Tree]]:
    """`(name, expression)` of a body's attributes, or `(type, body)` of its blocks."""
    return [(_name(parts[0]), parts[-1]) for item in _trees(body) if item.data == kind for parts in [_trees(item)]]


def _attributes(body: Tree) -> list[tuple[str, Tree]]:
    return _items(body, "attribute")


def _attribute(body: Tree, name: str) -> Tree | None:
    return next((node for key, node in _attributes(body) if key == name), None)


def _blocks(body: Tree) -> list[tuple[str, Tree]]:
    return _items(body, "block")
