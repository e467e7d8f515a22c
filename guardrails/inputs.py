"""Find and read the files a scan was asked to judge.

Every file that cannot be read becomes a `SourceError` naming it and the
reason (too large, binary, not UTF-8, unreadable, a symlink loop), so the rest
of the scan goes on and nothing disappears silently.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from guardrails.model import SourceError

MAX_BYTES = 5 * 1024 * 1024
SUFFIXES = (".yaml", ".yml", ".json", ".template", ".tf")
_SKIP_DIRS = {".git", ".terraform", "node_modules", ".venv", "venv", "__pycache__", ".tox"}


@dataclass(slots=True)
class InputFile:
    path: str
    text: str


def discover(paths: list[str], max_bytes: int = MAX_BYTES) -> Iterator[InputFile | SourceError]:
    """Yield each file under `paths` (as the user spelled them), read, or the reason it can't be."""
    for item in find_files(paths):
        yield item if isinstance(item, SourceError) else read_file(item, max_bytes)


def find_files(paths: list[str]) -> Iterator[str | SourceError]:
    """The files to scan: each one named on the command line, and inside directories
    the files with a known suffix, in a stable (sorted) order."""
    for given in paths:
        if os.path.isdir(given):
            yield from _walk(given)
        elif os.path.lexists(given):
            yield given
        else:
            yield SourceError(given, "no such file or directory")


def _walk(root: str) -> Iterator[str | SourceError]:
    seen: set[str] = set()
    stack = [root]
    while stack:
        directory = stack.pop()
        real = os.path.realpath(directory)
        if real in seen:
            yield SourceError(directory, "symlink loop: directory already visited")
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            yield SourceError(directory, f"cannot list directory: {exc.strerror}")
            continue
        subdirs = []
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir()
            except OSError as exc:
                yield SourceError(path, f"cannot stat: {exc.strerror}")
                continue
            if is_dir:
                if entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                    subdirs.append(path)
            elif entry.name.endswith(SUFFIXES):
                yield path
        stack.extend(reversed(subdirs))


def read_file(path: str, max_bytes: int = MAX_BYTES) -> InputFile | SourceError:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return SourceError(path, f"cannot read: {_reason(path, exc)}")
    if not stat.S_ISREG(mode):
        return SourceError(path, "not a regular file")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        return SourceError(path, f"cannot read: {_reason(path, exc)}")
    if len(raw) > max_bytes:
        return SourceError(path, f"file larger than the {max_bytes // 1024} KiB limit")
    if b"\x00" in raw:
        return SourceError(path, "binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceError(path, f"not UTF-8 text (byte {exc.start})")
    if not text.strip():
        return SourceError(path, "empty file")
    return InputFile(path, text)


def _reason(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return "broken symlink"
    return exc.strerror or str(exc)
