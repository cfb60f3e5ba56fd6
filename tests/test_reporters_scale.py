"""Reporters on a large file with many findings: each text is split once, not once per
diagnostic (issue 29: the `full` reporter's split of the whole text per finding was 20 % of a
20,000-line file's run), and the output is what splitting per diagnostic gave."""

from __future__ import annotations

import io
import re
from typing import List

import pytest

from sagelint.model import (
    Applicability, Diagnostic, Edit, FileResult, Fix, Location, Severity,
)
from sagelint.reporters import FORMATS, ReportOptions, get_reporter
from sagelint.runner import RunResult

ROWS = 4000
_CLOCK = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def _large_result() -> FileResult:
    lines = [f"value_{row} = compute({row}, 'x')  # row {row}" for row in range(1, ROWS + 1)]
    source = "\n".join(lines) + "\n"
    diagnostics = []
    for row in range(3, ROWS, 7):
        start, end = Location(row, 11), Location(row, 18)
        fix = Fix(
            Applicability.SAFE, "Add `timeout=600`",
            (Edit(0, 0, ", timeout=600", Location(row, 20), Location(row, 20)),),
        ) if row % 2 else None
        diagnostics.append(Diagnostic(
            "SM201", "startup-timeout-missing", f"finding on row {row}", Severity.WARNING,
            start, end, fix,
        ))
    return FileResult("big.py", diagnostics=tuple(diagnostics), source=source)


def _naive_lines_for(self: FileResult, diagnostic: Diagnostic) -> List[str]:
    """What lines_for did before: split the whole text for every diagnostic."""
    if diagnostic.cell is not None:
        return (self.cells or {}).get(diagnostic.cell, "").splitlines()
    text = self.fixed_source if self.fixed_source is not None else self.source
    return text.splitlines() if text else []


def _render(name: str) -> str:
    stream = io.StringIO()
    outcome = RunResult(files=[_large_result()], candidates=1)
    get_reporter(name)(outcome, stream, ReportOptions(started="2026-01-01T00:00:00Z"))
    # The time the report was written (SARIF's endTimeUtc) differs from run to run.
    return _CLOCK.sub("<time>", stream.getvalue())


def test_a_text_is_split_once_for_all_its_diagnostics() -> None:
    result = _large_result()
    first, *others = result.diagnostics
    lines = result.lines_for(first)
    assert len(lines) == ROWS
    assert all(result.lines_for(other) is lines for other in others)
    result.fixed_source = result.source.replace("compute", "computed")  # a new text: split anew
    assert result.lines_for(first) is not lines and "computed" in result.lines_for(first)[0]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_large_file_output_is_unchanged(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    produced = _render(name)
    monkeypatch.setattr(FileResult, "lines_for", _naive_lines_for)
    assert produced == _render(name)
