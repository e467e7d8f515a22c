"""The control catalog (`data/controls.yaml`): the ids every finding carries, unchanged."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from guardrails.loader import load_text

CATALOG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "controls.yaml")


@cache
def catalog() -> dict[str, Any]:
    with open(CATALOG_PATH, encoding="utf-8") as handle:
        return load_text(handle.read()).data


def controls() -> list[dict[str, Any]]:
    return catalog()["controls"]


def families() -> dict[str, str]:
    return catalog()["families"]


def control_ids() -> frozenset[str]:
    return frozenset(c["id"] for c in controls())


def family(control_id: str) -> str:
    """`ENC-1` -> `ENC`."""
    return control_id.split("-", 1)[0]
