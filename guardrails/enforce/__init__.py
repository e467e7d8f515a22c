"""Runtime enforcement: judge SageMaker and S3 configuration requests in the client, before they are sent.

`install(session)` registers on a boto3/botocore session (before its clients
are created) or on a client already created; `install_global()` does so for
every session the process creates, which covers code that makes its own
(the SageMaker Python SDK's `ModelTrainer` calls boto3 underneath).

The hook is botocore's `before-parameter-build` event: it sees the final API
parameters (after `provide-client-params` handlers changed them) before
anything is serialised or sent, so raising there sends nothing. In `block`
mode a non-compliant request raises `GuardrailViolation`; in `audit` mode it
is sent. Every decision is appended to the audit log when one is given.
"""

from __future__ import annotations

from guardrails.enforce.errors import GuardrailViolation, Mode
from guardrails.enforce.hooks import Enforcer, install, install_global, uninstall
from guardrails.enforce.judge import Verdict, Violation

__all__ = [
    "Enforcer",
    "GuardrailViolation",
    "Mode",
    "Verdict",
    "Violation",
    "install",
    "install_global",
    "uninstall",
]
