"""`rdjson`: reviewdog's diagnostic format (the `DiagnosticResult` message as JSON), for
`sagelint check --output-format rdjson | reviewdog -f=rdjson -reporter=github-pr-review`.

What reviewdog expects differs from our other formats in two ways: columns count UTF-8
bytes (1-based), and a range's end is exclusive. Safe fixes become `suggestions`, which
reviewdog offers as suggested changes in a review. A notebook's diagnostics point at lines of
the .ipynb file with no columns (reviewdog reads such a range as whole lines), and carry no
suggestions: the edits are in the cell's code, not in the file's JSON text. A file that could
not be checked is a diagnostic too (code SM000), as in the other machine formats.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence, TextIO

from sagelint.model import Applicability, Diagnostic, FileResult, Location
from sagelint.reporters import ReportOptions
from sagelint.reporters.common import UNCHECKED_CODE, unchecked
from sagelint.runner import RunResult

SOURCE = {"name": "sagelint", "url": "https://github.com/sagelint/sagelint"}
SEVERITIES = {"error": "ERROR", "warning": "WARNING"}
# Lines as the engine counts them (LibCST's line breaks; str.splitlines knows more).
_LINES = re.compile(r"\r\n|\r|\n")


def _lines(result: FileResult) -> List[str]:
    """The lines the script's diagnostics count in (after --fix, the fixed text's)."""
    text = result.fixed_source if result.fixed_source is not None else result.source
    return _LINES.split(text) if text else []


def _position(lines: Sequence[str], location: Location) -> Dict[str, int]:
    """A 1-based (row, character column) as reviewdog counts it: the column in UTF-8
    bytes of that line."""
    column = location.column
    if 0 < location.row <= len(lines):
        before = lines[location.row - 1][: column - 1]
        column = len(before.encode("utf-8", "surrogatepass")) + 1
    return {"line": location.row, "column": column}


def _range(lines: Sequence[str], start: Location, end: Location) -> Dict[str, Any]:
    return {"start": _position(lines, start), "end": _position(lines, end)}


def _suggestions(lines: Sequence[str], diagnostic: Diagnostic) -> List[Dict[str, Any]]:
    fix = diagnostic.fix
    if fix is None or fix.applicability is not Applicability.SAFE:
        return []
    return [
        {"range": _range(lines, edit.location, edit.end_location), "text": edit.content}
        for edit in fix.edits
    ]


def _code(diagnostic: Diagnostic, options: ReportOptions) -> Dict[str, str]:
    url = options.rule_url(diagnostic.code)
    return {"value": diagnostic.code, **({"url": url} if url else {})}


def _diagnostic(
    result: FileResult, diagnostic: Diagnostic, lines: Sequence[str], options: ReportOptions
) -> Dict[str, Any]:
    item: Dict[str, Any] = {
        "message": diagnostic.message,
        "location": {"path": result.path},
        "severity": SEVERITIES[diagnostic.severity.value],
        "code": _code(diagnostic, options),
    }
    if diagnostic.file_rows is not None:  # a notebook: whole lines of the .ipynb file
        first, last = diagnostic.file_rows
        item["message"] += f" [cell {diagnostic.cell}, line {diagnostic.location.row}]"
        item["location"]["range"] = {"start": {"line": first}, "end": {"line": last}}
        return item
    item["location"]["range"] = _range(lines, diagnostic.location, diagnostic.end_location)
    suggestions = _suggestions(lines, diagnostic)
    if suggestions:
        item["suggestions"] = suggestions
    return item


def rdjson_document(outcome: RunResult, options: Optional[ReportOptions] = None) -> Dict[str, Any]:
    options = options or ReportOptions()
    diagnostics: List[Dict[str, Any]] = [
        {
            "message": reason,
            "location": {"path": result.path, "range": {"start": {"line": 1, "column": 1}}},
            "severity": "ERROR",
            "code": {"value": UNCHECKED_CODE},
        }
        for result, reason in unchecked(outcome)
    ]
    for result in outcome.files:
        if not result.diagnostics:
            continue
        lines = _lines(result)
        diagnostics.extend(_diagnostic(result, d, lines, options) for d in result.diagnostics)
    return {"source": SOURCE, "diagnostics": diagnostics}


def report_rdjson(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(rdjson_document(outcome, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
