"""The `guardrails` command line. Imports stay inside commands so start-up is cheap."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from guardrails.cli_docs import docs
from guardrails.cli_live import permissions, report_app
from guardrails.cli_policy import policy_app
from guardrails.cli_prevent import fix

app = typer.Typer(
    help="Policy-as-code compliance scanner and guardrail enforcer for ML platforms on AWS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="List and explain the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(policy_app, name="policy")
app.command()(docs)
app.command()(permissions)
app.add_typer(report_app, name="report")
app.command()(fix)


class Format(StrEnum):
    """Formats of the listing commands (scan takes every report format)."""

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
    paths: Annotated[list[str] | None, typer.Argument(help="Files or directories to scan (none with --live).")] = None,
    config: Annotated[str | None, typer.Option(help="Organisation configuration (YAML or pyproject.toml).")] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, sarif, junit, markdown, html; several: a,b")
    ] = "table",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the (single) report to FILE.")] = None,
    output_dir: Annotated[str | None, typer.Option(help="Write each format to DIR/guardrails.<ext>.")] = None,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest severity that fails the gate.")] = FailOn.low,
    fail_on_unknown: Annotated[bool, typer.Option(help="Unknown findings fail the gate too.")] = False,
    select: Annotated[list[str] | None, typer.Option(help="Rule ids, controls or families to run.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule ids, controls or families to skip.")] = None,
    input_type: Annotated[InputType | None, typer.Option(help="Override format detection.")] = None,
    policy_kind: Annotated[PolicyKind | None, typer.Option(help="Kind of standalone policy documents.")] = None,
    baseline: Annotated[str | None, typer.Option(help="Accept the findings recorded in this baseline.")] = None,
    create_baseline: Annotated[str | None, typer.Option(help="Record today's open findings as a baseline.")] = None,
    root: Annotated[str, typer.Option(help="Repository root that SARIF and report paths are relative to.")] = ".",
    jobs: Annotated[int, typer.Option(help="Worker processes for large scans (0: one per core).")] = 0,
    show_passed: Annotated[bool, typer.Option(help="List passing checks in the terminal table too.")] = False,
    live: Annotated[bool, typer.Option("--live", help="Scan AWS accounts through their APIs, not files.")] = False,
    profile: Annotated[str | None, typer.Option(help="--live: the AWS profile.")] = None,
    regions: Annotated[str | None, typer.Option(help="--live: regions r1,r2 or all (default: the profile's).")] = None,
    since: Annotated[int | None, typer.Option(help="--live: jobs created in the last DAYS days (30; 0: all).")] = None,
    role_name: Annotated[str | None, typer.Option(help="--live: role to assume in each of --accounts.")] = None,
    accounts: Annotated[str | None, typer.Option(help="--live: account ids id,id or all (the organisation's).")] = None,
    shard: Annotated[str | None, typer.Option(help="--live: scan the i-th of n shares of the accounts (i/n).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="--live: no progress display.")] = False,
) -> None:
    """Scan IaC, SageMaker request payloads, pipeline definitions and policy documents, or (--live) AWS accounts."""
    from guardrails.config import ConfigError, load_config
    from guardrails.model import Severity
    from guardrails.reporters import FORMATS
    from guardrails.rules import RuleError, load_rules
    from guardrails.scan import exit_code, run_scan

    formats = _split([format])
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise _fatal(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    if len(formats) > 1 and not output_dir:
        raise _fatal("several formats need --output-dir")
    try:
        cfg, _ = load_config(config)
        rules = load_rules()
    except (ConfigError, RuleError) as exc:
        raise _fatal(str(exc)) from None
    if live or any(option is not None for option in (profile, regions, since, role_name, accounts, shard)):
        from guardrails.cli_live import live_report

        report = live_report(
            paths,
            cfg,
            rules,
            live=live,
            profile=profile,
            regions=regions,
            since=since,
            role_name=role_name,
            accounts=accounts,
            shard=shard,
            quiet=quiet,
            select=_split(select),
            ignore=_split(ignore),
        )
    elif not paths:
        raise _fatal("missing PATHS to scan (or --live to scan AWS accounts)")
    else:
        report = run_scan(
            paths,
            cfg,
            rules,
            select=_split(select),
            ignore=_split(ignore),
            input_type=input_type.value if input_type else None,
            policy_kind=policy_kind.value if policy_kind else None,
            jobs=jobs,
        )
    _baselines(report, baseline, create_baseline)
    _emit(report, rules, formats, output, output_dir, root, show_passed)
    raise typer.Exit(exit_code(report, Severity(fail_on.value), fail_on_unknown))


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _baselines(report, accept: str | None, create: str | None) -> None:
    from guardrails import suppressions

    if accept:
        try:
            suppressions.apply_baseline(report.findings, suppressions.read_baseline(accept), accept)
        except ValueError as exc:
            raise _fatal(str(exc)) from None
    if create:
        try:
            count = suppressions.write_baseline(report.findings, create)
        except OSError as exc:
            raise _fatal(f"cannot write {create}: {exc.strerror}") from None
        _note(f"baseline {create}: {count} findings recorded")


def _emit(report, rules, formats: list[str], output: str | None, output_dir: str | None, root: str,
          show_passed: bool) -> None:
    import os

    from rich.console import Console

    from guardrails.reporters import FORMATS, render

    if output_dir:
        try:
            os.makedirs(output_dir, exist_ok=True)
        except OSError as exc:
            raise _fatal(f"cannot create {output_dir}: {exc.strerror}") from None
        for fmt in formats:
            _save(os.path.join(output_dir, FORMATS[fmt][1]), fmt, report, rules, root)
        counts = report.summary()["by_status"]
        _note(f"{', '.join(formats)} written to {output_dir}: {counts['fail']} failed, {counts['unknown']} unknown, "
              f"{counts['pass']} passed, {len(report.errors) + counts['error']} errors")
    elif output:
        _save(output, formats[0], report, rules, root)
    elif formats == ["table"]:
        from guardrails.reporters.table import print_report

        print_report(report, Console(), show_passed)
    else:
        sys.stdout.write(render(formats[0], report, rules, root=root))


def _note(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(message)


def _save(path: str, fmt: str, report, rules, root: str) -> None:
    """Write one report file; JSON is streamed (a large scan's report never sits whole in memory)."""
    from guardrails.reporters import render

    try:
        with open(path, "w", encoding="utf-8") as handle:
            if fmt == "json":
                from guardrails.reporters.json_report import write

                write(report, handle)
            else:
                handle.write(render(fmt, report, rules, root=root))
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
