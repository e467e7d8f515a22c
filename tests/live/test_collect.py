"""A seeded moto account, scanned live: exactly the expected findings, where they belong."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest

from guardrails import collectors
from guardrails.collectors.base import Account, CallCounter, UndeclaredCall
from guardrails.config import Approved, Config
from guardrails.live import LiveOptions, LiveScan, scan
from guardrails.model import Status
from guardrails.rules import load_rules
from tests.live.conftest import ACCOUNT, REGION
from tests.live.seed import EXPECTED_FAILS, Seeded, expected_fails, name_of, organisation, schedules, seed


def run(config: Config | None = None, **options) -> LiveScan:
    return scan(LiveOptions(regions=(REGION,), **options), config or Config(), load_rules())


@pytest.fixture
def seeded(mock, monitoring_schedules) -> Seeded:
    session = boto3.Session(region_name=REGION)
    made = seed(session, fix_moto=True)
    organisation(session)
    monitoring_schedules.schedules = schedules(made.account)
    return made


def test_seeded_account_gives_exactly_the_expected_findings(seeded: Seeded) -> None:
    report = run().report
    assert report.errors == []
    failed = {(f.rule_id, name_of(f.resource_id, seeded)) for f in report.findings if f.status is Status.FAIL}
    assert failed == expected_fails()
    others = [f for f in report.findings if name_of(f.resource_id, seeded) not in EXPECTED_FAILS]
    assert others and all(f.status is Status.PASS for f in others), [f for f in others if f.status is not Status.PASS]
    assert not [f for f in report.findings if f.status in (Status.UNKNOWN, Status.ERROR)]
    judged = {name_of(f.resource_id, seeded) for f in report.findings}
    goods = "train process tune transform model config endpoint notebook domain pipeline monitor schedule bucket"
    assert {f"good-{what}" for what in (*goods.split(), "api", "s3", "role", "boundary")} <= judged
    assert {"good-role/read", "good-pipeline/train", "FullAWSAccess"} <= judged


def test_every_kind_is_collected_and_located_by_arn_account_and_region(seeded: Seeded) -> None:
    report = run().report
    kinds = {f.resource_kind for f in report.findings}
    assert kinds >= {
        "sagemaker.training_job", "sagemaker.processing_job", "sagemaker.tuning_job", "sagemaker.transform_job",
        "sagemaker.model", "sagemaker.endpoint_config", "sagemaker.endpoint", "sagemaker.notebook_instance",
        "sagemaker.domain", "sagemaker.pipeline", "sagemaker.monitoring_job_definition",
        "sagemaker.monitoring_schedule", "s3.bucket",
        "ec2.vpc_endpoint", "iam.role", "policy.identity", "policy.scp",
    }  # fmt: skip
    for finding in report.findings:
        assert finding.path.startswith("arn:aws:") and finding.line == 1 and finding.source == "live"
        account, region, _ = finding.resource_id.split("/", 2)
        assert account == ACCOUNT and region in (REGION, "global")
    notebook = next(f for f in report.findings if f.resource_id.endswith("/bad-notebook"))
    assert notebook.path == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/bad-notebook"
    inline = next(f for f in report.findings if f.resource_id == f"{ACCOUNT}/global/bad-role/admin")
    assert inline.path == f"arn:aws:iam::{ACCOUNT}:role/bad-role"
    bucket = next(f for f in report.findings if f.resource_id == f"{ACCOUNT}/{REGION}/bad-bucket")
    assert bucket.path == "arn:aws:s3:::bad-bucket"


def test_aws_managed_keys_fail_and_customer_keys_pass_however_they_are_named(seeded: Seeded) -> None:
    by = {(f.rule_id, name_of(f.resource_id)): f for f in run().report.findings}
    # Named by key ARN, resolved through its alias/aws/s3 alias; by key ARN with KeyManager AWS; by key id.
    assert "alias/aws/s3" in by[("GR101", "bad-train")].message
    assert "KeyManager AWS" in by[("GR101", "bad-transform")].message
    assert by[("GR104", "bad-bucket")].status is Status.FAIL and "AWS-managed" in by[("GR104", "bad-bucket")].message
    # A customer key named by ARN, by key id (OutputDataConfig) and by alias (the transform's output).
    for rule, name in (("GR101", "good-train"), ("GR102", "good-train"), ("GR102", "good-transform")):
        assert by[(rule, name)].status is Status.PASS


def test_an_approved_key_list_approves_a_key_by_any_of_its_names(seeded: Seeded) -> None:
    approved = run(Config(approved=Approved(kms_keys=["alias/platform"]))).report
    by = {(f.rule_id, name_of(f.resource_id)): f for f in approved.findings}
    assert by[("GR101", "good-train")].status is Status.PASS  # named by key ARN, approved by alias
    other = run(Config(approved=Approved(kms_keys=["alias/someone-else"]))).report
    by = {(f.rule_id, name_of(f.resource_id)): f for f in other.findings}
    assert by[("GR101", "good-train")].status is Status.FAIL
    assert "not an approved KMS key" in by[("GR101", "good-train")].message


def test_since_limits_jobs_to_recent_ones(seeded: Seeded) -> None:
    from moto.sagemaker.models import sagemaker_backends

    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=90)  # moto keeps naive UTC
    sagemaker_backends[ACCOUNT][REGION].training_jobs["bad-train"].creation_time = old

    def trained(**options) -> set[str]:
        ids = {f.resource_id for f in run(**options).report.findings if f.resource_kind == "sagemaker.training_job"}
        return {name_of(i) for i in ids}

    assert "bad-train" not in trained()  # 30 days by default
    assert "bad-train" in trained(since_days=0)
    assert "bad-train" in trained(since_days=120)
    assert "good-train" in trained()


def test_unread_tags_are_unknown_never_absent(seeded: Seeded, faults) -> None:
    faults.deny = frozenset({"sagemaker.ListTags"})
    report = run().report
    notebook = {f.rule_id: f for f in report.findings if f.resource_id.endswith("/good-notebook")}
    for rule in ("GR303", "GR306", "GR401"):
        assert notebook[rule].status is Status.UNKNOWN and "ListTags" in notebook[rule].message
    assert notebook["GR101"].status is Status.PASS  # what was read is still judged
    assert [e.reason.split(" ")[0] for e in report.errors] == ["ListTags"]
    assert "sagemaker:ListTags" in report.errors[0].reason


def test_calls_are_those_the_collectors_declare(seeded: Seeded) -> None:
    declared = {f"{m.SERVICE}:{op}" for m in collectors.modules() for op in m.CALLS}
    made = run().calls
    assert set(made) <= declared
    assert {"sagemaker:ListTags", "kms:DescribeKey", "iam:GetAccountAuthorizationDetails"} <= set(made)
    account = Account(ACCOUNT, "aws", boto3.Session(region_name=REGION), None, CallCounter())
    api = account.api("s3", {"ListBuckets": "s3:ListAllMyBuckets"}, REGION)
    with pytest.raises(UndeclaredCall):
        api.call("DeleteBucket", Bucket="good-bucket")


def test_attached_aws_managed_policies_are_judged() -> None:
    from moto import mock_aws

    with mock_aws(config={"iam": {"load_aws_managed_policies": True}}):
        iam = boto3.client("iam")
        iam.create_role(RoleName="admin", AssumeRolePolicyDocument="{}")
        iam.attach_role_policy(RoleName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        findings = run().report.findings
    admin = {f.rule_id: f for f in findings if f.path == "arn:aws:iam::aws:policy/AdministratorAccess"}
    assert admin["GR307"].status is Status.FAIL
    assert not [f for f in findings if f.path == "arn:aws:iam::aws:policy/ReadOnlyAccess"]  # not attached


def test_buckets_are_read_in_their_region_and_only_in_scanned_regions(mock) -> None:
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket="dublin-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

    def buckets(*regions: str) -> set[str]:
        report = scan(LiveOptions(regions=regions), Config(), load_rules()).report
        return {f.resource_id for f in report.findings if f.resource_kind == "s3.bucket"}

    assert buckets(REGION) == set()
    assert buckets(REGION, "eu-west-1") == {f"{ACCOUNT}/eu-west-1/dublin-bucket"}


def test_progress_counts_steps_and_resources_per_service_and_region() -> None:
    import io

    from rich.console import Console
    from rich.progress import Progress

    from guardrails.cli_live import _Display

    with Progress(console=Console(file=io.StringIO(), force_terminal=True)) as progress:
        display = _Display(progress)
        display.add("sagemaker", REGION)
        display.add("sagemaker", REGION)
        display.done("sagemaker", REGION, 3)
        [task] = progress.tasks
    assert (task.description, task.total, task.completed, task.fields["resources"]) == (
        f"sagemaker {REGION}",
        2,
        1,
        3,
    )
