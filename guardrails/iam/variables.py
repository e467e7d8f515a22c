"""Policy variables in Resource and condition values.

``${key}`` takes the request-context value of ``key`` (case-insensitive), e.g.
``${aws:userid}``, ``${aws:username}``, ``${aws:PrincipalTag/team}``;
``${key, 'default'}`` falls back to the quoted text (``''`` is a quote); and
``${*}``, ``${?}``, ``${$}`` are a literal ``*``, ``?``, ``$``. Only 2012-10-17
policies substitute: in 2008-10-17 policies, and those with no Version, the text
is literal. A variable whose key is absent, or multivalued (AWS cannot
substitute a list), and that has no default leaves the whole value without one:
AWS then treats it as null, which no context value equals or is like
(reference_policies_variables.html, "Policy variables with no value").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from guardrails.iam.patterns import Pieces

Context = Mapping[str, tuple[str, ...]]
"""Request context as the evaluator holds it: lower-cased key -> its values."""

_VARIABLE = re.compile(r"\$\{\s*(?:(?P<escape>[*?$])|(?P<key>[^\s,{}']+)(?:\s*,\s*'(?P<default>(?:[^']|'')*)')?)\s*\}")


@dataclass(frozen=True, slots=True)
class Variable:
    """A ``${key}`` or ``${key, 'default'}`` reference."""

    key: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Template:
    """A value containing variables: policy text pieces interleaved with variables."""

    segments: tuple[tuple[str, bool] | Variable, ...]

    def render(self, context: Context) -> Pieces | None:
        """Pattern pieces with variables substituted (substituted text is literal), or None."""
        out: list[tuple[str, bool]] = []
        for segment in self.segments:
            if isinstance(segment, Variable):
                values = context.get(segment.key)
                if values is not None and len(values) == 1:
                    out.append((values[0], True))
                elif segment.default is not None:
                    out.append((segment.default, True))
                else:
                    return None
            else:
                out.append(segment)
        return tuple(out)


def parse_template(text: str) -> Template | None:
    """The variables in ``text`` as a Template; None when it has none (the common case)."""
    if "${" not in text:
        return None
    segments: list[tuple[str, bool] | Variable] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > position:
            segments.append((text[position : match.start()], False))
        if match["escape"]:
            segments.append((match["escape"], True))
        else:
            default = match["default"]
            segments.append(
                Variable(
                    match["key"].lower(),
                    None if default is None else default.replace("''", "'"),
                )
            )
        position = match.end()
    if not segments:
        return None
    if position < len(text):
        segments.append((text[position:], False))
    return Template(tuple(segments))
