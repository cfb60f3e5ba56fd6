"""What several reporters share: repository-relative paths and stable fingerprints."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from sagelint.model import Diagnostic, FileResult
from sagelint.runner import RunResult


# A file that could not be checked (unreadable, undecodable, too large, too slow, an internal
# error) or whose fixes could not be written: in the machine formats it is a result of its own
# under this code, so that a report without findings means every file was checked. Not a
# rule: it cannot be selected, ignored or silenced with `noqa`.
UNCHECKED_CODE = "SM000"
UNCHECKED_NAME = "file-error"
UNCHECKED_SUMMARY = "A file could not be checked"


def unchecked(outcome: RunResult) -> List[Tuple[FileResult, str]]:
    """Each result with an error, and its reason (what the `error:` line on stderr says)."""
    return [(result, result.error.message) for result in outcome.files if result.error is not None]


def utf8(text: str) -> bytes:
    """A path's bytes for hashing: a name that is not UTF-8 comes from the file system as
    lone surrogates (surrogateescape), which strict encoding refuses."""
    return text.encode("utf-8", "surrogateescape")


def repository_root(start: Optional[Path] = None) -> Path:
    """The enclosing git work tree, or the working directory outside one."""
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def repository_path(path: str, root: Path) -> str:
    """A result's path relative to the repository root, with forward slashes."""
    if path == "-":
        return path
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def code_fingerprint(code: str, line: str) -> str:
    """A fingerprint of the code a diagnostic is about: its rule code and the text of the line
    it starts on, without indentation, so it survives lines moving and re-indenting (SARIF's
    partialFingerprints and the baseline's entries)."""
    return hashlib.sha256(f"{code}\0{line.strip()}".encode()).hexdigest()[:16]


def line_text(result: FileResult, diagnostic: Diagnostic) -> str:
    lines = result.lines_for(diagnostic)
    row = diagnostic.location.row
    return lines[row - 1].strip() if 0 < row <= len(lines) else ""


def code_fingerprints(outcome: RunResult) -> Iterator[Tuple[FileResult, Diagnostic, str, int]]:
    """Each diagnostic with its code fingerprint and which occurrence (1-based) of that
    fingerprint in its file it is."""
    for result in outcome.files:
        seen: Dict[str, int] = Counter()
        for diagnostic in result.diagnostics:
            fingerprint = code_fingerprint(diagnostic.code, line_text(result, diagnostic))
            seen[fingerprint] += 1
            yield result, diagnostic, fingerprint, seen[fingerprint]


def fingerprints(outcome: RunResult, root: Path) -> Iterator[Tuple[FileResult, Diagnostic, str]]:
    """Each diagnostic with a fingerprint unique in the report that stays the same across runs
    and when lines are added above it: the file, the code, the text of the line, and which
    occurrence of that triple it is (GitLab's `fingerprint`)."""
    for result in outcome.files:
        seen: Dict[Tuple[str, str], int] = Counter()
        uri = repository_path(result.path, root)
        for diagnostic in result.diagnostics:
            text = line_text(result, diagnostic)
            key = (diagnostic.code, text)
            occurrence = seen[key]
            seen[key] += 1
            digest = hashlib.sha256(utf8(f"{uri}\0{diagnostic.code}\0{text}\0{occurrence}"))
            yield result, diagnostic, digest.hexdigest()[:32]
