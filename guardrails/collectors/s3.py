"""S3: each bucket's default encryption, bucket policy, public access block and tags.

Buckets are listed once per account and read in their own region; only buckets in the scanned
regions are assessed. A configuration S3 says is not set (no policy, no tags) is absent, as it is in
a template that does not set it; one that could not be read is unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from guardrails.collectors.base import GLOBAL as REGIONLESS
from guardrails.collectors.base import Context, Refused, Step, UnreadTags
from guardrails.sources import canonical

SERVICE = "s3"
GLOBAL = True
CALLS = {
    "ListBuckets": "s3:ListAllMyBuckets",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "GetBucketTagging": "s3:GetBucketTagging",
}
# Canonical property <- (operation, the error code meaning "not configured", the response field).
_READS = (
    ("ServerSideEncryptionConfiguration", "GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError"),
    ("Policy", "GetBucketPolicy", "NoSuchBucketPolicy"),
    ("PublicAccessBlockConfiguration", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration"),
    ("Tags", "GetBucketTagging", "NoSuchTagSet"),
)
_FIELD = {"Tags": "TagSet"}


def start(ctx: Context) -> Iterator[Step]:
    yield Step(SERVICE, REGIONLESS, partial(_buckets, ctx))


def _buckets(ctx: Context) -> Iterator[Step]:
    for bucket in ctx.api(SERVICE, CALLS).items("ListBuckets", "Buckets"):
        yield Step(SERVICE, REGIONLESS, partial(_bucket, ctx, bucket["Name"], bucket.get("BucketRegion")))


def _bucket(ctx: Context, name: str, region: str | None) -> Iterator[Any]:
    if region is None:
        location = ctx.api(SERVICE, CALLS).call("GetBucketLocation", subject=name, Bucket=name)
        constraint = location.get("LocationConstraint")
        # us-east-1 answers None; buckets made with the first API answer EU.
        region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)
    if region not in ctx.regions:
        return
    api = ctx.api(SERVICE, CALLS, region)
    props: dict[str, Any] = {"Bucket": name}
    tags: dict[str, Any] | None = None
    for key, operation, absent in _READS:
        try:
            response = api.call(operation, absent=(absent,), subject=name, Bucket=name)
        except Refused as exc:
            yield exc
            props[key] = exc.unread(key)
            if key == "Tags":
                tags = UnreadTags(props[key])
            continue
        if response is not None:
            props[key] = response[_FIELD.get(key, key)]
    if "Policy" in props:
        props["Policy"] = canonical.as_document(props["Policy"])
    arn = f"arn:{ctx.account.partition}:s3:::{name}"
    resource = canonical.make("s3.bucket", ctx.rid(name, region), props, arn, 1, {})
    if tags is not None:
        resource.tags = tags
    yield ctx.found(resource, region)
