"""SageMaker Pipeline definitions: each compute step is judged as the API request its Arguments are.

Pipeline parameters resolve to their `DefaultValue`; values produced by other
steps or by the execution (`{"Get": "Steps.…"}`) are unknown until run time.
"""

from __future__ import annotations

from typing import Any

from guardrails.loader import Document
from guardrails.model import Path, Resource, SourceError, Unknown
from guardrails.sources.canonical import make, reroot

NAME = "pipeline"

STEP_KINDS = {
    "Training": "sagemaker.training_job",
    "Processing": "sagemaker.processing_job",
    "Tuning": "sagemaker.tuning_job",
    "Transform": "sagemaker.transform_job",
    "Model": "sagemaker.model",
}


def detect(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("Steps"), list) and "Version" in data


def load(doc: Document, path: str, stem: str) -> tuple[list[Resource], list[SourceError]]:
    return pipeline_resources(doc.data, path, stem, doc.lines), []


def pipeline_resources(definition: Any, path: str, pipeline_id: str, lines: dict[Path, int]) -> list[Resource]:
    """The resources of a pipeline definition, ids `pipeline_id/step-name`."""
    if not isinstance(definition, dict):
        return []
    params = {}
    for param in definition.get("Parameters") or []:
        if isinstance(param, dict) and isinstance(param.get("Name"), str):
            name = param["Name"]
            params[name] = param.get("DefaultValue", Unknown(f"pipeline parameter {name} has no DefaultValue"))
    out: list[Resource] = []
    _steps(definition.get("Steps"), ("Steps",), params, path, pipeline_id, lines, out)
    return out


def _steps(
    steps: Any, prefix: Path, params: dict[str, Any], path: str, pid: str, lines: dict[Path, int], out: list[Resource]
) -> None:
    if not isinstance(steps, list):
        return
    fallback = lines.get((), 1)
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        stype, name = step.get("Type"), str(step.get("Name", i))
        arguments = step.get("Arguments")
        if stype == "Condition" and isinstance(arguments, dict):
            for branch in ("IfSteps", "ElseSteps"):
                _steps(arguments.get(branch), (*prefix, i, "Arguments", branch), params, path, pid, lines, out)
            continue
        kind = STEP_KINDS.get(str(stype))
        if kind is None or not isinstance(arguments, dict):
            continue
        props = _resolve(arguments, params)
        step_lines = reroot(lines, (*prefix, i, "Arguments"))
        line = lines.get((*prefix, i), fallback)
        out.append(make(kind, f"{pid}/{name}", props, path, line, step_lines, NAME))


def _resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_resolve(v, params) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Get":
            if isinstance(arg, str) and arg.startswith("Parameters."):
                name = arg.split(".", 1)[1]
                return params.get(name, Unknown(f"pipeline parameter {name} is not declared"))
            return Unknown(f"{arg} is known only when the pipeline runs")
        if key == "Std:Join" and isinstance(arg, dict):
            parts = [_resolve(v, params) for v in arg.get("Values") or []]
            if all(isinstance(p, (str, int, float)) and not isinstance(p, bool) for p in parts):
                return str(arg.get("On", "")).join(str(p) for p in parts)
            return Unknown("Std:Join of values known only when the pipeline runs")
        if key.startswith("Std:"):
            return Unknown(f"{key} is evaluated only when the pipeline runs")
    return {k: _resolve(v, params) for k, v in value.items()}
