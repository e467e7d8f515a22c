"""Input formats: each module turns one format into canonical resources.

The format is detected from the content (`detect`) unless `--input-type`
names it. Terraform `.tf` files are read a directory (module) at a time,
because variables and locals span files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from guardrails import suppressions
from guardrails.inputs import InputFile
from guardrails.loader import Document, LoadError, load_text
from guardrails.model import Resource, SourceError

INPUT_TYPES = ("cloudformation", "terraform", "terraform-plan", "api", "pipeline", "policy")


@dataclass(slots=True)
class Parsed:
    resources: list[Resource] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def parse_files(files: list[InputFile], input_type: str | None = None, policy_kind: str | None = None) -> Parsed:
    """Parse every file once; `.tf` files grouped by directory."""
    out = Parsed()
    modules: dict[str, list[InputFile]] = {}
    for file in files:
        if input_type == "terraform" or (input_type is None and file.path.endswith(".tf")):
            modules.setdefault(os.path.dirname(file.path), []).append(file)
        else:
            _parse_document(file, input_type, policy_kind, out)
    if modules:
        from guardrails.sources import terraform_hcl

        for module_files in modules.values():
            resources, errors = terraform_hcl.load_module(module_files)
            out.resources.extend(resources)
            out.errors.extend(errors)
    for file in files:
        if not file.path.endswith(".json"):
            out.errors += suppressions.attach_comments(file.text, file.path, out.resources)
    return out


def _parse_document(file: InputFile, input_type: str | None, policy_kind: str | None, out: Parsed) -> None:
    try:
        doc = load_text(file.text)
    except LoadError as exc:
        out.errors.append(SourceError(file.path, str(exc), exc.line))
        return
    loader = _loader_for(doc.data, input_type)
    if loader is None:
        out.skipped.append(
            (
                file.path,
                "not a recognised input (CloudFormation, Terraform plan, "
                "SageMaker request, pipeline definition or policy document)",
            )
        )
        return
    stem = os.path.basename(file.path).split(".", 1)[0]
    if not isinstance(doc.data, dict):
        out.errors.append(SourceError(file.path, f"expected a JSON/YAML object, got {type(doc.data).__name__}"))
        return
    try:
        resources, errors = loader(doc, file.path, stem, policy_kind)
    except RecursionError:
        resources, errors = [], [SourceError(file.path, "document nested too deeply to resolve")]
    out.resources.extend(resources)
    out.errors.extend(errors)


Loader = Callable[[Document, str, str, "str | None"], tuple[list[Resource], list[SourceError]]]


def _loader_for(data: Any, input_type: str | None) -> Loader | None:
    from guardrails.sources import api_payload, cloudformation, pipeline, policy_document

    def plan(data: Any) -> bool:
        # The plan module (and its Terraform mapping tables) loads only for what looks like a plan.
        return isinstance(data, dict) and "format_version" in data and _plan_module().detect(data)

    table: list[tuple[str, Callable[[Any], bool], Loader]] = [
        ("cloudformation", cloudformation.detect, lambda d, p, s, k: cloudformation.load(d, p)),
        ("terraform-plan", plan, lambda d, p, s, k: _plan_module().load(d, p)),
        ("pipeline", pipeline.detect, lambda d, p, s, k: pipeline.load(d, p, s)),
        ("policy", policy_document.detect, lambda d, p, s, k: policy_document.load(d, p, s, k)),
        ("api", api_payload.detect, lambda d, p, s, k: api_payload.load(d, p, s)),
    ]
    for name, detect, loader in table:
        if input_type == name or (input_type is None and detect(data)):
            return loader
    return None


def _plan_module():
    from guardrails.sources import terraform_plan

    return terraform_plan
