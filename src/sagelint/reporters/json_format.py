"""`json`: one array, each item shaped as ruff's JSON (a public contract). A file that could
not be checked is an item too, with code SM000 (as ruff reports an unreadable file as E902 in
the same array), so the array stays the one shape consumers read."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, Optional, TextIO

from sagelint.model import Diagnostic, FileResult, Fix, Location
from sagelint.reporters import ReportOptions
from sagelint.reporters.common import UNCHECKED_CODE, UNCHECKED_NAME
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


def diagnostic_json(
    result: FileResult, diagnostic: Diagnostic, url: Optional[str] = None
) -> Dict[str, Any]:
    """One item; `url`: the rule's page (`ReportOptions.rule_url`), null without one."""
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
        "url": url,
    }


def unchecked_json(result: FileResult, reason: str) -> Dict[str, Any]:
    """A file that could not be checked, as an item: at its start, no fix, no noqa row (a
    comment cannot silence it) and no url (it is no rule's finding)."""
    start = _location(Location(1, 1))
    return {
        "code": UNCHECKED_CODE,
        "name": UNCHECKED_NAME,
        "message": reason,
        "severity": "error",
        "filename": result.path,
        "location": start,
        "end_location": dict(start),
        "cell": None,
        "fix": None,
        "noqa_row": None,
        "url": None,
    }


def _items(outcome: RunResult, options: ReportOptions) -> Iterator[Dict[str, Any]]:
    for result in outcome.files:
        if result.error is not None:
            yield unchecked_json(result, result.error.message)
        for diagnostic in result.diagnostics:
            yield diagnostic_json(result, diagnostic, options.rule_url(diagnostic.code))


def report_json(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(list(_items(outcome, options)), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def report_json_lines(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    for item in _items(outcome, options):
        stream.write(json.dumps(item, ensure_ascii=False))
        stream.write("\n")
