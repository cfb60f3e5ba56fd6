"""`full` (source excerpt with a caret under the span) and `concise` (one line each)."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, TextIO

import click

from sagelint.model import Applicability, Diagnostic, FileResult, Severity
from sagelint.reporters import ReportOptions
from sagelint.runner import RunResult

if TYPE_CHECKING:  # imported when there is a finding to show (a clean run starts faster)
    from sagelint.mask import Redactor


def _fix_marker(diagnostic: Diagnostic, options: ReportOptions) -> str:
    fix = diagnostic.fix
    if fix is None:
        return ""
    if fix.applicability is Applicability.SAFE or options.unsafe_fixes:
        return "[*] "
    return ""


def _header(result: FileResult, diagnostic: Diagnostic, options: ReportOptions) -> str:
    from sagelint.mask import printable

    color = options.color
    # A file name or a message quoting code may hold control characters: escaped, never
    # sent to the terminal as they are.
    where = f"{printable(result.path)}:{diagnostic.place}:"
    code = diagnostic.code
    if color:
        where = click.style(where, bold=True)
        code = click.style(code, fg="red", bold=True)
    return f"{where} {code} {_fix_marker(diagnostic, options)}{printable(diagnostic.message)}"


def _excerpt(result: FileResult, diagnostic: Diagnostic, redactor: Redactor) -> List[str]:
    lines = result.lines_for(diagnostic)
    row = diagnostic.location.row
    label = f"{diagnostic.code} {diagnostic.severity.value}"
    if not 1 <= row <= len(lines):  # nothing to show under; the severity still is
        return [f"  = {diagnostic.severity.value}"]
    line = lines[row - 1].expandtabs(1)
    start = diagnostic.location.column - 1
    if diagnostic.end_location.row == row:
        end = max(diagnostic.end_location.column - 1, start + 1)
    else:
        end = max(len(line), start + 1)
    # Secrets masked and control characters escaped; the caret follows the columns.
    shown = redactor.show(line)
    start, end = shown.span(start, end)
    end = max(end, start + 1)
    gutter = " " * len(str(row))
    caret = " " * start + "^" * (end - start)
    out = [f"{gutter} |", f"{row} | {shown.text}", f"{gutter} | {caret} {label}", f"{gutter} |"]
    if diagnostic.fix is not None:
        from sagelint.mask import printable

        out.append(f"{gutter} = help: {printable(diagnostic.fix.message)}")
    return out


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _by_severity(diagnostics: List[Diagnostic]) -> str:
    """`1 error, 14 warnings`: what the problems are, so a summary never calls a warning an
    error."""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return f"{_count(errors, 'error')}, {_count(len(diagnostics) - errors, 'warning')}"


def _fixable(remaining: List[Diagnostic], options: ReportOptions) -> List[str]:
    safe = sum(1 for d in remaining if d.fix and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for d in remaining if d.fix and d.fix.applicability is Applicability.UNSAFE)
    if options.unsafe_fixes or not safe:
        return [f"{safe + unsafe} fixable with --fix --unsafe-fixes"] if safe + unsafe else []
    if unsafe:
        return [f"{safe} fixable with --fix, {unsafe} more with --unsafe-fixes"]
    return [f"{safe} fixable with --fix"]


def _gate(remaining: List[Diagnostic], options: ReportOptions) -> List[str]:
    """With `--fail-on error` the warnings are listed but do not fail the run: said, so that
    an exit status of 0 under a list of problems is no surprise."""
    if options.fail_on != "error" or all(d.severity is Severity.ERROR for d in remaining):
        return []
    return ["warnings do not fail the run (--fail-on error)"]


def summary(outcome: RunResult, options: ReportOptions) -> str:
    remaining = [d for result in outcome.files for d in result.diagnostics]
    fixed = sum(len(result.applied_fixes) for result in outcome.files)
    # A fix that could not be written counts as remaining, not fixed.
    unwritten = any(r.write_error or r.changed_during_run for r in outcome.files)
    if options.fix_mode and (fixed or unwritten):
        left = f"{len(remaining)} remaining"
        if remaining:
            left += f": {_by_severity(remaining)}"
        found = f"Found {_count(fixed + len(remaining), 'problem')} ({fixed} fixed, {left})"
        return "; ".join([found, *_gate(remaining, options)]) + "."
    unchecked = len(outcome.errors)
    if not remaining and unchecked:
        files = f"{unchecked} file" + ("" if unchecked == 1 else "s")
        return f"No diagnostics, but {files} could not be checked (see above)."
    if not remaining:
        return "All checks passed!"
    found = f"Found {_count(len(remaining), 'problem')} ({_by_severity(remaining)})"
    return "; ".join([found, *_fixable(remaining, options), *_gate(remaining, options)]) + "."


def report_full(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    for result in outcome.files:
        if not result.diagnostics:
            continue
        from sagelint.mask import Redactor

        redactor = Redactor.for_result(result)
        for diagnostic in result.diagnostics:
            stream.write(_header(result, diagnostic, options) + "\n")
            for line in _excerpt(result, diagnostic, redactor):
                stream.write(line + "\n")
            stream.write("\n")
    if not options.quiet:
        stream.write(summary(outcome, options) + "\n")


def report_concise(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    for result in outcome.files:
        for diagnostic in result.diagnostics:
            stream.write(_header(result, diagnostic, options) + "\n")
    if not options.quiet:
        stream.write(summary(outcome, options) + "\n")
