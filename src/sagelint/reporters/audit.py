"""What the audit reports (html, markdown) share: totals, counts per rule, file and folder,
the excerpt of a finding and its fix as a small diff.

Everything here is computed in one pass over the run result; the reports then stream their
output from it and from the diagnostics, never building the whole document in memory.
"""

from __future__ import annotations

import difflib
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from sagelint import __version__
from sagelint.model import Applicability, Diagnostic, FileResult, Severity
from sagelint.reporters import ReportOptions
from sagelint.mask import Redactor
from sagelint.runner import RunResult

SYNTAX_CODE = "SM001"  # a file that could not be parsed
TOP_FILES = 20


@dataclass
class RuleCount:
    code: str
    name: str
    severity: Severity
    summary: str
    count: int = 0
    safe: int = 0
    unsafe: int = 0


@dataclass
class FileCount:
    index: int  # position in the run result: the file's anchor in the HTML report
    path: str
    count: int
    errors: int
    safe: int
    unsafe: int


@dataclass
class Folder:
    """A folder of the tree of findings: its count and its subfolders."""

    name: str
    path: str
    count: int = 0
    children: dict[str, Folder] = field(default_factory=dict)


@dataclass
class Audit:
    scanned: int = 0
    candidates: int = 0
    with_findings: int = 0
    findings: int = 0
    by_severity: Counter[str] = field(default_factory=Counter)
    safe: int = 0
    unsafe: int = 0
    fixed: int = 0  # fixes --fix applied in this run
    rules: dict[str, RuleCount] = field(default_factory=dict)
    files: list[FileCount] = field(default_factory=list)
    # Files that could not be checked: (path, reason), unreadable first, then unparsable.
    unchecked: list[tuple[str, str]] = field(default_factory=list)
    # Notebook cells that could not be parsed, per file: the notebook's other cells were
    # checked, so these are not files "not checked". (path, [(place, reason)]).
    unparsed_cells: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    tree: Folder = field(default_factory=lambda: Folder("", ""))
    version: str = __version__
    date: str = ""
    fingerprint: str = ""

    @property
    def cells_not_parsed(self) -> int:
        return sum(len(cells) for _, cells in self.unparsed_cells)

    @property
    def top_files(self) -> list[FileCount]:
        # Files with errors first (an error is what breaks a deployment), then by count.
        ranked = sorted(self.files, key=lambda f: (not f.errors, -f.count, f.path))
        return ranked[:TOP_FILES]


def display_path(path: str) -> str:
    """The path as found, with forward slashes and without a leading `./`; an absolute path
    under the working directory is made relative so folders group as people expect."""
    if os.path.isabs(path):
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            path = relative
    path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def folder_of(path: str) -> str:
    """The folder of a displayed path (`.` for the top level)."""
    head = display_path(path).rpartition("/")[0]
    return head or "."


def report_date() -> str:
    """UTC now, or SOURCE_DATE_EPOCH for reproducible reports."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    # Only what gmtime can represent: a 20-digit (or 5,000-digit) value falls back to now.
    seconds = int(epoch) if epoch.isascii() and epoch.isdigit() and len(epoch) <= 11 else time.time()
    try:
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):
        return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def fixable(diagnostic: Diagnostic) -> Applicability | None:
    return diagnostic.fix.applicability if diagnostic.fix is not None else None


def build_audit(outcome: RunResult, options: ReportOptions) -> Audit:
    from sagelint.rules import all_rules

    rules = all_rules()
    audit = Audit(
        scanned=len(outcome.files),
        candidates=outcome.candidates,
        date=report_date(),
        fingerprint=options.settings_fingerprint,
    )
    syntax: list[tuple[str, str]] = []
    for index, result in enumerate(outcome.files):
        audit.fixed += len(result.applied_fixes)
        if result.error is not None:
            audit.unchecked.append((display_path(result.path), result.error.message))
        if not result.diagnostics:
            continue
        audit.with_findings += 1
        counts = FileCount(index, display_path(result.path), len(result.diagnostics), 0, 0, 0)
        cells: list[tuple[str, str]] = []
        for diagnostic in result.diagnostics:
            _count(audit, rules, diagnostic, counts)
            if diagnostic.code != SYNTAX_CODE:
                continue
            if diagnostic.cell is None:  # a script that does not parse: nothing was checked
                syntax.append((counts.path, f"{diagnostic.place}: {diagnostic.message}"))
            else:  # one cell of a notebook: the others were checked
                cells.append((diagnostic.place, diagnostic.message))
        if cells:
            audit.unparsed_cells.append((counts.path, cells))
        audit.files.append(counts)
        _add_to_tree(audit.tree, counts.path, counts.count)
    audit.unchecked.extend(syntax)
    audit.findings = sum(audit.by_severity.values())
    # Errors first (then the most frequent): the per-rule table and chart follow this order.
    audit.rules = dict(sorted(
        audit.rules.items(),
        key=lambda item: (item[1].severity is not Severity.ERROR, -item[1].count, item[0]),
    ))
    return audit


def _count(audit: Audit, rules: dict[str, type], diagnostic: Diagnostic, counts: FileCount) -> None:
    rule = audit.rules.get(diagnostic.code)
    if rule is None:
        found = rules.get(diagnostic.code)
        summary = str(getattr(found, "summary", ""))
        rule = RuleCount(diagnostic.code, diagnostic.name, diagnostic.severity, summary)
        audit.rules[diagnostic.code] = rule
    rule.count += 1
    audit.by_severity[diagnostic.severity.value] += 1
    if diagnostic.severity is Severity.ERROR:
        counts.errors += 1
    applicability = fixable(diagnostic)
    if applicability is Applicability.SAFE:
        rule.safe += 1
        audit.safe += 1
        counts.safe += 1
    elif applicability is Applicability.UNSAFE:
        rule.unsafe += 1
        audit.unsafe += 1
        counts.unsafe += 1


def _add_to_tree(tree: Folder, path: str, count: int) -> None:
    tree.count += count
    node = tree
    parts = path.split("/")[:-1]
    for depth, part in enumerate(parts):
        child = node.children.get(part)
        if child is None:
            child = Folder(part, "/".join(parts[: depth + 1]))
            node.children[part] = child
        child.count += count
        node = child


def folders(tree: Folder) -> Iterator[Folder]:
    """Every folder of the tree, depth first, biggest first."""
    for child in sorted(tree.children.values(), key=lambda f: (-f.count, f.name)):
        yield child
        yield from folders(child)


# -- SM6: the migration inventory ------------------------------------------------------------


@dataclass(frozen=True)
class MigrationFile:
    """One file's SM6 findings sorted by the work they need: what breaks under the admitted
    (or `--sdk-version`) SDK releases, what `--fix` rewrites, what `--unsafe-fixes` would,
    and what is left to the hand (the places, `cell 3:2:29` or `12:4`)."""

    path: str
    breaks: int  # errors: the code fails under the admitted releases
    safe: int
    unsafe: int
    by_hand: tuple[str, ...]


def migration(outcome: RunResult) -> list[MigrationFile]:
    """The files with SM6 findings, in run order (the reports show it only when some exist)."""
    files: list[MigrationFile] = []
    for result in outcome.files:
        found = [d for d in result.diagnostics if d.code.startswith("SM6")]
        if not found:
            continue
        kinds = [fixable(d) for d in found]
        files.append(MigrationFile(
            display_path(result.path),
            sum(1 for d in found if d.severity is Severity.ERROR),
            kinds.count(Applicability.SAFE),
            kinds.count(Applicability.UNSAFE),
            tuple(f"{d.place} {d.code}" for d, kind in zip(found, kinds) if kind is None),
        ))
    return files


# -- one finding: excerpt and diff ----------------------------------------------------------


@dataclass(frozen=True)
class ExcerptLine:
    row: int
    text: str
    start: int  # 0-based columns of the marked span on this line (start == end: none)
    end: int


def excerpt(
    result: FileResult, diagnostic: Diagnostic, redactor: Redactor | None = None
) -> ExcerptLine | None:
    """The line a diagnostic starts on, with its span (to the line's end when it goes on);
    secrets masked (see `mask`), the span moved with them."""
    lines = result.lines_for(diagnostic)
    row = diagnostic.location.row
    if not 1 <= row <= len(lines):
        return None
    text = lines[row - 1].expandtabs(1)  # one column per character, as the positions count
    start = min(diagnostic.location.column - 1, len(text))
    if diagnostic.end_location.row == row:
        end = max(min(diagnostic.end_location.column - 1, len(text)), start)
    else:
        end = len(text)
    shown = (redactor or Redactor.for_result(result)).show(text, escape=False)
    start, end = shown.span(start, end)
    return ExcerptLine(row, shown.text, start, end)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # " " context, "-" removed, "+" added, "~" one line changed in place
    row: int | None  # the row before the fix (None for an added line)
    text: str
    new: str = ""  # "~": the line after the fix


def fix_diff(
    result: FileResult, diagnostic: Diagnostic, redactor: Redactor | None = None
) -> list[DiffLine]:
    """The lines the fix changes, before and after (a line changed in place is one "~"
    line); an insertion gets the line before it as context. Empty when the edits do not
    fall in the lines we have (then only the fix's title is shown). Secrets masked."""
    masker = redactor or Redactor.for_result(result)
    return [
        DiffLine(
            line.kind, line.row, masker.show(line.text, escape=False).text,
            masker.show(line.new, escape=False).text,
        )
        for line in _fix_diff(result, diagnostic)
    ]


def _fix_diff(result: FileResult, diagnostic: Diagnostic) -> list[DiffLine]:
    fix = diagnostic.fix
    lines = result.lines_for(diagnostic)
    if fix is None or not fix.edits or not lines:
        return []
    if any(edit.cell != diagnostic.cell for edit in fix.edits):
        return []  # a notebook fix that edits another cell (an env dict cells above)
    first = min(edit.location.row for edit in fix.edits)
    last = max(edit.end_location.row for edit in fix.edits)
    if first < 1 or last > len(lines):
        return []
    region = lines[first - 1 : last]
    starts = [0]
    for line in region:
        starts.append(starts[-1] + len(line) + 1)
    text = "\n".join(region)

    def offset(row: int, column: int) -> int:
        return min(starts[row - first] + column - 1, starts[row - first + 1] - 1)

    for edit in sorted(fix.edits, key=lambda e: (e.location, e.end_location), reverse=True):
        start = offset(edit.location.row, edit.location.column)
        end = offset(edit.end_location.row, edit.end_location.column)
        text = text[:start] + edit.content + text[end:]
    return _diff_lines(lines, first, region, text.split("\n"))


def _diff_lines(lines: list[str], first: int, before: list[str], after: list[str]) -> list[DiffLine]:
    out: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(DiffLine(" ", first + i, before[i]) for i in range(a0, a1))
        elif tag == "replace" and a1 - a0 == b1 - b0 == 1:
            out.append(DiffLine("~", first + a0, before[a0], after[b0]))
        else:
            out.extend(DiffLine("-", first + i, before[i]) for i in range(a0, a1))
            out.extend(DiffLine("+", None, after[j]) for j in range(b0, b1))
    if out and out[0].kind == "+" and first > 1:
        out.insert(0, DiffLine(" ", first - 1, lines[first - 2]))
    return out


def common_ends(before: str, after: str) -> tuple[int, int]:
    """How many characters two versions of a line share at the start and at the end, not
    cutting a word or number in two (`180` -> `300` shows both whole, not `18` -> `30`)."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    while head and _word(before[head - 1]) and (
        _word(before[head : head + 1]) or _word(after[head : head + 1])
    ):
        head -= 1
    while tail and _word(before[-tail]) and (
        _word(before[-tail - 1 : len(before) - tail]) or _word(after[-tail - 1 : len(after) - tail])
    ):
        tail -= 1
    return head, tail


def _word(text: str) -> bool:
    return len(text) == 1 and (text.isalnum() or text == "_")
