"""A live scan: collect AWS accounts with boto3, then judge with the same rules, engine and reports
as a static scan.

Work runs as steps on one bounded thread pool across accounts, services and regions: a step lists
or describes, and hands back resources, errors and further steps, so no thread waits on another.
Clients use botocore's adaptive retry mode unless the environment or profile chooses a mode, and
honour every other boto3 setting (`AWS_ENDPOINT_URL`, profiles, proxies). Whatever could not be read
is an error entry (exit 2) and, where it was a field, unknown to the rules: never a pass.

A live finding's location is the resource's ARN at line 1 (an API resource has no lines, and the
report schema asks for one), and its resource id is `account/region/name`, `global` standing for
the region of IAM and Organizations resources.
"""

from __future__ import annotations

import os
import queue
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol

import boto3
import botocore.session
from botocore.config import Config as ClientConfig
from botocore.exceptions import ProfileNotFound

from guardrails import __version__, collectors
from guardrails.collectors import ec2, kms, organizations, sts
from guardrails.collectors.base import GLOBAL, Account, CallCounter, Context, Found, Refused, Skip, Step
from guardrails.config import Config
from guardrails.engine import index_rules, judge, select_rules
from guardrails.model import Finding, Path, Resource, Severity, SourceError, Status, Suppression
from guardrails.rules import Rule
from guardrails.scan import Report
from guardrails.sources import role_policies

DEFAULT_WORKERS = 16
DEFAULT_SINCE_DAYS = 30
MAX_ATTEMPTS = 10
ALL = "all"


class LiveError(Exception):
    """The scan cannot start: no credentials, no region, an organisation that cannot be listed."""


@dataclass(frozen=True, slots=True)
class LiveOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()  # (): the profile's region; ("all",): every region the account enabled
    since_days: int = DEFAULT_SINCE_DAYS  # jobs created in the last DAYS days; 0: every job
    role_name: str | None = None
    accounts: tuple[str, ...] = ()  # (): the caller's account; ("all",): the organisation's accounts
    shard: tuple[int, int] | None = None  # (i, n): the i-th of n deterministic shares of the accounts
    workers: int = DEFAULT_WORKERS


@dataclass(slots=True)
class LiveScan:
    report: Report
    calls: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


class Progress(Protocol):
    def add(self, service: str, region: str) -> None: ...

    def done(self, service: str, region: str, resources: int) -> None: ...


class _Quiet:
    def add(self, service: str, region: str) -> None:
        pass

    def done(self, service: str, region: str, resources: int) -> None:
        pass


def finding_order(finding: Finding) -> tuple[str, int, str, str]:
    """The order of findings in every report, so shards merge into what one scan writes."""
    return (finding.path, finding.line, finding.resource_id, finding.rule_id)


def error_order(error: SourceError) -> tuple[str, int, str]:
    return (error.path, error.line, error.reason)


def scan(
    options: LiveOptions,
    config: Config,
    rules: tuple[Rule, ...],
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    progress: Progress | None = None,
) -> LiveScan:
    """Collect every account and region the options name, resolve KMS keys, judge, and report."""
    started = time.perf_counter()
    chosen = select_rules(rules, [*config.select, *(select or [])], [*config.ignore, *(ignore or [])])
    plan = _plan(options)
    try:
        caller = sts.caller(plan.account("caller", "aws", plan.session).api(sts.SERVICE, sts.CALLS, plan.home))
    except Refused as exc:
        raise LiveError(f"cannot identify the caller: {exc}") from None
    home = plan.account(caller.account, caller.partition, plan.session)
    targets = _targets(options, home, plan.home)
    with ThreadPoolExecutor(options.workers, thread_name_prefix="guardrails-live") as pool:
        run = partial(_run, pool, progress or _Quiet())
        collected = run([Step("sts", GLOBAL, partial(_account, plan, home, target)) for target in targets])
        accounts = {account.id: account for account in collected[Account]}
        sites = kms.sites(collected[Found], _key_paths(chosen))
        groups: dict[tuple[str, str], set[str]] = defaultdict(set)
        for site in sites:
            groups[(site.found.account, site.region)].add(site.text)
        resolved = run(
            [
                Step(kms.SERVICE, region, partial(kms.resolve, _context(accounts[account], region), tuple(texts)))
                for (account, region), texts in sorted(groups.items())
            ]
        )
    kms.apply(sites, resolved[kms.KeyFact], config.approved.kms_keys)
    resources = [found.resource for found in collected[Found]]
    role_policies.attach(resources, role_policies.Links(policies=_managed_policies(resources)))
    findings = sorted(judge(resources, index_rules(chosen), config), key=finding_order)
    errors = _errors([*collected[Refused], *resolved[Refused]])
    errors += collected[SourceError]
    skipped = sorted({(skip.path, skip.reason) for skip in collected[Skip]})
    report = Report(
        findings, sorted(errors, key=error_order), skipped, files=0, resources=len(resources), rules=len(chosen)
    )
    return LiveScan(report, plan.counter.calls, time.perf_counter() - started)


@dataclass(slots=True)
class _Plan:
    session: boto3.Session
    home: str  # the region of STS, EC2's region list and the global services' clients
    regions: tuple[str, ...]
    since: datetime | None
    profile: str | None
    role_name: str | None
    client_config: ClientConfig
    counter: CallCounter

    def account(self, account_id: str, partition: str, session: boto3.Session) -> Account:
        return Account(account_id, partition, session, self.client_config, self.counter)


def _plan(options: LiveOptions) -> _Plan:
    try:
        core = botocore.session.Session(profile=options.profile)
        scoped = core.get_scoped_config()
    except ProfileNotFound as exc:
        raise LiveError(str(exc)) from None
    explicit = tuple(dict.fromkeys(region for region in options.regions if region != ALL))
    home = explicit[0] if explicit else core.get_config_variable("region")
    if not home:
        raise LiveError("no region: pass --regions or configure a default region (AWS_REGION, the profile)")
    retries = {
        "mode": os.environ.get("AWS_RETRY_MODE") or scoped.get("retry_mode") or "adaptive",
        "total_max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS") or scoped.get("max_attempts") or MAX_ATTEMPTS),
    }
    client_config = ClientConfig(
        retries=retries, max_pool_connections=options.workers, user_agent_extra=f"guardrails/{__version__}"
    )
    since = datetime.now(UTC) - timedelta(days=options.since_days) if options.since_days > 0 else None
    regions = (ALL,) if ALL in options.regions else explicit or (home,)
    session = boto3.Session(botocore_session=core)
    return _Plan(session, home, regions, since, options.profile, options.role_name, client_config, CallCounter())


def _targets(options: LiveOptions, home: Account, region: str) -> list[str]:
    """The accounts to scan, sorted; with a shard, every n-th of them from the i-th on."""
    if options.accounts == (ALL,):
        try:
            ids = organizations.accounts(home.api(organizations.SERVICE, organizations.CALLS, region))
        except Refused as exc:
            raise LiveError(f"cannot list the organisation's accounts: {exc}; it needs {exc.action}") from None
    else:
        ids = sorted(set(options.accounts or (home.id,)))
    if not options.role_name and ids != [home.id]:
        raise LiveError("scanning other accounts needs --role-name, the role to assume in each")
    if options.shard:
        index, count = options.shard
        ids = ids[index - 1 :: count]
    return ids


def _account(plan: _Plan, home: Account, target: str) -> Iterator[Any]:
    """Reach an account (assuming the role), find its regions, and start every collector there."""
    account = home
    if plan.role_name:
        role = f"arn:{home.partition}:iam::{target}:role/{plan.role_name}"
        credentials = sts.assume(home.api(sts.SERVICE, sts.CALLS, plan.home), role)
        session = boto3.Session(profile_name=plan.profile, region_name=plan.home, **credentials)
        account = plan.account(target, home.partition, session)
    yield account
    regions, notes = _regions(plan, account)
    yield from notes
    for module in collectors.modules(collectors.COLLECTING):
        if module.GLOBAL:
            yield from module.start(Context(account, GLOBAL, plan.home, regions, plan.since))
            continue
        offered = account.offered(module.SERVICE)
        for region in regions:
            if region in offered:
                yield from module.start(Context(account, region, region, regions, plan.since))
            elif plan.regions == (ALL,):
                yield Skip(f"aws://{account.id}/{region}/{module.SERVICE}", f"{module.SERVICE} is not offered")
            else:
                yield SourceError(
                    f"aws://{account.id}/{region}/{module.SERVICE}",
                    f"{module.SERVICE} is not offered in {region} (botocore's endpoint data): not assessed",
                )


def _regions(plan: _Plan, account: Account) -> tuple[tuple[str, ...], list[Any]]:
    """The regions to collect in one account: enabled ones for `all`; named ones that are enabled."""
    try:
        status = ec2.region_status(account.api(ec2.SERVICE, ec2.CALLS, plan.home))
    except Refused as exc:
        # Without the list, `all` has nothing to go on; named regions are tried as they are.
        return (() if plan.regions == (ALL,) else plan.regions), [exc]
    if plan.regions == (ALL,):
        return tuple(sorted(r for r, s in status.items() if s in ec2.ENABLED)), []
    chosen, notes = [], []
    for region in plan.regions:
        if status.get(region) in ec2.ENABLED:
            chosen.append(region)
            continue
        what = "an opt-in region not enabled" if region in status else "not a region"
        notes.append(SourceError(f"aws://{account.id}/{region}", f"{region} is {what} in this account: not assessed"))
    return tuple(chosen), notes


def _context(account: Account, region: str) -> Context:
    return Context(account, region, region, (), None)


def _managed_policies(resources: list[Resource]) -> dict[str, Resource]:
    """The managed policies read (customer-managed, and AWS-managed ones something attached), by ARN."""
    return {r.path: r for r in resources if r.kind == "policy.identity" and ":policy/" in r.path}


def _key_paths(rules: Iterable[Rule]) -> dict[str, list[Path]]:
    """Where the rules look for a customer-managed key, by kind: the references KMS must resolve."""
    out: dict[str, list[Path]] = defaultdict(list)
    for rule in rules:
        for kind, clauses in rule.applies_to.items():
            out[kind] += [clause.parts for clause in clauses if clause.check == "customer_managed_key"]
    return out


@dataclass(frozen=True, slots=True)
class _Done:
    service: str
    region: str
    resources: int


def _run(pool: ThreadPoolExecutor, progress: Progress, steps: list[Step]) -> dict[type, list[Any]]:
    """Run steps and the steps they hand back until none is left; outputs grouped by type."""
    out: dict[type, list[Any]] = defaultdict(list)
    results: queue.SimpleQueue[Any] = queue.SimpleQueue()
    futures: list[Future[None]] = []

    def submit(step: Step) -> None:
        progress.add(step.service, step.region)
        futures.append(pool.submit(_work, step, results.put))

    for step in steps:
        submit(step)
    outstanding = len(steps)
    while outstanding:
        item = results.get()
        if isinstance(item, _Done):
            outstanding -= 1
            progress.done(item.service, item.region, item.resources)
        elif isinstance(item, Step):
            outstanding += 1
            submit(item)
        else:
            out[type(item)].append(item)
    for future in futures:
        future.result()  # a collector's bug surfaces here instead of as a silent gap
    return out


def _work(step: Step, put: Callable[[Any], None]) -> None:
    found = 0
    try:
        for item in step.run():
            found += isinstance(item, Found)
            put(item)
    except Refused as exc:
        put(exc)
    finally:
        put(_Done(step.service, step.region, found))


def _errors(refused: list[Refused]) -> list[SourceError]:
    """One error per API, scope and error code, naming the permission and what was not read."""
    groups: dict[tuple[str, str, str], list[Refused]] = defaultdict(list)
    for item in refused:
        groups[(item.where, item.operation, item.code)].append(item)
    out = []
    for (where, operation, code), items in groups.items():
        items.sort(key=lambda r: (r.subject, r.message))
        subjects = sorted({r.subject for r in items if r.subject})
        about = ""
        if len(subjects) == 1:
            about = f" for {subjects[0]}"
        elif subjects:
            about = f" for {len(subjects)} resources, e.g. {subjects[0]}"
        needs = f"; it needs IAM permission {items[0].action}" if items[0].action else ""
        reason = f"{operation} failed{about} ({code}: {items[0].message}): not assessed{needs}"
        out.append(SourceError(where, reason))
    return out


class MergeError(Exception):
    """Reports that are not the shards of one scan."""


def merge_reports(documents: list[tuple[str, dict[str, Any]]]) -> Report:
    """Shard JSON reports -> the report one unsharded scan writes: same findings, order and summary."""
    if not documents:
        raise MergeError("no reports to merge")
    first_path = documents[0][0]
    merged = Report(findings=[], errors=[])
    errors: set[tuple[str, int, str]] = set()
    skipped: set[tuple[str, str]] = set()
    owner: dict[str, str] = {}
    origin = None
    for path, data in documents:
        try:
            if data["version"] != 1 or data["tool"]["name"] != "guardrails":
                raise MergeError(f"{path}: not a guardrails JSON report")
            if origin is None:
                origin = (data["tool"]["version"], data["summary"]["rules"])
            elif (data["tool"]["version"], data["summary"]["rules"]) != origin:
                raise MergeError(f"{path}: made by another guardrails version or rule set than {first_path}")
            for item in data["findings"]:
                finding = _finding(item)
                if finding.fingerprint in owner:
                    raise MergeError(
                        f"{path} and {owner[finding.fingerprint]} both judge {finding.resource_id} by "
                        f"{finding.rule_id}: the shards overlap"
                    )
                owner[finding.fingerprint] = path
                merged.findings.append(finding)
            errors |= {(error["path"], error["line"], error["reason"]) for error in data["errors"]}
            skipped |= {(skip["path"], skip["reason"]) for skip in data["skipped"]}
            merged.files += data["summary"]["files"]
            merged.resources += data["summary"]["resources"]
        except (KeyError, TypeError, ValueError) as exc:
            raise MergeError(f"{path}: not a guardrails JSON report ({type(exc).__name__}: {exc})") from None
    merged.rules = origin[1] if origin else 0
    merged.findings.sort(key=finding_order)
    merged.errors = sorted((SourceError(p, reason, line) for p, line, reason in errors), key=error_order)
    merged.skipped = sorted(skipped)
    return merged


def _finding(item: dict[str, Any]) -> Finding:
    """A finding read back from its JSON form."""
    suppression = item["suppression"]
    return Finding(
        rule_id=item["rule_id"],
        rule_name=item["rule_name"],
        title=item["title"],
        control=item["control"],
        severity=Severity(item["severity"]),
        status=Status(item["status"]),
        resource_kind=item["resource"]["kind"],
        resource_id=item["resource"]["id"],
        path=item["location"]["path"],
        line=item["location"]["line"],
        message=item["message"],
        remediation=item["remediation"],
        zone=item["resource"]["zone"],
        source=item["location"]["source"],
        suppression=Suppression(**suppression) if suppression else None,
    )
