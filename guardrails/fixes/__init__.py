"""`guardrails fix`: patch each failing resource with the organisation's values; list what needs a person.

Files are read and judged as `scan` reads them (Terraform a directory at a
time). Each fix is written into the text one change at a time and the file is
read again before the next, so every edit lands on the current lines; a fix
whose change cannot be written safely is reported with the reason and
leaves the file as it was.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from guardrails.config import Config
from guardrails.engine import index_rules, select_rules
from guardrails.fixes import hclfile, jsonfile, yamlfile
from guardrails.fixes.locate import Unfixable, edit_for
from guardrails.fixes.plan import Change, Declared, Remedy, problems, remedy
from guardrails.inputs import InputFile, find_files, read_file
from guardrails.loader import LoadError, load_text
from guardrails.model import Resource, SourceError
from guardrails.rules import Rule, load_rules
from guardrails.sources import parse_files

EDITED = ("api", "cloudformation", "terraform")


@dataclass(slots=True)
class Planned:
    """A remedy for one resource: applied (its changes are in the patch) or left to a person (its reason)."""

    resource: Resource
    remedy: Remedy


@dataclass(slots=True)
class FilePatch:
    path: str
    original: str
    patched: str
    fixed: list[Planned] = field(default_factory=list)
    manual: list[Planned] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.patched.splitlines(keepends=True),
                fromfile=self.path,
                tofile=self.path,
            )
        )


@dataclass(slots=True)
class FixReport:
    patches: list[FilePatch] = field(default_factory=list)
    errors: list[SourceError] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 nothing to fix, 1 fixes proposed (or needed by hand), 2 an input could not be handled."""
        if self.errors:
            return 2
        return 1 if any(p.fixed or p.manual for p in self.patches) else 0


def fix(paths: list[str], config: Config) -> FixReport:
    """Plan the fixes for `paths`; nothing is written (see `write`)."""
    index = index_rules(select_rules(load_rules(), config.select, config.ignore))
    report = FixReport()
    modules: dict[str, list[InputFile]] = {}
    for item in find_files(paths):
        read = item if isinstance(item, SourceError) else read_file(item)
        if isinstance(read, SourceError):
            report.errors.append(read)
        elif read.path.endswith(".tf"):
            modules.setdefault(os.path.dirname(read.path), []).append(read)
        else:
            _unit([read], config, index, report)
    for files in modules.values():
        _unit(files, config, index, report)
    return report


def write(report: FixReport) -> list[str]:
    """Write every patched file; the paths written."""
    written = []
    for patch in report.patches:
        if patch.patched != patch.original:
            with open(patch.path, "w", encoding="utf-8", newline="") as handle:
                handle.write(patch.patched)
            written.append(patch.path)
    return written


def _unit(files: list[InputFile], config: Config, index: dict[str, list[Rule]], report: FixReport) -> None:
    parsed = parse_files(files)
    report.errors += parsed.errors
    texts = {f.path: f.text for f in files}
    patches = {f.path: FilePatch(f.path, f.text, f.text) for f in files}
    for resource in parsed.resources:
        declared = [
            Declared(r.kind, r.id)
            for r in parsed.resources
            if r.kind == "kms.key" and (r.path == resource.path or resource.source == "terraform")
        ]
        for problem in problems(resource, index.get(resource.kind, ()), config):
            planned = remedy(problem, resource, config, declared)
            patch = patches[resource.path]
            if not planned.changes:
                patch.manual.append(Planned(resource, planned))
                continue
            try:
                texts[resource.path] = _apply(texts, resource, planned.changes)
            except (Unfixable, LoadError) as exc:
                patch.manual.append(Planned(resource, replace(planned, changes=(), reason=str(exc))))
                continue
            patch.fixed.append(Planned(resource, planned))
    for path, patch in patches.items():
        patch.patched = texts[path]
        if patch.fixed or patch.manual:
            report.patches.append(patch)


def _apply(texts: dict[str, str], resource: Resource, changes: Iterable[Change]) -> str:
    """The text of `resource`'s file with `changes` written in, one at a time; Unfixable when one can't be."""
    if resource.source not in EDITED:
        raise Unfixable(f"{resource.source} inputs are not edited by fix: change what produced them")
    text = texts[resource.path]
    for change in changes:
        if resource.source == "terraform":
            current = _current(texts | {resource.path: text}, resource)
            text = hclfile.apply(text, current, change)
        else:
            edit = edit_for(resource, change, load_text(text).data)
            text = (jsonfile if resource.path.endswith(".json") else yamlfile).apply(text, edit)
    return text


def _current(texts: dict[str, str], resource: Resource) -> Resource:
    """`resource` as the module's current text declares it (its lines move as edits land)."""
    module = [InputFile(path, text) for path, text in texts.items() if path.endswith(".tf")]
    for candidate in parse_files(module).resources:
        if candidate.id == resource.id and candidate.kind == resource.kind:
            return candidate
    raise Unfixable(f"{resource.id} cannot be read back after an edit")
