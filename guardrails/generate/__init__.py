"""`guardrails policy generate`: the preventive policies, written from the organisation configuration.

The same configuration that `scan` judges against decides every approved value
here, so a generated set scans clean by construction; the tests hold it to
that for configurations with and without each approved list. Output is stable:
the same configuration gives byte-identical files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from guardrails.config import Config
from guardrails.generate.document import GenerateError, PolicyFile

KINDS = ("identity", "scp", "endpoint", "bucket")

__all__ = ["KINDS", "GenerateError", "Generated", "PolicyFile", "generate", "write"]


@dataclass(slots=True)
class Generated:
    files: list[PolicyFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def generate(
    config: Config,
    kinds: Sequence[str] = KINDS,
    app: str | None = None,
    roles: Sequence[str] = (),
    accounts: Sequence[str] = (),
) -> Generated:
    """The policy files of `kinds`; identity policies for `app`, or for each approved application prefix;
    endpoint policies for callers of `accounts` (none: of the account owning the resource)."""
    from guardrails.generate.bucket import bucket_files
    from guardrails.generate.identity import identity_files
    from guardrails.generate.keys import approved
    from guardrails.generate.network import endpoint_files
    from guardrails.generate.scp import scp_files

    for account in accounts:
        if not re.fullmatch(r"\d{12}", account):
            raise GenerateError(f"--account {account}: an AWS account id is 12 digits")
    ok = approved(config)
    if app is not None and ok.prefixes and app not in ok.prefixes:
        raise GenerateError(f"--app {app} is not in approved.app_prefixes ({', '.join(ok.prefixes)})")
    apps = (app,) if app is not None else ok.prefixes
    for name in apps:
        if not re.fullmatch(r"[A-Za-z0-9](-*[A-Za-z0-9])*", name):
            raise GenerateError(f"application prefix {name!r}: a SageMaker name (letters, digits, hyphens)")
    out = Generated(notes=list(ok.notes))
    if "identity" in kinds:
        if not apps:
            message = "identity: not generated: name the application prefix (--app, or approved.app_prefixes)"
            if list(kinds) == ["identity"]:
                raise GenerateError(message)
            out.notes.append(message)
        for name in apps:
            files, notes = identity_files(ok, name, roles)
            out.files += files
            out.notes += notes
    if "scp" in kinds:
        out.files += scp_files(ok)
    if "endpoint" in kinds:
        files, notes = endpoint_files(ok, apps, tuple(dict.fromkeys(accounts)))
        out.files += files
        out.notes += notes
    if "bucket" in kinds:
        files, notes = bucket_files(ok)
        out.files += files
        out.notes += notes
    return out


def write(generated: Generated, directory: str) -> list[str]:
    """Write every file into `directory` (created if needed); the paths written."""
    paths = []
    for item in generated.files:
        path = os.path.join(directory, item.name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(item.text)
        paths.append(path)
    return paths
