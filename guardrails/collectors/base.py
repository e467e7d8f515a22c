"""What every collector shares: an account's clients, calls restricted to what a collector declares, steps.

A collector module declares the API calls it makes (`CALLS`: operation -> IAM action). `Api` refuses
any other call, so the read-only policy that `guardrails permissions` prints from those declarations
is exactly what the scan uses. A call that fails (denied, unreachable, throttled past the retries)
raises `Refused`; the scan reports it as an error naming the API and the permission, and a field it
could not read becomes `Unknown` — never a default standing in for what was not seen.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ClientError, HTTPClientError, NoCredentialsError
from botocore.exceptions import ConnectionError as BotoConnectionError
from botocore.parsers import ResponseParserError

from guardrails.model import Resource, Unknown

if TYPE_CHECKING:
    import boto3
    from botocore.config import Config

SOURCE = "live"
GLOBAL = "global"
"""The region label of what belongs to no region (IAM, Organizations, the bucket list)."""

_TRANSPORT = (BotoConnectionError, HTTPClientError, NoCredentialsError, ResponseParserError)
"""Failures with no AWS error code: unreachable, no credentials, an answer that is not the API's."""


class UndeclaredCall(RuntimeError):
    """A collector called an API its `CALLS` does not declare: the printed permissions would be wrong."""


class Refused(Exception):
    """An API call that failed; `where` is `aws://account/region/service`, `subject` what it was about."""

    def __init__(self, where: str, operation: str, action: str, code: str, message: str, subject: str = "") -> None:
        super().__init__(f"{operation} failed ({code}): {message}")
        self.where = where
        self.operation = operation
        self.action = action
        self.code = code
        self.message = message
        self.subject = subject

    def unread(self, what: str) -> Unknown:
        """The value of a field this failure kept from being read."""
        return Unknown(f"{what} not read: {self.operation} failed ({self.code}); it needs {self.action}")


@dataclass(frozen=True, slots=True)
class Found:
    """A canonical resource and the account and region it was read in (KMS references resolve there)."""

    resource: Resource
    account: str
    region: str


@dataclass(frozen=True, slots=True)
class Skip:
    """Something deliberately not assessed, and why (reported under `skipped`)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Step:
    """A unit of work for the thread pool; it yields resources, errors and further steps."""

    service: str
    region: str
    run: Callable[[], Iterable[Any]]


class UnreadTags(dict):
    """The tags of a resource whose tags could not be read: every key is unknown, so tag rules say unknown."""

    def __init__(self, reason: Unknown) -> None:
        super().__init__()
        self.reason = reason

    def get(self, key: Any, default: Any = None) -> Any:
        return self.reason


class CallCounter:
    """API calls made, by `service:Operation` (retries not counted); shared by every client of a scan."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        with self._lock:
            self.calls[f"{model.service_model.service_name}:{model.name}"] += 1


class Account:
    """One account's session and clients. Clients are created once under a lock (sessions are not
    thread-safe) and then shared by the pool's threads (clients are)."""

    def __init__(
        self, account_id: str, partition: str, session: boto3.Session, config: Config, counter: CallCounter
    ) -> None:
        self.id = account_id
        self.partition = partition
        self.session = session
        self._config = config
        self._counter = counter
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(service, region_name=region, config=self._config)
                client.meta.events.register("before-call", self._counter)
                self._clients[key] = client
        return client

    def offered(self, service: str) -> list[str]:
        """The regions botocore's endpoint data lists for a service in this partition."""
        with self._lock:
            return self.session.get_available_regions(service, self.partition)

    def api(self, service: str, calls: Mapping[str, str], region: str, label: str | None = None) -> Api:
        return Api(self.client(service, region), calls, f"aws://{self.id}/{label or region}/{service}")


@dataclass(frozen=True, slots=True)
class Context:
    """Where a collector reads: an account, a region (`api_region` for the clients of global services)."""

    account: Account
    region: str
    api_region: str
    regions: tuple[str, ...]
    since: datetime | None

    def api(self, service: str, calls: Mapping[str, str], region: str | None = None) -> Api:
        if region is None:
            return self.account.api(service, calls, self.api_region, self.region)
        return self.account.api(service, calls, region)

    def rid(self, name: str, region: str | None = None) -> str:
        """A resource id naming account and region: `123456789012/us-east-1/name`."""
        return f"{self.account.id}/{region or self.region}/{name}"

    def found(self, resource: Resource, region: str | None = None) -> Found:
        resource.source = SOURCE
        return Found(resource, self.account.id, region or self.region)


class Api:
    """A client restricted to the calls a collector declared, turning failures into `Refused`."""

    def __init__(self, client: Any, calls: Mapping[str, str], where: str) -> None:
        self._client = client
        self._calls = calls
        self.where = where

    @property
    def model(self) -> Any:
        """botocore's model of the service (request and response shapes)."""
        return self._client.meta.service_model

    def call(self, operation: str, /, absent: tuple[str, ...] = (), subject: str = "", **params: Any) -> Any:
        """One call; None when the error code is one of `absent` (the thing is not configured)."""
        method = getattr(self._client, self._name(operation))
        try:
            response = method(**params)
        except ClientError as exc:
            code, message = _error(exc)
            if code in absent:
                return None
            raise self._refused(operation, code, message, subject) from None
        except _TRANSPORT as exc:
            raise self._refused(operation, type(exc).__name__, str(exc), subject) from None
        response.pop("ResponseMetadata", None)
        return response

    def pages(self, operation: str, /, subject: str = "", **params: Any) -> Iterator[dict[str, Any]]:
        """The one paginator of every list call: botocore's paginator for the operation, at the
        largest page size the API allows, or the single response of an unpaginated call."""
        name = self._name(operation)
        try:
            if self._client.can_paginate(name):
                size = _page_size(self._client, operation)
                config = {"PageSize": size} if size else {}
                yield from self._client.get_paginator(name).paginate(**params, PaginationConfig=config)
            else:
                yield getattr(self._client, name)(**params)
        except ClientError as exc:
            raise self._refused(operation, *_error(exc), subject) from None
        except _TRANSPORT as exc:
            raise self._refused(operation, type(exc).__name__, str(exc), subject) from None

    def items(self, operation: str, key: str, /, **params: Any) -> Iterator[dict[str, Any]]:
        for page in self.pages(operation, **params):
            yield from page.get(key) or []

    def _name(self, operation: str) -> str:
        if operation not in self._calls:
            raise UndeclaredCall(f"{operation} is not declared in its collector's CALLS")
        return xform_name(operation)

    def _refused(self, operation: str, code: str, message: str, subject: str) -> Refused:
        return Refused(self.where, operation, self._calls[operation], code, message, subject)


def _error(exc: ClientError) -> tuple[str, str]:
    error = exc.response.get("Error", {})
    return str(error.get("Code", "Unknown")), str(error.get("Message", ""))


def _page_size(client: Any, operation: str) -> int | None:
    """The largest page the API allows: the maximum of the operation's page-size parameter."""
    model = client.meta.service_model
    limit = _pagination(model.service_name).get(operation, {}).get("limit_key")
    member = model.operation_model(operation).input_shape.members.get(limit) if limit else None
    return member.metadata.get("max") if member is not None else None


@cache
def _pagination(service: str) -> dict[str, Any]:
    from botocore.loaders import create_loader

    return create_loader().load_service_model(service, "paginators-1")["pagination"]
