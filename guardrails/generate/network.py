"""VPC endpoint policies: the SageMaker API and runtime interface endpoints, and the S3 gateway endpoint.

The API endpoint carries the seed's interface-endpoint example: presigned URLs
only from the approved CIDRs (`aws:VpcSourceIp`). Everything else through
the interface endpoints is limited to principals of the platform's accounts
(`--account`), or, when none is named, to principals of the account that owns
the resource. The S3 gateway endpoint reaches the approved buckets only.
"""

from __future__ import annotations

from guardrails.generate.document import LIMITS, PolicyFile, Statement, policy
from guardrails.generate.keys import ApprovedValues, arn, one_or_many

PRESIGNED = ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl"]
S3_ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
]


def endpoint_files(
    ok: ApprovedValues, apps: tuple[str, ...], accounts: tuple[str, ...]
) -> tuple[list[PolicyFile], list[str]]:
    notes: list[str] = []
    if accounts:
        callers = {"StringEquals": {"aws:PrincipalAccount": one_or_many(accounts)}}
    else:
        callers = {"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}}
        notes.append(
            "endpoint-sagemaker-*: no --account named: callers are limited to the account that owns the resource "
            "(aws:ResourceAccount); name the platform accounts to allow calls that name no resource (List*)"
        )
    api: list[Statement] = []
    if ok.cidrs:
        api.append(
            {
                "Sid": "PresignedUrlFromTheVpcOnly",
                "Effect": "Allow",
                "Principal": "*",
                "Action": PRESIGNED,
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:VpcSourceIp": one_or_many(ok.cidrs)}},
            }
        )
    else:
        notes.append("endpoint-sagemaker-api: presigned URLs are not allowed through it: list approved.source_cidrs")
    api.append(
        {
            "Sid": "PlatformAccountsOnly",
            "Effect": "Allow",
            "Principal": "*",
            "NotAction": PRESIGNED,
            "Resource": "*",
            "Condition": callers,
        }
    )
    runtime = {
        "Sid": "InvokeApplicationEndpointsOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": [
            "sagemaker:InvokeEndpoint",
            "sagemaker:InvokeEndpointAsync",
            "sagemaker:InvokeEndpointWithResponseStream",
        ],
        "Resource": one_or_many([arn("endpoint", f"{app}-*") for app in apps] or [arn("endpoint", "*")]),
        "Condition": callers,
    }
    files = [
        _file("endpoint-sagemaker-api.json", api),
        _file("endpoint-sagemaker-runtime.json", [runtime]),
    ]
    if ok.buckets:
        resources = [r for b in ok.buckets for r in (f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*")]
        s3 = {"Sid": "ApprovedBucketsOnly", "Effect": "Allow", "Principal": "*", "Action": S3_ACTIONS,
              "Resource": resources}
        files.append(_file("endpoint-s3-gateway.json", [s3]))
    else:
        notes.append("endpoint-s3-gateway: not generated: list approved.buckets")
    return files, notes


def _file(name: str, statements: list[Statement]) -> PolicyFile:
    return PolicyFile(name, "endpoint", policy(statements), LIMITS["endpoint"])
