"""Runs every labelled evaluation case in ``cases/*.yaml``.

A case is ``{name, policies, request, expect}`` with optional ``decided_by``
(the Sids of the statements the result names, in any order) and ``lacking``
(the policy kinds an ImplicitDeny names). ``policies`` maps a layer
(identity, resource, scps, boundaries, endpoint) to a list of policies; each
is a whole policy document (used as written, so a missing Version means
2008-10-17) or, for brevity, a bare statement or list of statements, which is
wrapped in a 2012-10-17 policy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from guardrails.iam import Decision, Policy, Request, evaluate, parse_policy

CASES = Path(__file__).parent / "cases"
LAYERS = ("identity", "resource", "scps", "boundaries", "endpoint")
CASE_FIELDS = {"name", "policies", "request", "expect", "decided_by", "lacking"}
REQUEST_FIELDS = {"action", "resource", "principal", "context"}


def _load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            cases.append((f"{path.stem}: {case['name']}", case))
    return cases


ALL_CASES = _load()


def _policy(doc: Any, name: str) -> Policy:
    if isinstance(doc, list):
        doc = {"Version": "2012-10-17", "Statement": doc}
    elif "Statement" not in doc:
        doc = {"Version": "2012-10-17", "Statement": [doc]}
    return parse_policy(doc, name=name)


def test_case_files_are_well_formed() -> None:
    ids = [case_id for case_id, _ in ALL_CASES]
    assert len(ids) == len(set(ids)), "case names must be unique within a file"
    assert len(ids) >= 120
    for case_id, case in ALL_CASES:
        assert set(case) <= CASE_FIELDS, case_id
        assert set(case["policies"]) <= set(LAYERS), case_id
        assert set(case["request"]) <= REQUEST_FIELDS, case_id
        assert case["expect"] in {d.value for d in Decision}, case_id


def test_every_decision_is_exercised() -> None:
    assert {case["expect"] for _, case in ALL_CASES} == {d.value for d in Decision}


@pytest.mark.parametrize("case", [case for _, case in ALL_CASES], ids=[case_id for case_id, _ in ALL_CASES])
def test_case(case: dict[str, Any]) -> None:
    layers = {
        layer: [_policy(doc, f"{layer}[{i}]") for i, doc in enumerate(case["policies"].get(layer, []))]
        for layer in LAYERS
    }
    spec = case["request"]
    request = Request(
        action=spec["action"],
        resource=spec.get("resource", "*"),
        context=spec.get("context", {}),
        principal=spec.get("principal"),
    )
    result = evaluate(request, **layers)
    assert result.decision == Decision(case["expect"]), result.reason
    if "decided_by" in case:
        assert sorted(s.sid or "" for s in result.statements) == sorted(case["decided_by"]), result.reason
    if "lacking" in case:
        assert [str(kind) for kind in result.lacking] == case["lacking"], result.reason
