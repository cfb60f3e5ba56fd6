"""What several reporters share: repository-relative paths and stable fingerprints."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

from sagelint.model import Diagnostic, FileResult
from sagelint.runner import RunResult


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


def fingerprints(outcome: RunResult, root: Path) -> Iterator[Tuple[FileResult, Diagnostic, str]]:
    """Each diagnostic with a fingerprint that stays the same across runs and when lines are
    added above it: the file, the code, the text of the line, and which occurrence of that
    triple it is."""
    for result in outcome.files:
        seen: Dict[Tuple[str, str], int] = Counter()
        uri = repository_path(result.path, root)
        for diagnostic in result.diagnostics:
            lines = result.lines_for(diagnostic)
            row = diagnostic.location.row
            text = lines[row - 1].strip() if 0 < row <= len(lines) else ""
            key = (diagnostic.code, text)
            occurrence = seen[key]
            seen[key] += 1
            digest = hashlib.sha256(f"{uri}\0{diagnostic.code}\0{text}\0{occurrence}".encode())
            yield result, diagnostic, digest.hexdigest()[:32]
