"""Rule documentation rendered from the rule files, under fixed headings (as ruff does).

The same sections feed `guardrails rules show`, the generated `docs/rules/` reference and the SARIF rule help,
so what a user reads in a terminal, on GitHub and in a code-scanning alert never drifts apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from guardrails.catalog import controls, families, family
from guardrails.rules import Rule

FIX_TITLES = {"cloudformation": "CloudFormation", "terraform": "Terraform", "api": "SageMaker API request"}
_FENCE = {"cloudformation": "yaml", "terraform": "hcl", "api": "json"}
DOCS_COMMAND = "guardrails docs --output-dir docs/rules"


def rule_markdown(rule: Rule) -> str:
    """The rule's reference page: title, a facts table, then the sections of `rule_help`."""
    control = _control(rule.control)
    kinds = ", ".join(f"`{k}`" for k in sorted(rule.applies_to))
    parts = [
        f"# {rule.id} {rule.name}",
        f"**{_cell(rule.title)}**",
        "| Control | Severity | Zones | Resource kinds |\n| --- | --- | --- | --- |\n"
        f"| `{rule.control}` {_cell(control['title'])} | {rule.severity.value} | {_zones(rule)} | {kinds} |",
        rule_help(rule),
    ]
    return "\n\n".join(parts) + "\n"


def rule_help(rule: Rule) -> str:
    """What it does, why it is bad, example, use instead, remediation, fixes per input format and references."""
    parts = [
        "## What it does",
        rule.docs.what.strip(),
        "## Why is this bad?",
        rule.docs.why.strip(),
        "## Example",
        fenced(rule.docs.example),
        "## Use instead",
        fenced(rule.docs.instead),
        "## Remediation",
        rule.remediation.strip(),
    ]
    if rule.fix:
        parts.append("## Fixes")
        for fmt in FIX_TITLES:
            if fmt in rule.fix:
                parts += [f"### {FIX_TITLES[fmt]}", fenced(rule.fix[fmt], _FENCE[fmt])]
    if rule.docs.references:
        parts += ["## References", "\n".join(f"- {_link(ref)}" for ref in rule.docs.references)]
    return "\n\n".join(parts)


def index_markdown(rules: Sequence[Rule]) -> str:
    """Controls (by family) → the rules implementing them, then every rule; links point at `<ID>.md`."""
    parts = [
        "# Rules reference",
        f"Generated from the rule files (`rules/*.yaml`) by `{DOCS_COMMAND}`; do not edit by hand.",
    ]
    for code, name in families().items():
        rows = []
        for control in controls():
            if family(control["id"]) != code:
                continue
            implementing = [r for r in rules if r.control == control["id"]]
            links = ", ".join(f"[{r.id}]({r.id}.md) {r.name}" for r in implementing) or "—"
            rows.append(f"| `{control['id']}` | {_cell(control['title'])} | {links} |")
        parts += [f"## {code}: {name}", "| Control | Title | Rules |\n| --- | --- | --- |\n" + "\n".join(rows)]
    rows = [
        f"| [{r.id}]({r.id}.md) | {r.name} | `{r.control}` | {r.severity.value} | {_zones(r)} | {_cell(r.title)} |"
        for r in rules
    ]
    parts += [
        "## All rules",
        "| Rule | Name | Control | Severity | Zones | Title |\n" + "| --- " * 6 + "|\n" + "\n".join(rows),
    ]
    return "\n\n".join(parts) + "\n"


def render_docs(rules: Sequence[Rule]) -> dict[str, str]:
    """File name → content of the whole reference: `index.md` and one `<ID>.md` per rule."""
    pages = {"index.md": index_markdown(rules)}
    pages.update({f"{rule.id}.md": rule_markdown(rule) for rule in rules})
    return pages


def fenced(text: str, language: str = "") -> str:
    """A code block whose fence is longer than any backtick run inside `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.strip()}\n{fence}"


def _control(control_id: str) -> dict:
    return next(c for c in controls() if c["id"] == control_id)


def _zones(rule: Rule) -> str:
    return ", ".join(rule.zones) if rule.zones else "all"


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _link(reference: str) -> str:
    return f"<{reference}>" if re.match(r"https?://\S+$", reference) else reference
