"""Organisation configuration: what is approved, and how zones are read.

Loaded from `--config FILE` (YAML), else `guardrails.yaml` in the working
directory, else `[tool.guardrails]` in `pyproject.toml`. Unknown keys are an
error: a typo must never silently weaken a scan. An empty list means "any
value will do, but one must be present".
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from typing import Any, Literal

from guardrails.loader import LoadError, load_text

Zone = Literal["research", "dev", "uat", "prod"]
# Validation (pydantic) runs only when a configuration file is read: a scan without one never imports it.
_STRICT = {"extra": "forbid"}


@dataclass(frozen=True, slots=True)
class Approved:
    __pydantic_config__ = _STRICT

    vpcs: list[str] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
    security_groups: list[str] = field(default_factory=list)
    kms_keys: list[str] = field(default_factory=list)
    vpc_endpoints: list[str] = field(default_factory=list)
    source_cidrs: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    cost_centers: list[str] = field(default_factory=list)
    app_prefixes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Zones:
    __pydantic_config__ = _STRICT

    tag_key: str = "zone"
    default: Zone = "dev"


@dataclass(frozen=True, slots=True)
class Config:
    __pydantic_config__ = _STRICT

    approved: Approved = field(default_factory=Approved)
    zones: Zones = field(default_factory=Zones)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid."""


def load_config(path: str | None = None, cwd: str = ".") -> tuple[Config, str | None]:
    """The configuration and the file it came from (None: built-in defaults)."""
    if path is None:
        candidate = os.path.join(cwd, "guardrails.yaml")
        if os.path.isfile(candidate):
            path = candidate
        else:
            return _from_pyproject(os.path.join(cwd, "pyproject.toml"))
    if path.endswith(".toml"):
        config, origin = _from_pyproject(path)
        if origin is None:
            raise ConfigError(f"{path}: no [tool.guardrails] table")
        return config, origin
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = load_text(text).data if text.strip() else {}
    except LoadError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return _validate(data, path), path


def _from_pyproject(path: str) -> tuple[Config, str | None]:
    if not os.path.isfile(path):
        return Config(), None
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    table = data.get("tool", {}).get("guardrails")
    if table is None:
        return Config(), None
    return _validate(table, path), path


def _validate(data: Any, path: str) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(Config).validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: "
            + ("unknown key" if err["type"] == "unexpected_keyword_argument" else err["msg"])
            for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"{path}: {problems}") from None
