"""Suite `live`: a live scan of 5,000 SageMaker, S3 and IAM resources served by moto on loopback.

A moto server runs as its own process on 127.0.0.1 and is seeded through its API; the timed part is
`guardrails.live.scan` at the default concurrency, in this process, reaching the server through
AWS_ENDPOINT_URL as the CLI would: collection, KMS resolution and judging with every rule. It reports
resources per second and API calls per resource, and writes the `live` section of `bench/RESULTS.md`
(between `<!-- suite:live -->` and `<!-- /suite:live -->`), leaving the rest of the file alone.

    .venv/bin/python bench/bench_live.py                 # 5,000 resources, 3 timed scans
    .venv/bin/python bench/bench_live.py --dry-run --total 500 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SUITE = "live"
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution"
TARGET = 200.0  # resources per second


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    resources: int
    calls: int
    findings: int
    errors: int
    client_cpu: float
    server_cpu: float | None
    load: float


def machine() -> str:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        cpu = platform.processor() or cpu
    return f"nproc {os.cpu_count()}; CPU {cpu}; Python {platform.python_version()}; {platform.system()}"


SERVER = """
import logging
import sys
from moto.core.responses import ActionResult
from moto.sagemaker.responses import SageMakerResponse
from moto.server import main

# moto 5.2.5 lacks ListMonitoringSchedules: answer as AWS does for an account without schedules.
SageMakerResponse.list_monitoring_schedules = lambda self: ActionResult({"MonitoringScheduleSummaries": []})
logging.getLogger("werkzeug").disabled = True  # a log line per request, written to /dev/null, is not the scan's cost
main(sys.argv[1:])
"""
"""`moto_server`, with the one SageMaker list call the scan makes that moto 5.2.5 lacks stubbed."""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process, from /proc (None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def moto_server() -> Iterator[tuple[str, int]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(10)


def _tags(i: int) -> list[dict[str, str]]:
    """Every other resource compliant-tagged, so findings mix pass and fail."""
    return [{"Key": "zone", "Value": "dev"}, {"Key": "CostCenter", "Value": "CC-1"}] if i % 2 else []


def _policy(i: int) -> str:
    """Five distinct inline policies, as a real estate repeats a handful of shapes."""
    actions = ["s3:GetObject", "sagemaker:DescribeModel", "logs:PutLogEvents", "ecr:GetAuthorizationToken", "*"]
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions[i % 5], "Resource": "*"}]}
    )


def seed(total: int) -> dict[str, int]:
    """`total` canonical resources: 60% SageMaker, 20% S3 buckets, 20% IAM (roles with one inline policy each)."""
    import boto3

    session = boto3.Session(region_name=REGION)
    sm, s3, iam = (session.client(name, REGION) for name in ("sagemaker", "s3", "iam"))
    key = session.client("kms", REGION).create_key()["KeyMetadata"]["Arn"]
    sagemaker, buckets, roles = total * 3 // 5, total // 5, (total - total * 3 // 5 - total // 5) // 2

    def training(i: int) -> None:
        sm.create_training_job(
            TrainingJobName=f"train-{i}",
            AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
            RoleArn=ROLE,
            OutputDataConfig={"S3OutputPath": "s3://out/p", "KmsKeyId": key},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 60},
            Tags=_tags(i),
        )

    def model(i: int) -> None:
        sm.create_model(ModelName=f"model-{i}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": "img"}, Tags=_tags(i))

    def config(i: int) -> None:
        variant = {"VariantName": "v", "ModelName": "model-0", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
        sm.create_endpoint_config(
            EndpointConfigName=f"config-{i}", ProductionVariants=[variant], KmsKeyId=key, Tags=_tags(i)
        )

    def notebook(i: int) -> None:
        sm.create_notebook_instance(
            NotebookInstanceName=f"notebook-{i}", InstanceType="ml.t3.medium", RoleArn=ROLE, Tags=_tags(i)
        )

    def bucket(i: int) -> None:
        name = f"bench-bucket-{i}"
        s3.create_bucket(Bucket=name)
        if i % 2:
            rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
            s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(i)})

    def role(i: int) -> None:
        iam.create_role(RoleName=f"role-{i}", AssumeRolePolicyDocument="{}", Tags=_tags(i))
        iam.put_role_policy(RoleName=f"role-{i}", PolicyName="inline", PolicyDocument=_policy(i))

    makers: list[tuple[Callable[[int], None], int]] = [
        (training, sagemaker // 4),
        (model, sagemaker // 4),
        (config, sagemaker // 4),
        (notebook, sagemaker - 3 * (sagemaker // 4)),
        (bucket, buckets),
        (role, roles),
    ]
    with ThreadPoolExecutor(16) as pool:
        for make, count in makers:
            list(pool.map(make, range(count)))
    return {"sagemaker": sagemaker, "s3": buckets, "iam": 2 * roles}


def run(args: argparse.Namespace) -> str:
    from guardrails.config import Config
    from guardrails.live import DEFAULT_WORKERS, LiveOptions, scan
    from guardrails.rules import load_rules

    with tempfile.TemporaryDirectory() as home, moto_server() as (url, server):
        os.environ.update(
            AWS_ENDPOINT_URL=url,
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE=os.path.join(home, "config"),
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "credentials"),
        )
        started = time.perf_counter()
        seeded = seed(args.total)
        seeding = time.perf_counter() - started
        print(f"seeded {sum(seeded.values())} resources in {seeding:.1f} s", file=sys.stderr)
        rules = load_rules()
        runs = []
        for attempt in range(args.repeat):
            load = os.getloadavg()[0]
            server_before, client_before = cpu_seconds(server), _own_cpu()
            result = scan(LiveOptions(regions=(REGION,), since_days=0), Config(), rules)
            server_after, client_after = cpu_seconds(server), _own_cpu()
            report = result.report
            calls = sum(result.calls.values())
            server_cpu = None if server_after is None or server_before is None else server_after - server_before
            runs.append(
                Run(
                    result.seconds,
                    report.resources,
                    calls,
                    len(report.findings),
                    len(report.errors),
                    client_after - client_before,
                    server_cpu,
                    load,
                )
            )
            print(
                f"scan {attempt + 1}: {report.resources} resources in {result.seconds:.2f} s, {calls} calls",
                file=sys.stderr,
            )
            for error in report.errors:
                print(f"  error {error.path}: {error.reason}", file=sys.stderr)
    m = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]  # the median run
    rate = m.resources / m.seconds
    verdict = "PASS" if rate >= TARGET and m.errors == 0 else "FAIL"
    scanner_ms = 1000 * m.client_cpu / m.resources
    server_ms = f"{1000 * m.server_cpu / m.calls:.2f}" if m.server_cpu is not None else "n/a"
    loads = ", ".join(f"{r.load:.1f}" for r in runs)
    mix = ", ".join(f"{count} {service}" for service, count in seeded.items())
    lines = [
        f"<!-- suite:{SUITE} -->",
        f"## Suite `{SUITE}`: a live scan against moto server on loopback",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {machine()}",
        f"- Seeded through the server's API: {mix} (seeding took {seeding:.1f} s, not timed)",
        f"- Concurrency: {DEFAULT_WORKERS} threads (the default); retries: adaptive; `--since 0` (every job)",
        f"- Timed: `guardrails.live.scan` (collect, resolve KMS keys, judge every rule), median of {args.repeat}",
        f"- Reproduce: `.venv/bin/python bench/bench_live.py --total {args.total} --repeat {args.repeat}`",
        f"- 1-minute load average before each scan: {loads} (the machine is shared; nproc {os.cpu_count()})",
        "",
        "| resources | API calls | calls / resource | findings | errors | median wall s | resources / s "
        "| scanner CPU ms / resource | server CPU ms / call | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {m.resources} | {m.calls} | {m.calls / m.resources:.2f} | {m.findings} | {m.errors} | {m.seconds:.2f} "
        f"| {rate:.0f} "
        f"| {scanner_ms:.2f} | {server_ms} | ≥ {TARGET:.0f}/s: {verdict} |",
        "",
        "*Scanner CPU* is this process's user + system time during the scan (collection threads, KMS resolution, "
        "judging); *server CPU* is the moto server's, from /proc.",
        *_ceilings(m),
        "",
        f"<!-- /suite:{SUITE} -->",
    ]
    return "\n".join(lines) + "\n"


def _ceilings(run: Run) -> list[str]:
    """What each side's CPU cost per resource allows on one core of its own: the lower one bounds the rate."""
    if run.server_cpu is None:
        return []
    server = 1000 * run.server_cpu / run.resources
    scanner = 1000 * run.client_cpu / run.resources
    return [
        "",
        f"Per resource, the moto server spent {server:.1f} ms of CPU and the scanner {scanner:.1f} ms: on a core "
        f"each, at most {1000 / server:.0f} resources/s from the server and {1000 / scanner:.0f} from the scanner.",
        "moto server is werkzeug's development server: it answers every request with `Connection: close` (a new TCP "
        "connection and server thread per call, where AWS keeps connections alive) and dispatches under one lock, "
        "so the server side is the ceiling here.",
    ]


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def write_section(path: Path, section: str) -> None:
    """Replace the suite's section between its markers (appending it when missing); nothing else changes."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"<!-- suite:{SUITE} -->.*?<!-- /suite:{SUITE} -->\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, default=5000, help="resources to seed (default 5000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed scans (default 3)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--dry-run", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()
    section = run(args)
    if args.dry_run:
        print(section)
    else:
        write_section(args.results, section)
        print(section)


if __name__ == "__main__":
    main()
