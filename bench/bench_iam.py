"""Suite `iam`: the concrete evaluator's throughput and `guardrails policy verify`'s wall time.

(a) Evaluations per second of the seed's CreateTrainingJob guardrail on one core
(the process is pinned to one CPU where the OS allows): one parsed policy, a
compliant request, median of RUNS runs of N evaluations, once building a fresh
`Request` per call and once reusing one.
(b) Wall time of the installed `guardrails policy verify` on the seed's policy set
(the training guardrail, the notebook owner-only Deny, the presigned-URL identity
policy, the SageMaker API endpoint policy), median of RUNS subprocess runs after
one untimed warm-up.

Writes the `<!-- suite:iam -->` section of bench/RESULTS.md (creating the markers if
missing, leaving the rest alone). Rerun: `.venv/bin/python bench/bench_iam.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SUITE = "iam"
COMMAND = ".venv/bin/python bench/bench_iam.py"
EVALS_TARGET = 50_000.0
VERIFY_TARGET_S = 1.0

TRAINING = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TrainOnlyEncryptedIsolatedInTheVpc",
            "Effect": "Allow",
            "Action": "sagemaker:CreateTrainingJob",
            "Resource": "arn:aws:sagemaker:x:x:*/app1-*",
            "Condition": {
                "StringEquals": {"aws:RequestTag/CostCenter": "x", "sagemaker:VolumeKmsKey": "arn:aws:kms:x:x:key/x"},
                "Bool": {"sagemaker:InterContainerTrafficEncryption": "true", "sagemaker:NetworkIsolation": "true"},
                "ForAllValues:StringEquals": {
                    "sagemaker:VpcSubnets": ["subnet-a", "subnet-b"],
                    "sagemaker:VpcSecurityGroupIds": ["sg-x", "sg-y"],
                },
                "Null": {"sagemaker:VpcSubnets": "false"},
            },
        }
    ],
}
SEED = {
    "training-guardrail.json": TRAINING,
    "notebook-owner-only.json": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyTheCreatorOpensANotebook",
                "Effect": "Deny",
                "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
                "Resource": "*",
                "Condition": {"ForAllValues:StringNotEquals": {"sagemaker:ResourceTag/creatorUserId": "${aws:userId}"}},
            }
        ],
    },
    "presigned-url-identity.json": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyThroughVpce",
                "Effect": "Allow",
                "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-x"}},
            }
        ],
    },
    "sagemaker-api-endpoint-policy.json": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EndpointFromVpcCidr",
                "Effect": "Allow",
                "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
                "Resource": "*",
                "Principal": "*",
                "Condition": {"IpAddress": {"aws:VpcSourceIp": ["10.0.0.0/16"]}},
            }
        ],
    },
}
ACTION = "sagemaker:CreateTrainingJob"
RESOURCE = "arn:aws:sagemaker:x:x:training-job/app1-churn"
CONTEXT = {
    "aws:RequestTag/CostCenter": "x",
    "sagemaker:VolumeKmsKey": "arn:aws:kms:x:x:key/x",
    "sagemaker:InterContainerTrafficEncryption": True,
    "sagemaker:NetworkIsolation": True,
    "sagemaker:VpcSubnets": ["subnet-a", "subnet-b"],
    "sagemaker:VpcSecurityGroupIds": ["sg-x"],
}


def evaluations_per_second(count: int, runs: int, fresh: bool) -> list[float]:
    """Evaluations/s of each run: one parsed policy, the compliant request."""
    from guardrails.iam import Request, evaluate, parse_policy

    policy = parse_policy(TRAINING, name="training")
    identity = [policy]
    reused = Request(ACTION, RESOURCE, CONTEXT)
    assert evaluate(reused, identity=identity).allowed
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        if fresh:
            for _ in range(count):
                evaluate(Request(ACTION, RESOURCE, CONTEXT), identity=identity)
        else:
            for _ in range(count):
                evaluate(reused, identity=identity)
        rates.append(count / (time.perf_counter() - start))
    return rates


def verify_times(executable: str, runs: int) -> tuple[list[float], int, dict[str, int]]:
    """Wall seconds of each `guardrails policy verify` run on the seed set, its exit code and summary."""
    with tempfile.TemporaryDirectory() as work:
        for name, document in SEED.items():
            Path(work, name).write_text(json.dumps(document, indent=2))
        command = [executable, "policy", "verify", *SEED, "--format", "json"]
        subprocess.run(command, cwd=work, capture_output=True, check=False)  # warm-up: byte-code caches
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"verify failed (exit {done.returncode}): {done.stderr}")
        return times, done.returncode, json.loads(done.stdout)["summary"]


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"nproc {os.cpu_count()}; CPU {cpu}; {system}; Python {platform.python_version()}"


def render(
    args: argparse.Namespace, fresh: list[float], reused: list[float], verify: list[float], code: int, summary: dict
) -> str:
    def check(ok: bool) -> str:
        return "met" if ok else "**missed**"

    evals, once = statistics.median(fresh), statistics.median(reused)
    wall = statistics.median(verify)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    counts = ", ".join(f"{value} {key}" for key, value in summary.items())
    lines = [
        f"<!-- suite:{SUITE} -->",
        "## Suite `iam`: concrete evaluator throughput and `policy verify` wall time",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}; 1-minute load average at the end: {load:.1f}",
        f"- Reproduce: `{COMMAND}`",
        "- Evaluations: the seed's CreateTrainingJob guardrail, one parsed policy, a compliant request, "
        f"{args.evaluations:,} evaluations a run, one core; median of {args.runs} runs",
        f"- Verify: the seed's four policies as files, `guardrails policy verify ... --format json` as a subprocess, "
        f"median of {args.runs} runs after one warm-up; exit {code} ({counts})",
        "",
        "| measure | median | min–max | target | |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| evaluations/s, fresh `Request` per call | {evals:,.0f} | {min(fresh):,.0f}–{max(fresh):,.0f} "
        f"| ≥ {EVALS_TARGET:,.0f} | {check(evals >= EVALS_TARGET)} |",
        f"| evaluations/s, one reused `Request` | {once:,.0f} | {min(reused):,.0f}–{max(reused):,.0f} "
        f"| ≥ {EVALS_TARGET:,.0f} | {check(once >= EVALS_TARGET)} |",
        f"| `policy verify` on the seed set, wall s | {wall:.3f} | {min(verify):.3f}–{max(verify):.3f} "
        f"| < {VERIFY_TARGET_S:.1f} | {check(wall < VERIFY_TARGET_S)} |",
        "",
        "The verify run proves each applicable control with z3 and repeats it with the bounded search "
        "to cross-check; it exits 1 because the presigned-URL identity policy alone does not keep other "
        "users out of a notebook (IAM-2): in the seed, the owner-only Deny does.",
        f"<!-- /suite:{SUITE} -->",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace this suite's section of ``path`` (or append it), leaving the rest untouched."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"<!-- suite:{SUITE} -->.*?<!-- /suite:{SUITE} -->\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--evaluations", type=int, default=50_000)
    parser.add_argument("--guardrails", default=str(Path(sys.executable).with_name("guardrails")))
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--dry-run", action="store_true", help="print the section instead of writing it")
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    fresh = evaluations_per_second(args.evaluations, args.runs, fresh=True)
    reused = evaluations_per_second(args.evaluations, args.runs, fresh=False)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    verify, code, summary = verify_times(args.guardrails, args.runs)
    section = render(args, fresh, reused, verify, code, summary)
    if not args.dry_run:
        write_section(args.results, section)
    sys.stdout.write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
