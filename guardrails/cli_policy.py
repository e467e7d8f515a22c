"""`guardrails policy ...`: prove a policy's controls (verify) and decide one request (simulate).

Imports stay inside the commands: `guardrails --help` must not load z3.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from guardrails.cli_prevent import generate

if TYPE_CHECKING:
    from guardrails.iam import Result
    from guardrails.verify import FileReport

policy_app = typer.Typer(help="Verify policy documents against the controls; simulate requests.", no_args_is_help=True)
policy_app.command("generate")(generate)


class Format(StrEnum):
    table = "table"
    json = "json"


class Kind(StrEnum):
    identity = "identity"
    scp = "scp"
    bucket = "bucket"
    endpoint = "endpoint"


def _fatal(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@policy_app.command("verify")
def verify_command(
    files: Annotated[list[str], typer.Argument(help="Policy documents (JSON or YAML).")],
    config: Annotated[str | None, typer.Option(help="Organisation configuration (YAML or pyproject.toml).")] = None,
    policy_kind: Annotated[Kind | None, typer.Option(help="Kind of every document (default: inferred).")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Prove each control that applies to the documents' kind, or give a request that breaks it.

    Exit 0 when every control holds, 1 with a counterexample (or an undecided control), 2 on bad input."""
    from guardrails.config import ConfigError, load_config
    from guardrails.rules import RuleError
    from guardrails.verify import VerifyError, holds, summary, verify

    try:
        cfg, _ = load_config(config)
        reports = verify(files, cfg, policy_kind.value if policy_kind else None)
    except (ConfigError, RuleError, VerifyError) as exc:
        raise _fatal(str(exc)) from None
    if format is Format.json:
        document = {"engine": "z3", "files": [r.to_dict() for r in reports], "summary": summary(reports)}
        sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(_verify_table(reports))
    raise typer.Exit(0 if holds(reports) else 1)


def _verify_table(reports: list[FileReport]) -> str:
    from guardrails.verify import request_dict

    lines = []
    for report in reports:
        lines.append(f"{report.path} ({report.kind} policy)")
        if not report.verdicts:
            lines.append("  no control applies to this kind of policy")
        for verdict in report.verdicts:
            rule = verdict.rule
            lines.append(f"  {rule.control} ({rule.id}) {verdict.verdict.upper()}: {verdict.message}")
            if verdict.counterexample is not None:
                shown = request_dict(verdict.counterexample)
                context = ", ".join(f"{k}={_show(v)}" for k, v in shown["context"].items())
                lines.append(f"      request: {shown['action']} on {shown['resource']} by {shown['principal']}")
                lines.append(f"      context: {context or '(empty)'}")
                if shown["absent"]:
                    lines.append(f"      without: {', '.join(shown['absent'])}")
            if verdict.search_status.value == "fail":
                lines.append("      the bounded search finds a counterexample too")
            elif verdict.status.value == "fail":
                lines.append("      the bounded search misses this one; only the complete (z3) engine finds it")
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


@policy_app.command("simulate")
def simulate_command(
    action: Annotated[str, typer.Option(help="The API action, e.g. sagemaker:CreateTrainingJob.")],
    policy: Annotated[list[str] | None, typer.Option(help="Identity policy file (repeatable).")] = None,
    scp: Annotated[list[str] | None, typer.Option(help="Service control policy file (repeatable).")] = None,
    boundary: Annotated[list[str] | None, typer.Option(help="Permissions boundary file (repeatable).")] = None,
    resource_policy: Annotated[list[str] | None, typer.Option(help="Resource policy file (repeatable).")] = None,
    endpoint_policy: Annotated[list[str] | None, typer.Option(help="VPC endpoint policy file (repeatable).")] = None,
    resource: Annotated[str, typer.Option(help="The resource ARN.")] = "*",
    principal: Annotated[str | None, typer.Option(help="The calling principal's ARN or account.")] = None,
    context: Annotated[
        list[str] | None, typer.Option(help="KEY=VALUE request context (repeat a key for a multivalued key).")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Decide one request with the concrete evaluator and say which statements decided it."""
    from guardrails.iam import PolicyError, Request, evaluate
    from guardrails.verify import VerifyError, load_document

    layers = {
        "identity": policy or [],
        "resource": resource_policy or [],
        "scps": scp or [],
        "boundaries": boundary or [],
        "endpoint": endpoint_policy or [],
    }
    if not any(layers.values()):
        raise _fatal("give at least one policy (--policy, --scp, --boundary, --resource-policy, --endpoint-policy)")
    try:
        loaded = {layer: [load_document(path)[1] for path in paths] for layer, paths in layers.items()}
        request = Request(action, resource, parse_context(context or []), principal)
        result = evaluate(request, **loaded)
    except (VerifyError, PolicyError, ValueError) as exc:
        raise _fatal(str(exc)) from None
    if format is Format.json:
        sys.stdout.write(json.dumps(_simulation(request, result), indent=2) + "\n")
    else:
        sys.stdout.write(f"{result.decision}: {action} on {resource}\n{explain(result)}\n")


def parse_context(pairs: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as a request context: a repeated key is multivalued; ``true``/``false``
    are booleans for the catalog's Bool keys. ValueError for a pair without ``=`` or a key."""
    from guardrails.iam import key_type

    context: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise ValueError(f"--context {pair!r}: expected KEY=VALUE")
        parsed: Any = value
        if key_type(key) in ("Bool", "ArrayOfBool") and value.lower() in ("true", "false"):
            parsed = value.lower() == "true"
        if key in context:
            previous = context[key]
            context[key] = [*previous, parsed] if isinstance(previous, list) else [previous, parsed]
        else:
            context[key] = parsed
    return context


def _simulation(request: Any, result: Result) -> dict[str, Any]:
    return {
        "request": {
            "action": request.action,
            "resource": request.resource,
            "principal": request.principal,
            "context": dict(request.context),
        },
        "decision": str(result.decision),
        "statements": [
            {"policy": s.policy, "kind": str(s.kind), "sid": s.sid, "index": s.index, "effect": str(s.effect)}
            for s in result.statements
        ],
        "lacking": [str(kind) for kind in result.lacking],
        "reason": result.reason,
    }


_LACKING = {
    "identity": "no identity-based policy allows it",
    "resource": "no resource-based policy allows it",
    "scp": "no service control policy allows it",
    "boundary": "the permissions boundary does not allow it",
    "endpoint": "the VPC endpoint policy does not allow it",
}


def explain(result: Result) -> str:
    """The decision in words, naming each statement that made it."""
    named = [
        f"{s.kind} policy {s.policy} statement {s.index}" + (f" ({s.sid})" if s.sid else "") for s in result.statements
    ]
    if result.decision.value == "Allowed":
        return "Allowed by " + ", and ".join(named) + "."
    if result.decision.value == "ExplicitDeny":
        return "Explicitly denied by " + ", and ".join(named) + " (an explicit Deny overrides every Allow)."
    return "Implicitly denied: " + "; ".join(_LACKING[str(kind)] for kind in result.lacking) + "."
