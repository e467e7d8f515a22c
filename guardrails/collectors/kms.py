"""KMS: whether a key a resource names is customer-managed or AWS-managed.

ENC-1, ENC-2 and ENC-4 ask for a customer-managed key, and a key id or key ARN does not say whose
key it is. After collection, each key the resources name (at the paths the rules' customer-managed
key checks read) is described once in its account and region. A key is AWS-managed when KMS says so
(KeyManager AWS) or when it answers to an `alias/aws/` alias, a prefix KMS reserves for AWS-managed
keys. The value the rules then read spells that out: an AWS-managed key becomes its `alias/aws/`
alias, which the check fails; a key that could not be described becomes unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from guardrails.checks import key_approved
from guardrails.collectors.base import Context, Found, Refused
from guardrails.model import Path, Unknown
from guardrails.values import fan

SERVICE = "kms"
GLOBAL = False
CALLS = {"ListAliases": "kms:ListAliases", "DescribeKey": "kms:DescribeKey"}
RESERVED = "alias/aws/"


@dataclass(frozen=True, slots=True)
class Key:
    arn: str
    names: tuple[str, ...]  # key id, key ARN, alias names and alias ARNs
    aws_managed: bool


@dataclass(frozen=True, slots=True)
class KeyFact:
    """What a key reference, read in an account and region, turned out to be."""

    account: str
    region: str
    text: str
    key: Key | Unknown


@dataclass(frozen=True, slots=True)
class Site:
    """A key reference inside a collected resource."""

    found: Found
    path: Path
    text: str

    @property
    def region(self) -> str:
        """An ARN names its region; a key id or alias name is in the resource's region."""
        return self.text.split(":")[3] if self.text.startswith("arn:") else self.found.region


def sites(found: Iterable[Found], paths: dict[str, list[Path]]) -> list[Site]:
    """Every key reference to resolve; an `alias/aws/` name already says it is AWS-managed."""
    out = []
    for item in found:
        for parts in paths.get(item.resource.kind, ()):
            for value, _, path in fan(item.resource.props, parts):
                if isinstance(value, str) and value and RESERVED not in value:
                    out.append(Site(item, path, value))
    return out


def resolve(ctx: Context, texts: tuple[str, ...]) -> Iterator[Any]:
    """Describe each key named in one account and region."""
    api = ctx.api(SERVICE, CALLS)
    aliases: dict[str, list[str]] = {}
    try:
        for alias in api.items("ListAliases", "Aliases"):
            if alias.get("TargetKeyId"):
                aliases.setdefault(alias["TargetKeyId"], []).extend((alias["AliasName"], alias["AliasArn"]))
    except Refused as exc:
        yield exc  # KeyManager still tells an AWS-managed key apart
    for text in texts:
        try:
            described = api.call("DescribeKey", absent=("NotFoundException",), subject=text, KeyId=text)
        except Refused as exc:
            yield exc
            yield KeyFact(ctx.account.id, ctx.region, text, exc.unread(f"whether KMS key {text} is customer-managed"))
            continue
        if described is None:
            where = f"{ctx.account.id}/{ctx.region}"
            key: Key | Unknown = Unknown(f"KMS key {text} was not found in {where}: whose key it is, is unknown")
        else:
            meta = described["KeyMetadata"]
            names = (meta["KeyId"], meta["Arn"], *aliases.get(meta["KeyId"], ()))
            aws = meta.get("KeyManager") == "AWS" or any(RESERVED in name for name in names)
            key = Key(meta["Arn"], names, aws)
        yield KeyFact(ctx.account.id, ctx.region, text, key)


def apply(found_sites: list[Site], facts: Iterable[KeyFact], approved: list[str]) -> None:
    """Write what each reference resolved to where the rules read it."""
    table = {(fact.account, fact.region, fact.text): fact.key for fact in facts}
    for site in found_sites:
        key = table[(site.found.account, site.region, site.text)]
        _put(site.found.resource.props, site.path, _value(site.text, key, approved))


def _value(text: str, key: Key | Unknown, approved: list[str]) -> Any:
    """An AWS-managed key as its `alias/aws/` alias; a customer-managed key as the one of its names
    the approved list uses (an approved alias approves the key it points to), else as written."""
    if isinstance(key, Unknown):
        return key
    if key.aws_managed:
        reserved = [name for name in key.names if RESERVED in name]
        return reserved[-1] if reserved else f"{key.arn} ({RESERVED}*: KeyManager AWS)"
    if approved:
        return next((name for name in (text, *key.names) if key_approved(name, approved)), text)
    return text


def _put(node: Any, path: Path, value: Any) -> None:
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
