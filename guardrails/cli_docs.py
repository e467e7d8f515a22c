"""`guardrails docs`: write the rules reference (`index.md` and `<ID>.md` per rule) from the rule files.

Kept out of `cli.py` so that module stays a thin list of commands; imports happen inside the command.
"""

from __future__ import annotations

import os
import re
from typing import Annotated

import typer


def docs(
    output_dir: Annotated[str, typer.Option("--output-dir", "-o", help="Directory to write the pages into.")] = (
        "docs/rules"
    ),
) -> None:
    """Generate the rules reference (Markdown) from the rule files."""
    from guardrails.docs import render_docs
    from guardrails.rules import load_rules

    written = write_docs(output_dir, render_docs(load_rules()))
    typer.echo(f"wrote {written} pages to {output_dir}")


def write_docs(directory: str, pages: dict[str, str]) -> int:
    """Write `pages` into `directory` and delete rule pages of rules that no longer exist."""
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if re.fullmatch(r"GR\d{3}\.md", name) and name not in pages:
            os.remove(os.path.join(directory, name))
    for name, text in pages.items():
        with open(os.path.join(directory, name), "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return len(pages)
