"""Organisation scale: a role assumed in each account, shards, and shards merged into the one scan."""

from __future__ import annotations

import json

import boto3
import pytest
from typer.testing import CliRunner

from guardrails.cli import app
from tests.live.conftest import ACCOUNT, REGION
from tests.live.seed import Seeded, expected_fails, name_of, organisation, seed

runner = CliRunner()
ROLE = "guardrails-scanner"


@pytest.fixture
def members(mock) -> list[str]:
    """An organisation: this (management) account and two members, in their order."""
    management = boto3.Session(region_name=REGION)
    organisation(management)
    org = management.client("organizations")
    return sorted(
        org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
        for name in ("research", "production")
    )


@pytest.fixture
def accounts(members: list[str]) -> dict[str, Seeded]:
    """Every account of the organisation, seeded through the role the scan assumes."""
    management = boto3.Session(region_name=REGION)
    seeded = {}
    for account in [ACCOUNT, *members]:
        role = f"arn:aws:iam::{account}:role/{ROLE}"
        credentials = management.client("sts").assume_role(RoleArn=role, RoleSessionName="seed")["Credentials"]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        )
        seeded[account] = seed(session, fix_moto=True, bucket_suffix=f"-{account}")
    return dict(sorted(seeded.items()))


def _scan(tmp_path, name: str, *args: str) -> tuple[int, str]:
    out = tmp_path / f"{name}.json"
    command = ["scan", "--live", "--regions", REGION, "--role-name", ROLE, "-f", "json", "-o", str(out), *args]
    result = runner.invoke(app, command)
    return result.exit_code, out.read_text()


def test_sharded_and_merged_equals_unsharded(accounts: dict[str, Seeded], tmp_path) -> None:
    code, whole = _scan(tmp_path, "whole", "--accounts", "all")
    assert code == 1
    report = json.loads(whole)
    assert report["errors"] == []
    assert {f["resource"]["id"].split("/")[0] for f in report["findings"]} == set(accounts)
    for account, seeded in accounts.items():  # each yields the seeded findings; SCPs only the management's
        failed = {
            (f["rule_id"], name_of(f["resource"]["id"], seeded).removesuffix(f"-{account}"))
            for f in report["findings"]
            if f["status"] == "fail" and f["resource"]["id"].startswith(account)
        }
        if account == ACCOUNT:
            assert failed == expected_fails(schedules=False)
        else:  # Organizations made the member's OrganizationAccountAccessRole, untagged
            assert failed == expected_fails(schedules=False) - {("GR301", "bad-scp")} | {
                ("GR401", "OrganizationAccountAccessRole")
            }
    members = {skip["path"] for skip in report["skipped"]}
    assert members == {f"aws://{a}/global/organizations" for a in accounts if a != ACCOUNT}

    shards = []
    for index in (1, 2, 3):
        code, text = _scan(tmp_path, f"shard{index}", "--accounts", "all", "--shard", f"{index}/3")
        shards.append(tmp_path / f"shard{index}.json")
        owners = {f["resource"]["id"].split("/")[0] for f in json.loads(text)["findings"]}
        assert owners == {list(accounts)[index - 1]}  # a deterministic share: every third account
    merged = tmp_path / "merged.json"
    result = runner.invoke(app, ["report", "merge", *map(str, shards), "-o", str(merged)])
    assert result.exit_code == 1  # the gate of the whole scan
    assert merged.read_text() == whole


def test_named_accounts_and_shards_of_them(members: list[str], tmp_path) -> None:
    code, text = _scan(tmp_path, "named", "--accounts", ",".join(members), "--shard", "2/2")
    assert code == 1
    assert {f["resource"]["id"].split("/")[0] for f in json.loads(text)["findings"]} == {members[1]}


def test_merge_refuses_overlapping_shards(members: list[str], tmp_path) -> None:
    _scan(tmp_path, "one", "--accounts", "all", "--shard", "1/2")
    shard = str(tmp_path / "one.json")
    result = runner.invoke(app, ["report", "merge", shard, shard])
    assert result.exit_code == 2 and "the shards overlap" in " ".join(result.output.split())


def test_other_accounts_need_a_role(mock) -> None:
    result = runner.invoke(app, ["scan", "--live", "--regions", REGION, "--accounts", "111122223333"])
    assert result.exit_code == 2 and "--role-name" in result.output
    result = runner.invoke(app, ["scan", "--live", "--shard", "3/2"])
    assert result.exit_code == 2 and "--shard" in result.output
    result = runner.invoke(app, ["scan", "--regions", REGION])
    assert result.exit_code == 2 and "need --live" in " ".join(result.output.split())
