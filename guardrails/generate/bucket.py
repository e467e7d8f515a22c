"""Each approved bucket: default SSE-KMS with the approved key, and the policy that denies what it must.

The policy denies uploads that do not ask for SSE-KMS (a `Null` deny names the
header-less case, which `StringNotEquals` also covers), uploads under a key
that is not approved, and any request without TLS. The default encryption is a
PutBucketEncryption request (`aws s3api put-bucket-encryption --cli-input-json`).
"""

from __future__ import annotations

from guardrails.generate.document import LIMITS, PolicyFile, Statement, policy
from guardrails.generate.keys import ApprovedValues, one_or_many

SSE = "s3:x-amz-server-side-encryption"
SSE_KEY = "s3:x-amz-server-side-encryption-aws-kms-key-id"
KMS = ["aws:kms", "aws:kms:dsse"]
ENCRYPTION_DIR = "put-bucket-encryption"
"""Requests, not policies: kept apart so that `guardrails policy verify DIR/*.json` takes every policy."""


def bucket_files(ok: ApprovedValues) -> tuple[list[PolicyFile], list[str]]:
    if not ok.buckets:
        return [], ["bucket: not generated: list approved.buckets"]
    notes = [] if ok.default_key else ["bucket: default encryption not generated: list approved.kms_keys"]
    files = []
    for bucket in ok.buckets:
        document = policy(_statements(bucket, ok))
        files.append(PolicyFile(f"bucket-{bucket}-policy.json", "bucket", document, LIMITS["bucket"]))
        if ok.default_key:
            request = _encryption(bucket, ok.default_key)
            files.append(PolicyFile(f"{ENCRYPTION_DIR}/{bucket}.json", "encryption", request))
    return files, notes


def _statements(bucket: str, ok: ApprovedValues) -> list[Statement]:
    objects = f"arn:aws:s3:::{bucket}/*"
    statements: list[Statement] = [
        _deny("DenyUploadsWithoutEncryptionHeader", "s3:PutObject", objects, {"Null": {SSE: "true"}}),
        _deny("DenyUploadsNotEncryptedWithKms", "s3:PutObject", objects, {"StringNotEquals": {SSE: KMS}}),
    ]
    if ok.keys:
        operator = "ArnNotLike" if ok.keys_are_patterns else "StringNotEquals"
        statements.append(
            _deny(
                "DenyUploadsUnderUnapprovedKeys",
                "s3:PutObject",
                objects,
                {operator: {SSE_KEY: one_or_many(ok.keys)}, "Null": {SSE_KEY: "false"}},
            )
        )
    statements.append(
        _deny(
            "DenyInsecureTransport",
            "s3:*",
            [f"arn:aws:s3:::{bucket}", objects],
            {"Bool": {"aws:SecureTransport": "false"}},
        )
    )
    return statements


def _deny(sid: str, action: str, resource: str | list[str], condition: dict) -> Statement:
    return {"Sid": sid, "Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource,
            "Condition": condition}


def _encryption(bucket: str, key: str) -> dict:
    return {
        "Bucket": bucket,
        "ServerSideEncryptionConfiguration": {
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    }
