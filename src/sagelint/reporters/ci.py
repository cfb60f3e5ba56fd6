"""`github` (workflow-command annotations) and `gitlab` (Code Quality report)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO, Tuple

from sagelint.model import Diagnostic

from sagelint.reporters import ReportOptions
from sagelint.reporters.common import (
    UNCHECKED_CODE,
    fingerprints,
    repository_path,
    repository_root,
    unchecked,
    utf8,
)
from sagelint.runner import RunResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    for result in outcome.files:
        if result.error is not None:  # not checked: an error on the whole file
            title = _property(f"sagelint ({UNCHECKED_CODE})")
            message = _data(f"{UNCHECKED_CODE} {result.error.message}")
            stream.write(f"::error title={title},file={_property(result.path)}::{message}\n")
        for d in result.diagnostics:
            kind = "error" if d.severity.value == "error" else "warning"
            where = [f"title={_property(f'sagelint ({d.code})')}", f"file={_property(result.path)}"]
            message = f"{d.code} {d.message}"
            (row, column), (end_row, end_column) = _file_span(d)
            if d.cell is not None:
                message += f" [cell {d.cell}, line {d.location.row}]"
            # Columns only on one line, and for a notebook only where they are known.
            columns = row == end_row and column is not None and end_column is not None
            where.append(f"line={row}")
            if columns:
                where.append(f"col={column}")
            where.append(f"endLine={end_row}")
            if columns:
                where.append(f"endColumn={end_column}")
            stream.write(f"::{kind} {','.join(where)}::{_data(message)}\n")


Place = Tuple[int, Optional[int]]


def _file_span(d: Diagnostic) -> Tuple[Place, Place]:
    """Start and end (row, column) in the file on disk: for a notebook, in the .ipynb text."""
    if d.file_rows is None:
        return (d.location.row, d.location.column), (d.end_location.row, d.end_location.column)
    columns: Tuple[Optional[int], Optional[int]] = d.file_columns or (None, None)
    return (d.file_rows[0], columns[0]), (d.file_rows[1], columns[1])


def _file_rows(d: Diagnostic) -> Tuple[int, int]:
    """First and last row in the file on disk (a notebook's own rows, not its cell's)."""
    return d.file_rows or (d.location.row, d.end_location.row)


_GITLAB_SEVERITY = {"error": "major", "warning": "minor"}
# Above any finding's: the report says nothing about what is in such a file.
_GITLAB_UNCHECKED_SEVERITY = "critical"


def _gitlab_unchecked(outcome: RunResult, root: Path) -> List[Dict[str, Any]]:
    items = []
    for result, reason in unchecked(outcome):
        path = repository_path(result.path, root)
        # One per file: the path and the code tell them apart (the reason may change).
        digest = hashlib.sha256(utf8(f"{path}\0{UNCHECKED_CODE}")).hexdigest()[:32]
        items.append({
            "description": f"{UNCHECKED_CODE} {reason}",
            "check_name": UNCHECKED_CODE,
            "fingerprint": digest,
            "severity": _GITLAB_UNCHECKED_SEVERITY,
            "location": {"path": path, "lines": {"begin": 1, "end": 1}},
        })
    return items


def report_gitlab(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    root = repository_root()
    items = _gitlab_unchecked(outcome, root) + [
        {
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": _GITLAB_SEVERITY[d.severity.value],
            "location": {
                "path": repository_path(result.path, root),
                "lines": dict(zip(("begin", "end"), _file_rows(d))),
            },
        }
        for result, d, fingerprint in fingerprints(outcome, root)
    ]
    json.dump(items, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
