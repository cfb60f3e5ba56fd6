"""`markdown`: the audit summary, the table per rule, the files with the most findings and
the findings themselves, as GitHub-flavoured Markdown for a pull-request comment or a wiki.

A GitHub comment holds at most 65,536 characters: the whole document stays under that. The
findings list gets the room the summary and tables leave, stops before the limit and says how
many it left out (the html and json formats have them all).
"""

from __future__ import annotations

import re
from typing import TextIO

from sagelint.model import FileResult, Severity
from sagelint.reporters import ReportOptions
from sagelint.reporters.audit import Audit, build_audit, display_path, fixable, migration
from sagelint.runner import RunResult

# GitHub's limit for a comment's body, in characters: the whole report stays under it.
COMMENT_LIMIT = 65_536
# Paths and reasons above the findings list are shortened to this many characters, and the
# lists of files and cells not checked to SECTION_LIMIT, so the findings keep most of the room.
LONG_TEXT = 160
SECTION_LIMIT = 8_000
# A list this long or shorter is shown open; a longer one is folded in <details>.
OPEN_FINDINGS = 20

_CODE_SPAN = re.compile(r"(`[^`]+`)")
_SPECIAL = re.compile(r"([\\*_<>\[\]|])")


def text(value: str) -> str:
    """Markdown for plain text with `code` spans kept: characters that would start emphasis,
    a link, HTML or a table cell are escaped outside the spans."""
    parts = _CODE_SPAN.split(value)
    return "".join(
        part if i % 2 else _SPECIAL.sub(r"\\\1", part) for i, part in enumerate(parts)
    ).replace("\n", " ")


def code(value: str) -> str:
    """A code span, whatever backticks the value holds."""
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}".replace("|", "\\|")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def size(value: str) -> int:
    """Characters as a browser counts them (UTF-16 units: an emoji is two), never fewer than
    Python's count, so a report that fits here fits GitHub's limit."""
    return len(value) + sum(1 for char in value if ord(char) > 0xFFFF)


def _shorten(value: str, keep_end: bool = False) -> str:
    """At most LONG_TEXT characters; a path keeps its end (the file's name)."""
    if len(value) <= LONG_TEXT:
        return value
    return "…" + value[1 - LONG_TEXT :] if keep_end else value[: LONG_TEXT - 1] + "…"


def report_markdown(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    audit = build_audit(outcome, options)
    sections = [
        _summary(audit), _rule_table(audit), _migration(outcome), _top_files(audit),
        _not_checked(audit),
    ]
    head = "".join("\n".join(lines) + "\n" for lines in sections)
    stream.write(head)
    _findings(outcome, audit, stream, COMMENT_LIMIT - size(head))


def _summary(audit: Audit) -> list[str]:
    errors = audit.by_severity.get("error", 0)
    warnings = audit.by_severity.get("warning", 0)
    if audit.findings:
        headline = (
            f"**{_plural(audit.findings, 'finding')}** ({_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')}) in {_plural(audit.with_findings, 'file')}; "
            f"{audit.safe:,} fixable with `--fix`, {audit.unsafe:,} more with `--unsafe-fixes`."
        )
    else:
        headline = "**No findings.**"
    lines = [
        "## sagelint report",
        "",
        headline,
        "",
        "| | |",
        "|---|---:|",
        f"| Files scanned | {audit.scanned:,} |",
        f"| Could contain SageMaker code | {audit.candidates:,} |",
        f"| Files with findings | {audit.with_findings:,} |",
        f"| Files that could not be checked | {len(audit.unchecked):,} |",
        *([f"| Notebook cells that could not be parsed | {audit.cells_not_parsed:,} |"]
          if audit.unparsed_cells else []),
        f"| Findings | {audit.findings:,} |",
        f"| Errors | {errors:,} |",
        f"| Warnings | {warnings:,} |",
        f"| Fixable with `--fix` | {audit.safe:,} |",
        f"| More with `--unsafe-fixes` | {audit.unsafe:,} |",
    ]
    if audit.fixed:
        lines.append(f"| Fixed by this run (`--fix`) | {audit.fixed:,} |")
    lines += [
        "",
        f"<sub>sagelint {audit.version} · settings `{audit.fingerprint or '-'}` · {audit.date}</sub>",
        "",
    ]
    return lines


def _not_checked(audit: Audit) -> list[str]:
    """Files that could not be checked, and notebook cells that could not be parsed grouped
    per notebook: each list folded, after the tables, and kept short."""
    lines: list[str] = []
    if audit.unchecked:
        entries = [
            f"- {code(_shorten(path, keep_end=True))}: {text(_shorten(reason))}"
            for path, reason in audit.unchecked
        ]
        title = f"{_plural(len(audit.unchecked), 'file')} could not be checked"
        lines += _folded(title, entries, "files")
    if audit.unparsed_cells:
        groups = [
            "\n".join([
                f"- {code(_shorten(path, keep_end=True))} ({_plural(len(cells), 'cell')})",
                *(f"  - {code(where)}: {text(_shorten(reason))}" for where, reason in cells),
            ])
            for path, cells in audit.unparsed_cells
        ]
        title = (f"{_plural(audit.cells_not_parsed, 'notebook cell')} in "
                 f"{_plural(len(audit.unparsed_cells), 'notebook')} could not be parsed "
                 "(their other cells were checked)")
        lines += _folded(title, groups, "notebooks")
    return lines


def _folded(title: str, entries: list[str], noun: str) -> list[str]:
    """A folded list of at most SECTION_LIMIT characters, counting what it leaves out."""
    kept: list[str] = []
    room = SECTION_LIMIT
    for entry in entries:
        room -= size(entry) + 1
        if room < 0:
            break
        kept.append(entry)
    if len(kept) < len(entries):
        kept.append(f"- … and {len(entries) - len(kept):,} more {noun}")
    return [f"<details><summary>{title}</summary>", "", *kept, "", "</details>", ""]


def _rule_table(audit: Audit) -> list[str]:
    if not audit.rules:
        return []
    lines = [
        "### Findings per rule",
        "",
        "| Code | Name | Severity | Findings | Safe fix | Unsafe fix |",
        "|---|---|---|---:|---:|---:|",
    ]
    for rule in audit.rules.values():
        lines.append(
            f"| {rule.code} | {code(rule.name)} | {rule.severity.value} | {rule.count:,} | "
            f"{rule.safe:,} | {rule.unsafe:,} |"
        )
    return [*lines, ""]


def _migration(outcome: RunResult) -> list[str]:
    """SM6's inventory per file (`--select SM6`, with `--sdk-version 3` to ask what a move
    would break): errors under the SDK releases checked, what `--fix` and `--unsafe-fixes`
    rewrite, and the places left to port by hand. Shown only when SM6 found something."""
    files = migration(outcome)
    if not files:
        return []
    lines = [
        "### Migration between SDK versions",
        "",
        "| File | Fails under the SDK checked | `--fix` rewrites | `--unsafe-fixes` | By hand |",
        "|---|---|---:|---:|---|",
    ]
    entries = []
    for entry in files:
        hand = ", ".join(code(place) for place in entry.by_hand[:5])
        if len(entry.by_hand) > 5:
            hand += f", … {len(entry.by_hand) - 5:,} more"
        entries.append(
            f"| {code(_shorten(entry.path, keep_end=True))} | {_plural(entry.breaks, 'error')} |"
            f" {entry.safe:,} |"
            f" {entry.unsafe:,} | {hand or '-'} |"
        )
    kept: list[str] = []
    room = SECTION_LIMIT
    for entry_line in entries:
        room -= size(entry_line) + 1
        if room < 0:
            kept.append(f"| … and {len(entries) - len(kept):,} more files | | | | |")
            break
        kept.append(entry_line)
    return [*lines, *kept, ""]


def _top_files(audit: Audit) -> list[str]:
    if not audit.files:
        return []
    shown = audit.top_files
    lines = ["### Files with the most findings", ""]
    if len(audit.files) > len(shown):
        lines += [f"{len(shown)} of {len(audit.files):,} files: those with errors first, then "
                  "those with the most findings.", ""]
    lines += ["| File | Findings | Errors | Warnings | Fixable |", "|---|---:|---:|---:|---:|"]
    for entry in shown:
        lines.append(
            f"| {code(_shorten(entry.path, keep_end=True))} | {entry.count:,} | {entry.errors:,} | "
            f"{entry.count - entry.errors:,} | {entry.safe + entry.unsafe:,} |"
        )
    return [*lines, ""]


def _findings(outcome: RunResult, audit: Audit, stream: TextIO, room: int) -> None:
    """Every finding, files with errors first, as long as they fit in `room` characters; the
    rest is counted, with the command that lists them all."""
    if not audit.findings:
        return
    opened = " open" if audit.findings <= OPEN_FINDINGS else ""
    start = (
        f"### Findings\n\n<details{opened}><summary>{_plural(audit.findings, 'finding')} in "
        f"{_plural(audit.with_findings, 'file')}</summary>\n\n"
    )
    end = "</details>\n"
    stream.write(start)
    # Room for the note on what was left out, at its longest (every finding left out).
    budget = room - size(start) - size(end) - size(_left_out(audit.findings))
    listed = 0
    ordered = sorted(
        (result for result in outcome.files if result.diagnostics),
        key=lambda result: not any(d.severity is Severity.ERROR for d in result.diagnostics),
    )
    for result in ordered:
        heading = f"**{code(display_path(result.path))}** ({len(result.diagnostics):,})\n\n"
        block = [heading]
        used = size(heading)
        for line in _finding_lines(result):
            if used + size(line) + 1 > budget:  # +1: the blank line that ends the block
                break
            block.append(line)
            used += size(line)
        if len(block) > 1:
            stream.write("".join(block) + "\n")
            budget -= used + 1
            listed += len(block) - 1
        if len(block) - 1 < len(result.diagnostics):
            break
    if listed < audit.findings:
        stream.write(_left_out(audit.findings - listed))
    stream.write(end)


def _finding_lines(result: FileResult) -> list[str]:
    lines = []
    for diagnostic in result.diagnostics:
        applicability = fixable(diagnostic)
        fix = ""
        if applicability is not None and diagnostic.fix is not None:
            fix = f" — *{applicability.value} fix:* {text(diagnostic.fix.message)}"
        lines.append(
            f"- {code(diagnostic.place)} **{diagnostic.code}** ({diagnostic.severity.value}) "
            f"{text(diagnostic.message)}{fix}\n"
        )
    return lines


def _left_out(count: int) -> str:
    return (
        f"… and {count:,} more findings, left out to fit a comment: run "
        "`sagelint check --output-format json` (or `html`) for all.\n\n"
    )
