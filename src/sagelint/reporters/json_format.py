"""`json`: one array, each item shaped as ruff's JSON (a public contract)."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, TextIO

from sagelint.model import Diagnostic, FileResult, Fix, Location
from sagelint.reporters import ReportOptions
from sagelint.runner import RunResult


def _location(location: Location) -> Dict[str, int]:
    return {"row": location.row, "column": location.column}


def _fix(fix: Optional[Fix]) -> Optional[Dict[str, Any]]:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability.value,
        "message": fix.message,
        "edits": [
            {
                "content": edit.content,
                "location": _location(edit.location),
                "end_location": _location(edit.end_location),
                # Notebooks: the cell this edit's rows count in, which may not be the
                # diagnostic's (an env dict defined cells above its model); null in a script.
                "cell": edit.cell,
            }
            for edit in fix.edits
        ],
    }


def diagnostic_json(result: FileResult, diagnostic: Diagnostic) -> Dict[str, Any]:
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "message": diagnostic.message,
        "severity": diagnostic.severity.value,
        "filename": result.path,
        "location": _location(diagnostic.location),
        "end_location": _location(diagnostic.end_location),
        "cell": diagnostic.cell,
        "fix": _fix(diagnostic.fix),
        "noqa_row": diagnostic.noqa_row,
        "url": None,
    }


def report_json(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    items = [
        diagnostic_json(result, diagnostic)
        for result in outcome.files
        for diagnostic in result.diagnostics
    ]
    json.dump(items, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def report_json_lines(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    for result in outcome.files:
        for diagnostic in result.diagnostics:
            stream.write(json.dumps(diagnostic_json(result, diagnostic), ensure_ascii=False))
            stream.write("\n")
