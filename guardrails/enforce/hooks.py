"""Registration on botocore's event system, per session or client, and the process-wide switch.

A client copies its session's handlers when it is created, so registering on
a session covers the clients it creates afterwards, and a client created
before needs `install(client)`. Removing an enforcer also switches its
handlers off, which reaches the copies held by clients created meanwhile.
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

import boto3.session
import botocore.client
import botocore.session

from guardrails.config import Config, load_config
from guardrails.enforce.audit import AuditLog
from guardrails.enforce.errors import GuardrailViolation, Mode
from guardrails.enforce.identity import Identity
from guardrails.enforce.judge import Judge
from guardrails.enforce.requests import judged, to_request
from guardrails.engine import index_rules, select_rules
from guardrails.rules import load_rules

EVENTS = ("before-parameter-build.sagemaker", "before-parameter-build.s3")

_ENFORCERS: weakref.WeakSet[Enforcer] = weakref.WeakSet()
_GLOBAL: dict[str, Any] = {}


class Enforcer:
    """One configuration and mode, attached to any number of sessions and clients."""

    def __init__(self, config: Config | str | None, mode: Mode, audit_log: str | None, caller_identity: bool) -> None:
        cfg = config if isinstance(config, Config) else load_config(config)[0]
        self.judge = Judge(cfg, index_rules(select_rules(load_rules(), cfg.select, cfg.ignore)))
        self.mode = mode
        self.audit = AuditLog(audit_log) if audit_log else None
        self.caller_identity = caller_identity
        self.active = True
        self._attached: list[tuple[weakref.ref[Any], str, str]] = []
        _ENFORCERS.add(self)

    def attach(self, target: Any) -> None:
        """Register on a boto3 Session, a botocore Session or a client (idempotent per event emitter)."""
        emitter, session = _emitter(target)
        identity = Identity(session if self.caller_identity else None)

        def handler(params: dict[str, Any], model: Any, context: dict[str, Any], **kwargs: Any) -> None:
            if self.active:
                self.check(params, model, context.get("client_region"), identity)

        for event in EVENTS:
            unique_id = f"guardrails-enforce-{id(self)}-{event}"
            emitter.register_last(event, handler, unique_id=unique_id)
            self._attached.append((weakref.ref(emitter), event, unique_id))

    def check(self, params: dict[str, Any], model: Any, region: str | None, identity: Identity) -> None:
        service, operation = model.service_model.service_name, model.name
        if not judged(service, operation):
            return
        verdict = self.judge(to_request(service, operation, params))
        decision = "allow" if verdict.compliant else "block" if self.mode is Mode.BLOCK else "audit"
        if self.audit is not None:
            self.audit.record(verdict, decision, params, identity.get(region))
        if decision == "block":
            raise GuardrailViolation.from_verdict(verdict)

    def detach(self) -> None:
        self.active = False
        for ref, event, unique_id in self._attached:
            emitter = ref()
            if emitter is not None:
                emitter.unregister(event, unique_id=unique_id)
        self._attached.clear()


def _emitter(target: Any) -> tuple[Any, Any]:
    """The event emitter to register on, and the session to ask who is calling (None for a client)."""
    if isinstance(target, boto3.session.Session):
        return target.events, target
    if isinstance(target, botocore.session.Session):
        return target.get_component("event_emitter"), target
    if isinstance(target, botocore.client.BaseClient):
        return target.meta.events, None
    raise TypeError(f"cannot enforce on {type(target).__name__}: pass a boto3/botocore Session or a client")


def install(target: Any, config: Config | str | None = None, mode: str = "block", audit_log: str | None = None,
            caller_identity: bool = True) -> Enforcer:
    """Enforce on `target` (a boto3/botocore Session, before its clients are created, or a client);
    `config` is a path, a Config, or None for the configuration `scan` would find."""
    enforcer = Enforcer(config, Mode(mode), audit_log, caller_identity)
    enforcer.attach(target)
    return enforcer


def install_global(config: Config | str | None = None, mode: str = "block", audit_log: str | None = None,
                   caller_identity: bool = True) -> Enforcer:
    """Enforce on every session the process creates from now on (boto3's, botocore's) and on boto3's default."""
    uninstall()
    enforcer = Enforcer(config, Mode(mode), audit_log, caller_identity)
    get_session = botocore.session.get_session
    init = boto3.session.Session.__init__

    @functools.wraps(get_session)
    def enforced_get_session(*args: Any, **kwargs: Any) -> botocore.session.Session:
        session = get_session(*args, **kwargs)
        enforcer.attach(session)
        return session

    @functools.wraps(init)
    def enforced_init(self: boto3.session.Session, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        enforcer.attach(self)

    botocore.session.get_session = enforced_get_session
    boto3.session.Session.__init__ = enforced_init  # type: ignore[method-assign]
    _GLOBAL.update(get_session=get_session, init=init)
    if boto3.DEFAULT_SESSION is not None:
        enforcer.attach(boto3.DEFAULT_SESSION)
    return enforcer


def uninstall() -> None:
    """Remove the process-wide switch and every registration any enforcer made."""
    if _GLOBAL:
        botocore.session.get_session = _GLOBAL.pop("get_session")
        boto3.session.Session.__init__ = _GLOBAL.pop("init")  # type: ignore[method-assign]
    for enforcer in list(_ENFORCERS):
        enforcer.detach()
