"""STS: who the caller is, and the credentials of a role in each account an organisation scan reaches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guardrails.collectors.base import Api

SERVICE = "sts"
CALLS = {"GetCallerIdentity": "", "AssumeRole": "sts:AssumeRole"}
SESSION_NAME = "guardrails-live-scan"


@dataclass(frozen=True, slots=True)
class Caller:
    account: str
    partition: str


def caller(api: Api) -> Caller:
    identity = api.call("GetCallerIdentity")
    return Caller(identity["Account"], identity["Arn"].split(":")[1])


def assume(api: Api, role_arn: str) -> dict[str, Any]:
    """Temporary credentials of `role_arn`, as keyword arguments for `boto3.Session`."""
    credentials = api.call("AssumeRole", subject=role_arn, RoleArn=role_arn, RoleSessionName=SESSION_NAME)[
        "Credentials"
    ]
    return {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
