"""Who is calling: `sts:GetCallerIdentity`, asked once per session and remembered, failure included.

It is not asked when the session has no credentials (the call could only
fail), and it goes to STS, which the enforcer never judges, so the lookup
cannot recurse into the enforcer. A short timeout and no retries keep a
blocked network from stalling the caller's request.
"""

from __future__ import annotations

import threading
from typing import Any

_UNSET = object()


class Identity:
    def __init__(self, session: Any) -> None:
        self._session = session
        self._value: Any = _UNSET
        self._lock = threading.Lock()

    def get(self, region: str | None) -> str | None:
        with self._lock:
            if self._value is _UNSET:
                self._value = self._lookup(region)
            return self._value

    def _lookup(self, region: str | None) -> str | None:
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        if self._session is None or self._session.get_credentials() is None:
            return None
        config = Config(connect_timeout=2, read_timeout=2, retries={"max_attempts": 1})
        make = getattr(self._session, "client", None) or self._session.create_client
        try:
            return make("sts", region_name=region or "us-east-1", config=config).get_caller_identity()["Arn"]
        except (BotoCoreError, ClientError):
            return None
