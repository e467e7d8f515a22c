"""Rule documentation rendered from the rule files, under fixed headings (as ruff does)."""

from __future__ import annotations

from guardrails.catalog import controls
from guardrails.rules import Rule

_FENCE = {"cloudformation": "yaml", "terraform": "hcl", "api": "json"}


def rule_markdown(rule: Rule) -> str:
    control = next(c for c in controls() if c["id"] == rule.control)
    zones = ", ".join(rule.zones) if rule.zones else "all"
    parts = [
        f"# {rule.id} {rule.name}",
        f"**{rule.title}**",
        f"Control: `{rule.control}` {control['title']} · severity: {rule.severity.value} · zones: {zones}",
        f"Resource kinds: {', '.join(f'`{k}`' for k in sorted(rule.applies_to))}",
        "## What it does",
        rule.docs.what.strip(),
        "## Why is this bad?",
        rule.docs.why.strip(),
        "## Example",
        f"```\n{rule.docs.example.strip()}\n```",
        "## Use instead",
        f"```\n{rule.docs.instead.strip()}\n```",
        "## Remediation",
        rule.remediation.strip(),
    ]
    for fmt, snippet in rule.fix.items():
        parts += [f"### Fix ({fmt})", f"```{_FENCE[fmt]}\n{snippet.strip()}\n```"]
    if rule.docs.references:
        parts += ["## References", "\n".join(f"- {ref}" for ref in rule.docs.references)]
    return "\n\n".join(parts) + "\n"
