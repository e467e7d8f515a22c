"""Answer AWS calls locally, after the enforcer has judged them: the launch's preflight and `--dry-run`.

botocore lets a `before-call` handler return the response itself, in which
case nothing is signed or sent (its Stubber works the same way). The
parameters are captured at `before-parameter-build`, the event the enforcer
judges on, so a blocked call raises before it is recorded. Answers are the
smallest that let the SDK carry on: a create returns an ARN, a training job
describes itself as completed with its artefact where the request's output
path puts it, the caller's identity is refused (nobody is calling), anything
else returns an empty result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from botocore.awsrequest import AWSResponse

READS = ("Get", "List", "Describe", "Head", "Simulate")
"""Operations that only look: answered, but not among the requests the launch sends."""


class Offline:
    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.sent: list[dict[str, Any]] = []
        self._jobs: dict[str, dict[str, Any]] = {}

    def attach(self, session: Any) -> None:
        """Register on a boto3 session before any of its clients is created."""
        session.events.register("before-parameter-build", self._capture, unique_id="reference-workload-capture")
        session.events.register("before-call", self._answer, unique_id="reference-workload-offline")

    def _capture(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["reference_workload_params"] = dict(params)

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        service, operation = model.service_model.service_name, model.name
        params = context.get("reference_workload_params", {})
        url = f"https://{service}.{self.region}.amazonaws.com/"
        if operation == "GetCallerIdentity":  # nobody is calling: the audit log says so (identity null)
            return AWSResponse(url, 403, {}, None), {"Error": {"Code": "Offline", "Message": "answered offline"}}
        if not operation.startswith(READS):
            self.sent.append({"operation": f"{service}:{operation}", "request": params})
        return AWSResponse(url, 200, {}, None), self._response(service, operation, params)

    def _response(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        now = dt.datetime.now(dt.UTC)
        if operation == "ListBuckets":
            return {"Buckets": []}
        if operation == "CreateTrainingJob":
            self._jobs[params["TrainingJobName"]] = params
        if operation == "DescribeTrainingJob":
            name = params["TrainingJobName"]
            request = self._jobs.get(name, {})
            output = request.get("OutputDataConfig", {}).get("S3OutputPath", "s3://preflight/")
            return {**request, "TrainingJobName": name, "TrainingJobArn": self._arn(service, "training-job", name),
                    "TrainingJobStatus": "Completed", "SecondaryStatus": "Completed", "CreationTime": now,
                    "ModelArtifacts": {"S3ModelArtifacts": f"{output.rstrip('/')}/{name}/output/model.tar.gz"}}
        if operation.startswith("Create") and service == "sagemaker":
            kind = operation.removeprefix("Create")
            resource = "".join(f"-{c.lower()}" if c.isupper() else c for c in kind).lstrip("-")
            name = params.get(f"{kind}Name", "preflight")
            return {f"{kind}Arn": self._arn(service, resource, name)}
        return {}

    def _arn(self, service: str, resource: str, name: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}/{name}"


def printable(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requests as JSON can show them: bodies by their size, not their bytes."""
    out = []
    for call in sent:
        request = {k: f"<{len(v)} bytes>" if isinstance(v, bytes | bytearray) else
                   "<stream>" if hasattr(v, "read") else v for k, v in call["request"].items()}
        out.append({**call, "request": request})
    return out
