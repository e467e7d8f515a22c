"""`guardrails policy generate` and `guardrails fix`: the prevention commands.

Imports stay inside the commands: `import guardrails.cli` must not load boto3 or z3.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer


class GenerateKind(StrEnum):
    identity = "identity"
    scp = "scp"
    endpoint = "endpoint"
    bucket = "bucket"
    all = "all"


def _fatal(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def generate(
    config: Annotated[str | None, typer.Option(help="Organisation configuration (YAML or pyproject.toml).")] = None,
    kind: Annotated[GenerateKind, typer.Option(help="Which policies to write.")] = GenerateKind.all,
    app: Annotated[
        str | None, typer.Option(help="Application prefix for the identity policy (default: each approved prefix).")
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option(help="Execution role (name or ARN) users may pass to SageMaker; repeatable. "
                     "Default: <app>-sagemaker-execution."),
    ] = None,
    account: Annotated[
        list[str] | None,
        typer.Option(help="Platform account id whose principals may use the SageMaker endpoints; repeatable. "
                     "Default: the account that owns the resource."),
    ] = None,
    output_dir: Annotated[str, typer.Option(help="Directory to write the files into.")] = "policies",
) -> None:
    """Write the identity, SCP, VPC-endpoint and bucket policies that implement the controls.

    Same configuration, byte-identical files. Exit 0 when written, 2 when the configuration cannot be used."""
    from guardrails.config import ConfigError, load_config
    from guardrails.generate import KINDS, GenerateError, write
    from guardrails.generate import generate as build

    try:
        cfg, _ = load_config(config)
        generated = build(cfg, KINDS if kind is GenerateKind.all else (kind.value,), app, role or (), account or ())
        paths = write(generated, output_dir)
    except (ConfigError, GenerateError) as exc:
        raise _fatal(str(exc)) from None
    except OSError as exc:
        raise _fatal(f"cannot write into {output_dir}: {exc.strerror}") from None
    for path, item in zip(paths, generated.files, strict=True):
        limit = f"{item.size}/{item.limit}" if item.limit else str(item.size)
        sys.stdout.write(f"{path}  {item.kind}  {limit} characters\n")
    for note in generated.notes:
        typer.echo(f"note: {note}", err=True)


def fix(
    paths: Annotated[list[str], typer.Argument(help="API payloads, CloudFormation templates, Terraform files.")],
    config: Annotated[str | None, typer.Option(help="Organisation configuration (YAML or pyproject.toml).")] = None,
    write: Annotated[bool, typer.Option("--write", help="Apply the patch to the files.")] = False,
) -> None:
    """Propose a patch (a unified diff) that brings each failing resource into compliance.

    Values come from the organisation configuration; what needs a person is listed with the reason.
    Exit 0 nothing to fix, 1 fixes proposed or applied (or needed by hand), 2 an input could not be handled."""
    from guardrails.config import ConfigError, load_config
    from guardrails.fixes import fix as plan
    from guardrails.fixes import write as apply
    from guardrails.rules import RuleError

    try:
        cfg, _ = load_config(config)
        report = plan(paths, cfg)
    except (ConfigError, RuleError) as exc:
        raise _fatal(str(exc)) from None
    for patch in report.patches:
        sys.stdout.write(patch.diff())
    if write:
        try:
            written = apply(report)
        except OSError as exc:
            raise _fatal(f"cannot write: {exc.strerror}") from None
        for path in written:
            typer.echo(f"fixed {path}", err=True)
    for patch in report.patches:
        for item in patch.fixed:
            problem = item.remedy.problem
            typer.echo(f"{patch.path}:{problem.finding.line}: {problem.finding.control} {problem.rule.id} "
                       f"{item.resource.id}: {item.remedy.describe()}", err=True)
        for item in patch.manual:
            problem = item.remedy.problem
            typer.echo(f"{patch.path}:{problem.finding.line}: {problem.finding.control} {problem.rule.id} "
                       f"{item.resource.id}: needs a person ({problem.field}): {item.remedy.reason}", err=True)
    for error in report.errors:
        typer.echo(f"error: {error.path}:{error.line}: {error.reason}", err=True)
    raise typer.Exit(report.exit_code)
