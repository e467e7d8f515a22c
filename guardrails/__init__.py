"""guardrails: policy-as-code compliance scanner and guardrail enforcer for ML platforms on AWS."""

__version__ = "0.1.0"
