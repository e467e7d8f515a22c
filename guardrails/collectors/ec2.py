"""EC2: VPC endpoints with their policy documents and private DNS; the regions an account has enabled."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from guardrails.collectors.base import Api, Context, Found, Step
from guardrails.model import ABSENT
from guardrails.sources import canonical

SERVICE = "ec2"
GLOBAL = False
CALLS = {"DescribeVpcEndpoints": "ec2:DescribeVpcEndpoints", "DescribeRegions": "ec2:DescribeRegions"}
ENABLED = ("opt-in-not-required", "opted-in")


def start(ctx: Context) -> Iterator[Step]:
    yield Step(SERVICE, ctx.region, partial(_endpoints, ctx))


def _endpoints(ctx: Context) -> Iterator[Found]:
    for endpoint in ctx.api(SERVICE, CALLS).items("DescribeVpcEndpoints", "VpcEndpoints"):
        yield ctx.found(_endpoint(ctx, endpoint))


def _endpoint(ctx: Context, endpoint: dict[str, Any]) -> Any:
    """DescribeVpcEndpoints -> the CreateVpcEndpoint request (security groups by id, policy as an object)."""
    props: dict[str, Any] = {
        key: endpoint[key]
        for key in ("VpcEndpointType", "VpcId", "ServiceName", "PrivateDnsEnabled", "SubnetIds", "RouteTableIds")
        if key in endpoint
    }
    props["SecurityGroupIds"] = [group["GroupId"] for group in endpoint.get("Groups") or []]
    props["PolicyDocument"] = canonical.as_document(endpoint.get("PolicyDocument", ABSENT))
    props["Tags"] = endpoint.get("Tags") or []
    vpce = endpoint["VpcEndpointId"]
    arn = f"arn:{ctx.account.partition}:ec2:{ctx.region}:{ctx.account.id}:vpc-endpoint/{vpce}"
    return canonical.make("ec2.vpc_endpoint", ctx.rid(vpce), props, arn, 1, {})


def region_status(api: Api) -> dict[str, str]:
    """Every region of the partition and its opt-in status (`opted-in`, `not-opted-in` ...)."""
    regions = api.call("DescribeRegions", AllRegions=True)["Regions"]
    return {region["RegionName"]: region.get("OptInStatus", "opt-in-not-required") for region in regions}
