"""The `guardrails` command line. Imports stay inside commands so start-up is cheap."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

app = typer.Typer(
    help="Policy-as-code compliance scanner and guardrail enforcer for ML platforms on AWS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List and explain the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


class Format(StrEnum):
    table = "table"
    json = "json"


class FailOn(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class InputType(StrEnum):
    cloudformation = "cloudformation"
    terraform = "terraform"
    terraform_plan = "terraform-plan"
    api = "api"
    pipeline = "pipeline"
    policy = "policy"


class PolicyKind(StrEnum):
    identity = "identity"
    bucket = "bucket"
    endpoint = "endpoint"
    scp = "scp"


def _fatal(message: str) -> typer.Exit:
    from rich.console import Console
    from rich.text import Text

    Console(stderr=True).print(Text.assemble(("error: ", "bold red"), message))
    return typer.Exit(2)


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or directories to scan.")],
    config: Annotated[str | None, typer.Option(help="Organisation configuration (YAML or pyproject.toml).")] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.table,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest severity that fails the gate.")] = FailOn.low,
    fail_on_unknown: Annotated[bool, typer.Option(help="Unknown findings fail the gate too.")] = False,
    select: Annotated[list[str] | None, typer.Option(help="Rule ids, controls or families to run.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule ids, controls or families to skip.")] = None,
    input_type: Annotated[InputType | None, typer.Option(help="Override format detection.")] = None,
    policy_kind: Annotated[PolicyKind | None, typer.Option(help="Kind of standalone policy documents.")] = None,
    show_passed: Annotated[bool, typer.Option(help="List passing checks in the table too.")] = False,
) -> None:
    """Scan IaC, SageMaker request payloads, pipeline definitions and policy documents."""
    from guardrails.config import ConfigError, load_config
    from guardrails.model import Severity
    from guardrails.rules import RuleError, load_rules
    from guardrails.scan import exit_code, run_scan

    try:
        cfg, _ = load_config(config)
        rules = load_rules()
    except (ConfigError, RuleError) as exc:
        raise _fatal(str(exc)) from None
    report = run_scan(
        paths,
        cfg,
        rules,
        select=_split(select),
        ignore=_split(ignore),
        input_type=input_type.value if input_type else None,
        policy_kind=policy_kind.value if policy_kind else None,
    )
    _emit(report, format, output, show_passed)
    raise typer.Exit(exit_code(report, Severity(fail_on.value), fail_on_unknown))


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _emit(report, format: Format, output: str | None, show_passed: bool) -> None:
    from rich.console import Console

    if format is Format.json:
        from guardrails.reporters.json_report import render

        text = render(report)
        if output:
            _write(output, text)
        else:
            sys.stdout.write(text)
        return
    from guardrails.reporters import table

    if output:
        with open(output, "w", encoding="utf-8") as handle:
            table.render(report, Console(file=handle, width=160, no_color=True), show_passed)
    else:
        table.render(report, Console(), show_passed)


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise _fatal(f"cannot write {path}: {exc.strerror}") from None


@rules_app.command("list")
def rules_list(
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Every rule with its control, severity and the resource kinds it reads."""
    from guardrails.rules import load_rules

    rules = load_rules()
    if format is Format.json:
        import json

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "control": r.control,
                "severity": r.severity.value,
                "title": r.title,
                "kinds": sorted(r.applies_to),
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "control", "severity", "title", "kinds")
    for rule in rules:
        table.add_row(rule.id, rule.control, rule.severity.value, rule.title, ", ".join(sorted(rule.applies_to)))
    Console().print(table)


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="Rule id (GR101) or name.")]) -> None:
    """A rule's documentation: what it does, why, example, what to use instead, and fixes."""
    from rich.console import Console
    from rich.markdown import Markdown

    from guardrails.docs import rule_markdown
    from guardrails.rules import load_rules

    for rule in load_rules():
        if rule_id in (rule.id, rule.name):
            Console().print(Markdown(rule_markdown(rule)))
            return
    raise _fatal(f"no rule {rule_id}")


@app.command()
def controls(format: Annotated[Format, typer.Option("--format", "-f")] = Format.table) -> None:
    """The control catalog, with the rules that implement each control."""
    from guardrails.catalog import controls as catalog_controls
    from guardrails.rules import load_rules

    rules = load_rules()
    rows = [
        {"id": c["id"], "title": c["title"], "rules": [r.id for r in rules if r.control == c["id"]]}
        for c in catalog_controls()
    ]
    if format is Format.json:
        import json

        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("control", "title", "rules")
    for row in rows:
        table.add_row(row["id"], row["title"], ", ".join(row["rules"]))
    Console().print(table)


def main() -> None:
    app()
