"""Offline IAM: parse policies, decide concrete requests, and check policies against the AWS catalog.

Importing is cheap: the catalog loads on the first ``validate``/``key_type`` call.
"""

from guardrails.iam.catalog import (
    Issue,
    IssueCode,
    Severity,
    is_multivalued,
    key_type,
    validate,
)
from guardrails.iam.evaluate import (
    Decision,
    MatchedStatement,
    PolicyKind,
    Request,
    Result,
    evaluate,
)
from guardrails.iam.policy import (
    Condition,
    Effect,
    Policy,
    PolicyError,
    Principal,
    Statement,
    parse_policy,
)

__all__ = [
    "Condition",
    "Decision",
    "Effect",
    "Issue",
    "IssueCode",
    "MatchedStatement",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "Principal",
    "Request",
    "Result",
    "Severity",
    "Statement",
    "evaluate",
    "is_multivalued",
    "key_type",
    "parse_policy",
    "validate",
]
