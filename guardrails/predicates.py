"""Predicates: the controls judged by what a policy *does* (IAM-1..6, NET-4..6, ENC-5, ENC-6, GOV-4).

Each predicate receives a policy document (with `Fn::If` branches and
deploy-time parts still in it) and answers with a status and a sentence; a
`fail` always names a concrete request that the IAM evaluator confirmed.
Verdicts are cached by document, since real estates repeat their policies.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from guardrails.model import ABSENT, Partial, Ref, Status, Unknown
from guardrails.values import first_unknown, variants

if TYPE_CHECKING:
    from guardrails.checks import Context
    from guardrails.iam.policy import Policy

Outcome = tuple[Status, str]
Judge = Callable[["Policy", "Context"], Outcome]
PREDICATES: dict[str, Callable[[Any, Context], Outcome]] = {}
_CACHE: dict[tuple[Any, ...], Outcome] = {}
_PARSED: dict[int, tuple[Any, list[tuple[str, Any]]]] = {}
_CACHE_CONFIG: list[Any] = [None]
_PARTIAL = re.compile(r"\$\{AWS::(\w+)\}")
_PSEUDO = {"Region": "us-east-1", "AccountId": "111122223333", "Partition": "aws"}

LAYER = {
    "policy.identity": "identity",
    "policy.scp": "scp",
    "policy.bucket": "resource",
    "s3.bucket": "resource",
    "policy.endpoint": "endpoint",
    "ec2.vpc_endpoint": "endpoint",
}

# Create action -> (resource type in its ARN, the controls its condition keys must enforce).
CREATE_ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sagemaker:CreateTrainingJob": ("training-job", ("volume", "icte", "isolation", "subnets", "groups")),
    "sagemaker:CreateHyperParameterTuningJob": (
        "hyper-parameter-tuning-job",
        ("volume", "icte", "isolation", "subnets", "groups"),
    ),
    "sagemaker:CreateProcessingJob": ("processing-job", ("volume", "icte", "isolation", "subnets", "groups")),
    "sagemaker:CreateTransformJob": ("transform-job", ("volume",)),
    "sagemaker:CreateModel": ("model", ("isolation", "subnets", "groups")),
    "sagemaker:CreateNotebookInstance": ("notebook-instance", ("volume", "subnets", "groups", "internet", "root")),
    "sagemaker:CreateEndpointConfig": ("endpoint-config", ("volume",)),
}
PRESIGNED_ACTIONS = {
    "sagemaker:CreatePresignedNotebookInstanceUrl": "notebook-instance",
    "sagemaker:CreatePresignedDomainUrl": "user-profile",
}


_NO_POLICY: Outcome = (Status.FAIL, "no policy document")


def predicate(name: str, missing: Outcome = _NO_POLICY) -> Callable[[Judge], Judge]:
    """Register a policy predicate under `name`, wrapped with branch expansion, parsing and caching.

    `missing` is the verdict when there is no policy at all."""

    def register(judge: Judge) -> Judge:
        def run(value: Any, ctx: Context) -> Outcome:
            if value is ABSENT or value is None or value == {}:
                return missing
            return _judge_document(name, judge, value, ctx)

        PREDICATES[name] = run
        return judge

    return register


def _judge_document(name: str, judge: Judge, value: Any, ctx: Context) -> Outcome:
    if _CACHE_CONFIG[0] is not ctx.config:  # verdicts depend on the approved lists: a new config, a new cache
        _CACHE.clear()
        _CACHE_CONFIG[0] = ctx.config
    worst: Outcome | None = None
    for label, policy in _parsed(value):
        if isinstance(policy, tuple):
            outcome = policy
        else:
            bucket = ctx.resource.props.get("Bucket") if ctx.resource.kind == "s3.bucket" else None
            key = (name, policy, ctx.resource.kind, str(bucket))
            outcome = _CACHE.get(key)
            if outcome is None:
                if len(_CACHE) > 16384:  # bounded: a large scan must not keep every policy alive
                    _CACHE.clear()
                outcome = _CACHE[key] = _shape_error(policy, ctx) or _judge_bounded(judge, policy, ctx)
        if label:
            outcome = (outcome[0], f"{outcome[1]} [when {label}]")
        if worst is None or _RANK[outcome[0]] > _RANK[worst[0]]:
            worst = outcome
    assert worst is not None
    return worst


def _judge_bounded(judge: Judge, policy: Policy, ctx: Context) -> Outcome:
    from guardrails.reasoning import SearchLimit

    try:
        return judge(policy, ctx)
    except SearchLimit as exc:
        return Status.UNKNOWN, f"{exc}; prove it with `guardrails policy verify`"


def _shape_error(policy: Policy, ctx: Context) -> Outcome | None:
    """A policy whose statements do not fit its kind (a Principal in an identity policy, none in a bucket policy)."""
    needs_principal = LAYER.get(ctx.resource.kind) in ("resource", "endpoint")
    for statement in policy.statements:
        if (statement.principal is not None) != needs_principal:
            where = f"statement {statement.sid or statement.index}"
            what = "must name a Principal" if needs_principal else "must not name a Principal"
            return Status.ERROR, f"not a valid {ctx.resource.kind.split('.')[-1]} policy: {where} {what}"
    return None


def _parsed(value: Any) -> list[tuple[str, Policy | Outcome]]:
    """Each branch of a policy document, parsed once however many rules judge it."""
    from guardrails.iam import PolicyError, parse_policy

    cached = _PARSED.get(id(value))
    if cached is not None and cached[0] is value:
        return cached[1]
    unknown = first_unknown(value)
    out: list[tuple[str, Policy | Outcome]] = []
    if unknown is not None:
        out.append(("", (Status.UNKNOWN, f"policy cannot be judged: {unknown.reason}")))
    else:
        for label, document in variants(value):
            try:
                out.append((label, parse_policy(_plain(document))))
            except PolicyError as exc:
                out.append((label, (Status.ERROR, f"not a valid policy: {exc}")))
    if len(_PARSED) > 1024:
        _PARSED.clear()
    _PARSED[id(value)] = (value, out)
    return out


_RANK = {Status.PASS: 0, Status.UNKNOWN: 1, Status.ERROR: 2, Status.FAIL: 3}


_DEFAULT_ENDPOINT_POLICY: Outcome = (
    Status.FAIL,
    "no endpoint policy: the default policy allows every action by every principal",
)


def _plain(value: Any) -> Any:
    """Resolved template values -> the JSON a policy parser takes; deploy-time parts become probe values."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not ABSENT}
    if isinstance(value, list):
        return [_plain(v) for v in value if v is not ABSENT]
    if isinstance(value, Partial | Ref):
        return _PARTIAL.sub(lambda m: _PSEUDO.get(m.group(1), "probe"), str(value))
    if isinstance(value, Unknown):
        raise AssertionError("unknown values are reported before parsing")
    return value


def _pset(policy: Policy, ctx: Context, action: str, guard: bool = False):
    """The policy under test in its layer, completed so that only it decides.

    An SCP, endpoint or bucket policy limits what other policies grant, so it is
    judged beside an allow-all. An identity policy grants on its own, except with
    `guard`: then a policy that only denies `action` is judged as the guardrail it
    is, beside an allow-all (the seed's notebook Deny)."""
    from guardrails.iam.policy import Effect
    from guardrails.reasoning import ALLOW_ALL, PolicySet, action_matches, resource_allow_all

    layer = LAYER.get(ctx.resource.kind, "identity")
    if layer == "identity":
        allows = any(s.effect is Effect.ALLOW and action_matches(s, action) for s in policy.statements)
        if guard and not allows:
            return PolicySet(identity=(policy, ALLOW_ALL), drivers=(ALLOW_ALL,))
        return PolicySet(identity=(policy,), drivers=(policy,))
    if layer == "scp":
        has_allow = any(s.effect is Effect.ALLOW for s in policy.statements)
        scps = (policy,) if has_allow else (policy, ALLOW_ALL)
        return PolicySet(identity=(ALLOW_ALL,), scps=scps, drivers=(policy,) if has_allow else (ALLOW_ALL,))
    if layer == "endpoint":
        return PolicySet(identity=(ALLOW_ALL,), endpoint=(policy,), drivers=(policy,))
    return PolicySet(identity=(ALLOW_ALL,), resource=(policy, resource_allow_all()), drivers=(ALLOW_ALL,))


def _governs(policy: Policy, ctx: Context, action: str) -> bool:
    """Whether the policy speaks about `action`; an SCP's blanket `*` (FullAWSAccess) does not count."""
    from guardrails.reasoning import action_matches

    strict = LAYER.get(ctx.resource.kind) == "scp"
    return any(action_matches(s, action) and not (strict and s.actions == ("*",)) for s in policy.statements)


def _arn(rtype: str, name: str = "guardrails-probe") -> str:
    from guardrails.reasoning import ACCOUNT, REGION

    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{rtype}/{name}"


# ---- IAM-1: creation only with the security condition keys enforced ---------------------------------


def _unapproved(policy: Policy, key: str, approved: list[str], same: Callable[[str, list[str]], bool]) -> list[str]:
    """The policy's own values for `key` (patterns made concrete) that the approved list does not hold:
    a policy that pins an unapproved value lets exactly that value through."""
    from guardrails.reasoning import _instantiate, _names, mentioned_keys

    if not approved:
        return []
    keys = mentioned_keys([policy])
    values = {_instantiate(v) for name in _names(key) for c in keys.get(name, []) for v in c.values if "${" not in v}
    return sorted(v for v in values if not same(v, approved))


def _listed(value: str, approved: list[str]) -> bool:
    return value in approved


def _violations(requirement: str, policy: Policy, ctx: Context) -> tuple[str, list[Any], str]:
    """(condition key, values that break the control, control) for one requirement."""
    from guardrails.checks import key_approved
    from guardrails.reasoning import ACCOUNT, OUTSIDER, REGION

    approved = ctx.config.approved
    if requirement == "volume":
        key = "sagemaker:VolumeKmsKey"
        bad: list[Any] = [ABSENT, f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/sagemaker"]
        if approved.kms_keys:
            bad.append(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{OUTSIDER}")
        bad += _unapproved(policy, key, approved.kms_keys, key_approved)
        return key, bad, "ENC-1"
    if requirement == "icte":
        return "sagemaker:InterContainerTrafficEncryption", [ABSENT, False], "ENC-3"
    if requirement == "isolation":
        return "sagemaker:NetworkIsolation", [ABSENT, False], "NET-2"
    if requirement in ("subnets", "groups"):
        key = "sagemaker:VpcSubnets" if requirement == "subnets" else "sagemaker:VpcSecurityGroupIds"
        listed = approved.subnets if requirement == "subnets" else approved.security_groups
        own = [[value] for value in _unapproved(policy, key, listed, _listed)]
        return key, [ABSENT] + ([[f"{requirement}-{OUTSIDER}"]] if listed else []) + own, "NET-1"
    if requirement == "internet":
        return "sagemaker:DirectInternetAccess", [ABSENT, "Enabled"], "NET-3"
    return "sagemaker:RootAccess", [ABSENT, "Enabled"], "IAM-7"


@predicate("secure_compute_creation")
def secure_compute_creation(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.reasoning import find

    governed = []
    for action, (rtype, requirements) in CREATE_ACTIONS.items():
        if ctx.resource.kind == "policy.scp" and not _governs(policy, ctx, action):
            continue
        pset = _pset(policy, ctx, action)
        resources = [_arn(rtype)]
        if find(pset, action, resources=resources, resource_type=rtype) is None:
            continue
        governed.append(action.split(":")[1])
        for requirement in requirements:
            key, bad, control = _violations(requirement, policy, ctx)
            found = find(pset, action, forced={key: bad}, resources=resources, resource_type=rtype)
            if found is not None:
                return Status.FAIL, f"allows {found} (breaks {control})"
    if not governed:
        return Status.PASS, "allows none of the SageMaker compute-creation actions"
    return Status.PASS, f"{', '.join(governed)} allowed only with the security condition keys enforced"


# ---- IAM-2: only the notebook's creator opens it -----------------------------------------------------


@predicate("notebook_creator_only")
def notebook_creator_only(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.reasoning import find, mentioned_keys

    action = "sagemaker:CreatePresignedNotebookInstanceUrl"
    if not _governs(policy, ctx, action):
        return Status.PASS, "does not govern CreatePresignedNotebookInstanceUrl"
    key = "sagemaker:ResourceTag/creatorUserId"
    constants = [v for c in mentioned_keys([policy]).get(key.lower(), []) for v in c.values if "${" not in v]
    found = find(
        _pset(policy, ctx, action, guard=True),
        action,
        forced={key: [ABSENT, "AROAGUARDRAILSOTHER:someone-else", *constants]},
        resources=[_arn("notebook-instance")],
        resource_type="notebook-instance",
    )
    if found is not None:
        return Status.FAIL, f"allows {found}: a user who did not create the notebook opens it"
    return Status.PASS, "presigned notebook URLs are denied unless creatorUserId equals ${aws:userId}"


# ---- IAM-3 / IAM-4: prefix-scoped and cost-tagged creation ---------------------------------------------


@predicate("create_scoped_to_prefix")
def create_scoped_to_prefix(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.reasoning import OUTSIDER, find

    prefixes = ctx.config.approved.app_prefixes
    names = [f"zz{OUTSIDER}"]
    for action, (rtype, _) in CREATE_ACTIONS.items():
        pset = _pset(policy, ctx, action)
        if find(pset, action, resources=[_arn(rtype)], resource_type=rtype) is None:
            continue
        targets = [_arn(rtype, n) for n in names]
        if prefixes:
            targets += [_arn(rtype, n) for n in _harvested_prefixes(policy, prefixes)]
        found = find(pset, action, forced_resources=targets)
        if found is not None:
            return Status.FAIL, f"allows {found}: the resource name has no approved application prefix"
    return Status.PASS, "SageMaker creation is limited to application-prefixed resource names"


def _harvested_prefixes(policy: Policy, approved: list[str]) -> list[str]:
    """Names from the policy's own resource patterns whose prefix is not approved.

    A prefix ends at its dash (the only separator SageMaker names allow): `app1*` also
    admits `app10-…`, another application's namespace."""
    out = []
    for statement in policy.statements:
        for resource in statement.resources or ():
            name = resource.rsplit("/", 1)[-1].replace("*", "0probe").replace("?", "0")
            if "/" in resource and not any(name == p or name.startswith(f"{p}-") for p in approved):
                out.append(name)
    return out


@predicate("requires_cost_center_tag")
def requires_cost_center_tag(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.reasoning import OUTSIDER, find

    key, approved = "aws:RequestTag/CostCenter", ctx.config.approved.cost_centers
    bad: list[Any] = [ABSENT] + ([OUTSIDER] if approved else []) + _unapproved(policy, key, approved, _listed)
    for action, (rtype, _) in CREATE_ACTIONS.items():
        found = find(
            _pset(policy, ctx, action), action, forced={key: bad}, resources=[_arn(rtype)], resource_type=rtype
        )
        if found is not None:
            return Status.FAIL, f"allows {found}: no approved CostCenter tag is required"
    return Status.PASS, "SageMaker creation requires an approved aws:RequestTag/CostCenter"


# ---- IAM-5: no wildcard administration, no unrestricted PassRole ---------------------------------------


@predicate("no_wildcard_admin", missing=(Status.PASS, "no policy document"))
def no_wildcard_admin(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.iam.policy import Effect
    from guardrails.reasoning import ACCOUNT, action_matches, find

    for statement in policy.statements:
        if statement.effect is not Effect.ALLOW:
            continue
        on_everything = statement.not_resource or "*" in (statement.resources or ("*",))
        if not on_everything:
            continue
        for service in ("*", "iam", "sagemaker", "s3", "kms"):
            probe = "guardrailsprobe:AnyAction" if service == "*" else f"{service}:GuardrailsProbeAnyAction"
            if action_matches(statement, probe):
                what = "every action" if service == "*" else f"{service}:*"
                return Status.FAIL, f"statement {statement.sid or statement.index} allows {what} on every resource"
    if LAYER.get(ctx.resource.kind) == "identity":
        pset = _pset(policy, ctx, "iam:PassRole")
        found = find(
            pset,
            "iam:PassRole",
            forced={"iam:PassedToService": [ABSENT, "ec2.amazonaws.com"]},
            resources=[f"arn:aws:iam::{ACCOUNT}:role/guardrails-probe"],
        )
        if found is not None:
            return Status.FAIL, f"allows {found}: roles can be passed to services other than SageMaker"
        found = find(
            pset,
            "iam:PassRole",
            forced={"iam:PassedToService": ["sagemaker.amazonaws.com"]},
            forced_resources=[f"arn:aws:iam::{ACCOUNT}:role/guardrails-probe-any-role"],
        )
        if found is not None:
            return Status.FAIL, f"allows {found}: iam:PassRole is not limited to named roles"
    return Status.PASS, "no wildcard administration; iam:PassRole limited to named roles for SageMaker"


# ---- IAM-6: conditions that a request can escape by omitting a key ------------------------------------


@predicate("no_omission_bypass", missing=(Status.PASS, "no policy document"))
def no_omission_bypass(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.iam.operators import parse_operator
    from guardrails.iam.policy import Effect
    from guardrails.iam.policy import Policy as PolicyType
    from guardrails.reasoning import find

    for statement in policy.statements:
        if statement.effect is not Effect.ALLOW:
            continue
        risky = []
        for condition in statement.conditions:
            op = parse_operator(condition.operator)
            if (op.qualifier is not None and op.qualifier.value == "ForAllValues") or op.if_exists:
                risky.append(condition.key)
        if not risky:
            continue
        action = _instance(statement.actions[0]) if not statement.not_action else "guardrailsprobe:Action"
        pset = _pset(policy, ctx, action)
        pset.drivers = (PolicyType((statement,), policy.version, policy.name),)
        for key in dict.fromkeys(risky):
            found = find(pset, action, forced={key: [ABSENT]})
            if found is not None:
                return Status.FAIL, (
                    f"statement {statement.sid or statement.index} allows {found}: "
                    f"omitting {key} bypasses its condition (add Null {{{key}: false}})"
                )
    return Status.PASS, "no Allow can be satisfied by omitting a condition key"


def _instance(pattern: str) -> str:
    return "guardrailsprobe:Action" if pattern == "*" else pattern.replace("*", "Probe").replace("?", "P")


# ---- NET-4: presigned URLs only from approved networks -------------------------------------------------


@predicate("presigned_url_from_approved_network", missing=_DEFAULT_ENDPOINT_POLICY)
def presigned_url_from_approved_network(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.reasoning import OUTSIDE_IP, OUTSIDER, find, mentioned_keys

    approved = ctx.config.approved
    keys = mentioned_keys([policy])
    vpces = [v for c in keys.get("aws:sourcevpce", []) for v in c.values]
    unapproved = [v for v in vpces if approved.vpc_endpoints and v not in approved.vpc_endpoints]
    bad_vpce: list[Any] = [ABSENT, f"vpce-{OUTSIDER}", *unapproved]
    private = keys.get("aws:vpcsourceip", [])
    bad_ip: list[Any] = [ABSENT, OUTSIDE_IP]
    if approved.source_cidrs:
        bad_ip += _unapproved_hosts(private, approved.source_cidrs)
    checked = []
    for action, rtype in PRESIGNED_ACTIONS.items():
        pset = _pset(policy, ctx, action)
        allowed = _governs(policy, ctx, action) and find(pset, action, resources=[_arn(rtype)], resource_type=rtype)
        if not allowed:
            continue
        checked.append(action.split(":")[1])
        # aws:SourceIp is a public address: no value of it makes a request come from an approved network.
        public = [ABSENT, OUTSIDE_IP, *_unapproved_hosts(keys.get("aws:sourceip", []), [])]
        forced = {"aws:VpcSourceIp": bad_ip, "aws:SourceIp": public}
        if LAYER.get(ctx.resource.kind) != "endpoint":
            forced["aws:SourceVpce"] = bad_vpce
        found = find(pset, action, forced=forced, resources=[_arn(rtype)], resource_type=rtype)
        if found is not None:
            return Status.FAIL, f"allows {found}: a presigned URL from an unapproved network"
    if not checked:
        return Status.PASS, "does not allow presigned notebook or Studio URLs"
    return Status.PASS, f"{', '.join(checked)} allowed only from approved endpoints or addresses"


def _unapproved_hosts(conditions: list[Any], approved: list[str]) -> list[str]:
    """A host in each CIDR the conditions name that no approved CIDR contains."""
    nets = [ipaddress.ip_network(c, strict=False) for c in approved]
    out = []
    for condition in conditions:
        for value in condition.values:
            try:
                host = next(iter(ipaddress.ip_network(value, strict=False).hosts()))
            except (ValueError, StopIteration):
                continue
            if not any(host in net for net in nets if net.version == host.version):
                out.append(str(host))
    return out


# ---- NET-5 / NET-6: endpoint policies ------------------------------------------------------------------


@predicate("restrictive_endpoint_policy", missing=_DEFAULT_ENDPOINT_POLICY)
def restrictive_endpoint_policy(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.iam import Request
    from guardrails.reasoning import ALLOW_ALL, PolicySet

    outsider = "arn:aws:iam::999988887777:role/outsider"
    request = Request("sagemaker:GuardrailsProbeAnyAction", "*", {}, outsider)
    if PolicySet(identity=(ALLOW_ALL,), endpoint=(policy,)).decide(request).value == "Allowed":
        return Status.FAIL, (
            "the endpoint policy lets a principal of any account (999988887777 tried) call "
            "sagemaker actions through the endpoint without conditions"
        )
    return Status.PASS, "the endpoint policy restricts principals, actions or conditions"


@predicate("s3_endpoint_approved_buckets", missing=_DEFAULT_ENDPOINT_POLICY)
def s3_endpoint_approved_buckets(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.iam.policy import Effect
    from guardrails.reasoning import OUTSIDER, find

    if ctx.resource.kind == "policy.endpoint" and not any(
        a.lower().startswith("s3:") for s in policy.statements for a in s.actions
    ):
        return Status.PASS, "not an S3 endpoint policy (it names no S3 action)"
    pset = _pset(policy, ctx, "s3:PutObject")
    outside = f"arn:aws:s3:::{OUTSIDER}-bucket/object"
    for action in ("s3:PutObject", "s3:GetObject"):
        found = find(pset, action, forced_resources=[outside])
        if found is not None:
            return Status.FAIL, f"the endpoint policy allows {found}: a bucket outside the platform"
    approved = ctx.config.approved.buckets
    if approved:
        for statement in policy.statements:
            if statement.effect is Effect.ALLOW:
                for bucket in _buckets(statement.resources or ()):
                    if bucket not in approved:
                        return Status.FAIL, f"the endpoint policy allows bucket {bucket}, which is not approved"
    return Status.PASS, "the S3 endpoint policy allows approved buckets only"


def _buckets(resources: tuple[str, ...]) -> list[str]:
    return [r[len("arn:aws:s3:::") :].split("/", 1)[0] for r in resources if r.startswith("arn:aws:s3:::")]


# ---- ENC-5 / ENC-6: bucket policies that deny ---------------------------------------------------------


def _bucket_name(policy: Policy, ctx: Context) -> str:
    name = ctx.resource.props.get("Bucket") if ctx.resource.kind == "s3.bucket" else None
    if isinstance(name, str) and not isinstance(name, Ref | Partial):
        return name
    for statement in policy.statements:
        for bucket in _buckets(statement.resources or ()):
            return bucket.replace("*", "probe").replace("?", "p")
    return "guardrails-probe-bucket"


@predicate("denies_unencrypted_uploads")
def denies_unencrypted_uploads(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.iam import Decision
    from guardrails.reasoning import find

    obj = f"arn:aws:s3:::{_bucket_name(policy, ctx)}/guardrails-probe-object"
    pset = _pset(policy, ctx, "s3:PutObject")
    found = find(
        pset,
        "s3:PutObject",
        forced={"s3:x-amz-server-side-encryption": [ABSENT, "AES256"]},
        forced_resources=[obj],
        want=Decision.EXPLICIT_DENY,
    )
    if found is not None:
        return Status.FAIL, f"does not deny {found}: an upload that is not SSE-KMS encrypted"
    return Status.PASS, "uploads without SSE-KMS (header absent or AES256) are denied"


@predicate("denies_insecure_transport")
def denies_insecure_transport(policy: Policy, ctx: Context) -> Outcome:
    from guardrails.iam import Decision
    from guardrails.reasoning import find

    bucket = _bucket_name(policy, ctx)
    probes = (
        ("s3:GetObject", f"arn:aws:s3:::{bucket}/guardrails-probe-object"),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/guardrails-probe-object"),
        ("s3:DeleteObject", f"arn:aws:s3:::{bucket}/guardrails-probe-object"),
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}"),
    )
    for action, resource in probes:
        found = find(
            _pset(policy, ctx, action),
            action,
            forced={"aws:SecureTransport": [False]},
            forced_resources=[resource],
            want=Decision.EXPLICIT_DENY,
        )
        if found is not None:
            return Status.FAIL, f"does not deny {found}: a request without TLS"
    return Status.PASS, "requests without TLS (aws:SecureTransport false) are denied"


# ---- GOV-4: segregation of duties ----------------------------------------------------------------------


@predicate("segregated_duties")
def segregated_duties(policy: Policy, ctx: Context) -> Outcome:
    status, message = _duties(lambda action: _pset(policy, ctx, action), ctx)
    return status, f"allows {message}" if status is Status.FAIL else message


def _duties(pset_for: Callable[[str], Any], ctx: Context) -> Outcome:
    """Whether the policies allow a CreateTrainingJob and creating or updating an endpoint tagged prod."""
    from guardrails.reasoning import find

    tag = ctx.config.zones.tag_key
    action = "sagemaker:CreateTrainingJob"
    trains = find(pset_for(action), action, resources=[_arn("training-job")], resource_type="training-job")
    if trains is None:
        return Status.PASS, "does not allow creating training jobs"
    deploys = {
        "sagemaker:CreateEndpoint": f"aws:RequestTag/{tag}",
        "sagemaker:UpdateEndpoint": f"sagemaker:ResourceTag/{tag}",
    }
    for action, key in deploys.items():
        found = find(
            pset_for(action), action, forced={key: ["prod"]}, resources=[_arn("endpoint")], resource_type="endpoint"
        )
        if found is not None:
            return Status.FAIL, f"both {trains.request.action} and {found}: one identity trains and deploys to prod"
    return Status.PASS, "does not allow both training and deploying production endpoints"


_MAX_SETS = 64


def role_segregated_duties(value: Any, ctx: Context) -> Outcome:
    """GOV-4 over a role's whole policy set (`sources.role_policies`): inline and attached policies
    together, within the permission boundary. A policy not in the input leaves the verdict unknown
    unless the policies that are known already fail."""
    from itertools import product

    from guardrails.reasoning import PolicySet, SearchLimit

    if not isinstance(value, dict):
        return Status.UNKNOWN, "the role's policies were not gathered"
    known: list[list[tuple[str, Policy]]] = []
    missing: list[str] = []
    for name, document in value["Policies"]:
        branches, problem = _branches(document)
        if problem:
            missing.append(f"{name}: {problem}")
        if branches:
            known.append(branches)
    boundary = value["Boundary"]
    bounds: list[tuple[str, Policy | None]] = [("", None)]
    if boundary is not ABSENT:
        branches, problem = _branches(boundary)
        bounds = list(branches)
        if problem:
            bounds.append(("", None))  # judged without it: what fails then, the boundary may stop
            missing.append(f"the permission boundary: {problem}")
    if not known:
        if missing:
            return Status.UNKNOWN, f"no known policy grants anything; not judged: {'; '.join(missing)}"
        return Status.PASS, "no identity policy grants anything"
    combos = list(product(*known, bounds))
    if len(combos) > _MAX_SETS:
        return Status.UNKNOWN, f"{len(combos)} combinations of Fn::If branches; judge the role's policies one by one"
    names = ", ".join(name for name, _ in value["Policies"])
    unread: Outcome | None = None
    for combo in combos:
        *chosen, (blabel, bound) = combo
        ids = tuple(p for _, p in chosen)
        pset = PolicySet(identity=ids, boundaries=(bound,) if bound is not None else (), drivers=ids)
        try:
            status, message = _duties(lambda _action, chosen_set=pset: chosen_set, ctx)
        except SearchLimit as exc:
            return Status.UNKNOWN, f"{exc}; prove it with `guardrails policy verify`"
        if status is not Status.FAIL:
            continue
        labels = [label for label, _ in chosen if label] + ([blabel] if blabel else [])
        message = f"together its policies ({names}) allow {message}"
        message += f" [when {', '.join(labels)}]" if labels else ""
        message += f"; not judged: {'; '.join(missing)}" if missing else ""
        if bound is not None or boundary is ABSENT:
            return Status.FAIL, message
        unread = unread or (Status.UNKNOWN, f"{message}; its permission boundary, unread, may stop it")
    if unread is not None:
        return unread
    if missing:
        return Status.UNKNOWN, f"the known policies do not allow both; not judged: {'; '.join(missing)}"
    return Status.PASS, f"together its policies ({names}) do not allow both training and deploying to prod"


PREDICATES["role_segregated_duties"] = role_segregated_duties


def _branches(document: Any) -> tuple[list[tuple[str, Policy]], str]:
    """The parsed branches of a document, and why the others cannot be judged ("" when all can)."""
    parsed = _parsed(document)
    problems = [o[1].removeprefix("policy cannot be judged: ") for _, o in parsed if isinstance(o, tuple)]
    return [(label, p) for label, p in parsed if not isinstance(p, tuple)], problems[0] if problems else ""
