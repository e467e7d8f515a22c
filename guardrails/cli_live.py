"""The command line of live scans: `scan --live`, `permissions` and `report merge`.

`guardrails.cli` imports this module to register the commands, so it imports nothing heavy at
module level: boto3 and the collectors load only when a live command runs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from guardrails.config import Config
    from guardrails.live import Progress
    from guardrails.rules import Rule
    from guardrails.scan import Report

report_app = typer.Typer(help="Work with JSON reports.", no_args_is_help=True)
_ACCOUNT = re.compile(r"\d{12}")


def live_report(
    paths: list[str] | None,
    config: Config,
    rules: tuple[Rule, ...],
    *,
    live: bool,
    profile: str | None,
    regions: str | None,
    since: int | None,
    role_name: str | None,
    accounts: str | None,
    shard: str | None,
    quiet: bool,
    select: list[str],
    ignore: list[str],
) -> Report:
    """`scan --live`: check the options, collect with a progress display, and return the report."""
    from guardrails.cli import _fatal
    from guardrails.live import DEFAULT_SINCE_DAYS, LiveError, LiveOptions, scan

    if not live:
        raise _fatal("--profile, --regions, --since, --role-name, --accounts and --shard need --live")
    if paths:
        raise _fatal("--live scans AWS accounts; it takes no PATHS")
    if since is not None and since < 0:
        raise _fatal("--since takes a number of days (0: every job)")
    options = LiveOptions(
        profile=profile,
        regions=_items(regions),
        since_days=DEFAULT_SINCE_DAYS if since is None else since,
        role_name=role_name,
        accounts=_accounts(accounts),
        shard=_shard(shard),
    )
    with _progress(quiet) as progress:
        try:
            return scan(options, config, rules, select=select, ignore=ignore, progress=progress).report
        except LiveError as exc:
            raise _fatal(str(exc)) from None


def _items(text: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())


def _accounts(text: str | None) -> tuple[str, ...]:
    from guardrails.cli import _fatal

    items = _items(text)
    if items != ("all",) and any(not _ACCOUNT.fullmatch(item) for item in items):
        raise _fatal(f"--accounts takes 12-digit account ids or all, not {text}")
    return items


def _shard(text: str | None) -> tuple[int, int] | None:
    from guardrails.cli import _fatal

    if text is None:
        return None
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise _fatal(f"--shard takes i/n with 1 <= i <= n, not {text}")
    return int(match[1]), int(match[2])


@contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    """A progress display per service and region on stderr, when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("steps, {task.fields[resources]} resources"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as display:
        yield _Display(display)


class _Display:
    """Steps done of steps started, and resources found, for each service and region."""

    def __init__(self, display: Any) -> None:
        self._display = display
        self._tasks: dict[tuple[str, str], list[Any]] = {}

    def add(self, service: str, region: str) -> None:
        task = self._tasks.get((service, region))
        if task is None:
            task = self._tasks[(service, region)] = [self._display.add_task(f"{service} {region}", resources=0), 0, 0]
        task[1] += 1
        self._display.update(task[0], total=task[1])

    def done(self, service: str, region: str, resources: int) -> None:
        task = self._tasks[(service, region)]
        task[2] += resources
        self._display.update(task[0], advance=1, resources=task[2])


def permissions(
    role_name: Annotated[
        str | None, typer.Option(help="Also let the caller assume this role in every account (--accounts).")
    ] = None,
) -> None:
    """The least-privilege read-only IAM policy a live scan needs, generated from what the collectors call."""
    import json

    from guardrails.collectors import policy

    sys.stdout.write(json.dumps(policy(role_name), indent=2) + "\n")


@report_app.command("merge")
def merge(
    files: Annotated[list[str], typer.Argument(help="JSON reports of the shards of one scan.")],
    format: Annotated[str, typer.Option("--format", "-f", help="table, json, sarif, junit, markdown, html")] = "json",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    fail_on: Annotated[str, typer.Option(help="Lowest severity that fails: low, medium, high, critical.")] = "low",
    fail_on_unknown: Annotated[bool, typer.Option(help="Unknown findings fail the gate too.")] = False,
) -> None:
    """Join shard JSON reports into the report one unsharded scan writes; the exit code is the scan's."""
    import json

    from guardrails.cli import _emit, _fatal
    from guardrails.live import MergeError, merge_reports
    from guardrails.model import Severity
    from guardrails.reporters import FORMATS
    from guardrails.rules import load_rules
    from guardrails.scan import exit_code

    if format not in FORMATS:
        raise _fatal(f"unknown format {format}; choose from {', '.join(FORMATS)}")
    if fail_on not in {s.value for s in Severity}:
        raise _fatal(f"--fail-on takes low, medium, high or critical, not {fail_on}")
    documents = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                documents.append((path, json.load(handle)))
        except OSError as exc:
            raise _fatal(f"cannot read {path}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise _fatal(f"{path}: not JSON: {exc.msg}") from None
    try:
        report = merge_reports(documents)
    except MergeError as exc:
        raise _fatal(str(exc)) from None
    _emit(report, load_rules(), [format], output, None, ".", False)
    raise typer.Exit(exit_code(report, Severity(fail_on), fail_on_unknown))
