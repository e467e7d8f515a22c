"""Live-scan fixtures: fake credentials, moto (in-process and as a server on 127.0.0.1), and faults.

Nothing here reaches AWS: credentials are fake, `mock_aws` answers in-process, and the server
listens on loopback only.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator

import botocore.handlers
import pytest
from botocore.awsrequest import AWSResponse

REGION = "us-east-1"
ACCOUNT = "123456789012"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Fake credentials and no shared config, so no test can use (or reach) a real account."""
    for name in list(os.environ):
        if name.startswith("AWS_") and name != "AWS_CA_BUNDLE":
            monkeypatch.delenv(name)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


@pytest.fixture
def mock() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


class _Body(io.BytesIO):
    def stream(self, **_: object) -> Iterator[bytes]:
        yield self.getvalue()


# What AWS answers, per protocol, when it throttles or refuses a request.
_THROTTLE = {
    "json": (400, b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'),
    "query": (
        400,
        b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
        b"<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>",
    ),
    "ec2": (
        503,
        b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
        b"</Message></Error></Errors><RequestID>1</RequestID></Response>",
    ),
    "rest-xml": (503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"),
}
_DENY = {
    "json": (
        400,
        b'{"__type": "AccessDeniedException", "message": "User: arn:aws:sts::123456789012:'
        b'assumed-role/scanner/s is not authorized to perform this action"}',
    ),
    "query": (
        403,
        b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized"
        b"</Message></Error><RequestId>1</RequestId></ErrorResponse>",
    ),
    "ec2": (
        403,
        b"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>not authorized</Message>"
        b"</Error></Errors><RequestID>1</RequestID></Response>",
    ),
    "rest-xml": (403, b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
}
_PROTOCOL = {"s3": "rest-xml", "ec2": "ec2", "iam": "query", "sts": "query"}


class Faults:
    """A botocore `before-send` handler answering some requests as AWS would when it throttles or
    refuses them. It sits first among botocore's built-in handlers, so every session the scan creates
    (assumed-role ones too) has it, and botocore takes its answer, the first, over moto's.

    Throttling is decided by a hash of the request and its attempt number: deterministic, and a
    retried request draws again, as it would on AWS."""

    def __init__(self, throttle: float = 0.0, deny: frozenset[str] = frozenset(), seed: str = "0") -> None:
        """`deny` names services (`sagemaker`) or operations (`sagemaker.ListTags`)."""
        self.throttle = throttle
        self.deny = deny
        self.seed = seed.encode()
        self.requests = 0
        self.throttled = 0
        self._lock = threading.Lock()

    def __call__(self, request, event_name: str, **_: object) -> AWSResponse | None:
        _, service, operation = event_name.split(".")
        protocol = _PROTOCOL.get(service, "json")
        with self._lock:
            self.requests += 1
        if service in self.deny or f"{service}.{operation}" in self.deny:
            return _response(request, *_DENY[protocol])
        attempt = request.headers.get("amz-sdk-request", b"")
        attempt = attempt.encode() if isinstance(attempt, str) else attempt
        body = request.body if isinstance(request.body, bytes) else (request.body or "").encode()
        digest = hashlib.sha256(self.seed + request.url.encode() + body + attempt).digest()
        if int.from_bytes(digest[:4]) / 2**32 < self.throttle:
            with self._lock:
                self.throttled += 1
            return _response(request, *_THROTTLE[protocol])
        return None


def _response(request, status: int, body: bytes) -> AWSResponse:
    return AWSResponse(request.url, status, {}, _Body(body))


class MonitoringSchedules:
    """moto 5.2.5 does not implement monitoring schedules (FACTS.md). This stub gives its SageMaker
    responses ListMonitoringSchedules and DescribeMonitoringSchedule, and ListTags on a schedule, answering
    as AWS would for the schedules in `schedules` (name -> DescribeMonitoringSchedule output plus `Tags`);
    every other call is moto's own."""

    def __init__(self) -> None:
        self.schedules: dict[str, dict] = {}

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from moto.core.responses import ActionResult
        from moto.sagemaker.responses import SageMakerResponse

        stub = self
        moto_list_tags = SageMakerResponse.list_tags

        def list_monitoring_schedules(response: SageMakerResponse) -> ActionResult:
            summaries = [
                {"MonitoringScheduleName": name, "MonitoringScheduleArn": found["MonitoringScheduleArn"]}
                for name, found in stub.schedules.items()
            ]
            return ActionResult({"MonitoringScheduleSummaries": summaries})

        def describe_monitoring_schedule(response: SageMakerResponse) -> ActionResult:
            found = stub.schedules[response._get_param("MonitoringScheduleName")]
            return ActionResult({k: v for k, v in found.items() if k != "Tags"})

        def list_tags(response: SageMakerResponse) -> ActionResult:
            arn = response._get_param("ResourceArn")
            if ":monitoring-schedule/" not in arn:
                return moto_list_tags(response)
            return ActionResult({"Tags": stub.schedules[arn.rsplit("/", 1)[1]].get("Tags", [])})

        monkeypatch.setattr(SageMakerResponse, "list_monitoring_schedules", list_monitoring_schedules, raising=False)
        monkeypatch.setattr(
            SageMakerResponse, "describe_monitoring_schedule", describe_monitoring_schedule, raising=False
        )
        monkeypatch.setattr(SageMakerResponse, "list_tags", list_tags)


@pytest.fixture(autouse=True)
def monitoring_schedules(monkeypatch: pytest.MonkeyPatch) -> MonitoringSchedules:
    stub = MonitoringSchedules()
    stub.install(monkeypatch)
    return stub


@pytest.fixture
def faults() -> Iterator[Faults]:
    handler = Faults()
    entry = ("before-send", handler)
    botocore.handlers.BUILTIN_HANDLERS.insert(0, entry)
    try:
        yield handler
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(entry)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER = """
import sys
from moto.core.responses import ActionResult
from moto.sagemaker.responses import SageMakerResponse
from moto.server import main

# moto 5.2.5 lacks ListMonitoringSchedules: answer as AWS does for an account without schedules.
SageMakerResponse.list_monitoring_schedules = lambda self: ActionResult({"MonitoringScheduleSummaries": []})
main(sys.argv[1:])
"""


@pytest.fixture
def moto_server() -> Iterator[str]:
    """A moto server subprocess on 127.0.0.1 (`moto_server`, with the one call it lacks stubbed); yields its URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
