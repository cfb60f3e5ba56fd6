"""`--add-noqa`: append `# noqa: CODES` to every line where a reported finding starts, as
ruff does, merging the codes into a `# noqa: ...` already there.

A line that ends inside a string or continues with a backslash cannot take a comment: its
findings are left as they are, and named in a warning. The edited text must still tokenize
and its comments must silence every finding they were added for, or the file is not written.
Notebooks get the comments in their cells, written back in the notebook's own layout.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, List, Optional, Set, Tuple

from sagelint.model import FileResult
from sagelint.suppression import _LINE, UNSUPPRESSIBLE, parse_suppressions

Rows = Dict[int, Set[str]]  # row -> codes to silence there
_ROWS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _rows(result: FileResult, cell: Optional[int]) -> Rows:
    rows: Rows = {}
    for diagnostic in result.diagnostics:
        if diagnostic.cell == cell and diagnostic.code not in UNSUPPRESSIBLE:
            rows.setdefault(diagnostic.noqa_row, set()).add(diagnostic.code)
    return rows


def _comments_and_open_rows(text: str) -> Tuple[Dict[int, tokenize.TokenInfo], Set[int]]:
    """The comment token of each row, and the rows whose end is inside a token (a string
    over several lines) or continued with a backslash, where no comment can go."""
    comments: Dict[int, tokenize.TokenInfo] = {}
    open_rows: Set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token
        elif token.end[0] > token.start[0] and token.type != tokenize.NL:
            open_rows.update(range(token.start[0], token.end[0]))
    for row, line in enumerate(text.splitlines(), start=1):
        if line.rstrip().endswith("\\") and row not in comments:
            open_rows.add(row)
    return comments, open_rows


def _with_codes(line: str, comment: Optional[tokenize.TokenInfo], codes: Set[str]) -> Optional[str]:
    """The line with `codes` silenced; None when a bare `# noqa` already silences all."""
    if comment is not None:
        found = _LINE.search(comment.string)
        if found is not None:
            if found.group("codes") is None:
                return None
            present = re.split(r"[\s,]+", found.group("codes").strip())
            merged = present + sorted(codes - {code.upper() for code in present})
            start = comment.start[1] + found.start("codes")
            end = comment.start[1] + found.end("codes")
            return line[:start] + ", ".join(merged) + line[end:]
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    return f"{body.rstrip()}  # noqa: {', '.join(sorted(codes))}{ending}"


def add_to_text(text: str, rows: Rows, scan: Optional[str] = None) -> Tuple[str, int, List[int]]:
    """(new text, comments added or extended, rows skipped because no comment can go there).
    `scan` is the text to tokenize, with the same rows and columns (a notebook cell with its
    IPython lines masked)."""
    comments, open_rows = _comments_and_open_rows(text if scan is None else scan)
    lines = text.splitlines(keepends=True)
    added, skipped = 0, []
    for row, codes in sorted(rows.items()):
        if row in open_rows or not 0 < row <= len(lines):
            skipped.append(row)
            continue
        changed = _with_codes(lines[row - 1], comments.get(row), codes)
        if changed is not None and changed != lines[row - 1]:
            lines[row - 1] = changed
            added += 1
    return "".join(lines), added, skipped


def silence_line(text: str, row: int, codes: Set[str]) -> Optional[str]:
    """Line `row` of `text` (its line break kept) as `add_to_text` would write it to silence
    `codes`; None when it would not change it (no comment can go there, a bare `# noqa` or
    the codes are there already). For one line at a time (the language server's action).
    Raises what tokenize raises on text it cannot read."""
    comments, open_rows = _comments_and_open_rows(text)
    lines = _ROWS.findall(text)  # rows as Python counts them (not str.splitlines: \f, \x1c...)
    if row in open_rows or not 0 < row <= len(lines):
        return None
    changed = _with_codes(lines[row - 1], comments.get(row), codes)
    return None if changed is None or changed == lines[row - 1] else changed


def _verified(text: str, rows: Rows, skipped: List[int]) -> bool:
    """Whether the text still tokenizes and silences every finding it was edited for."""
    try:
        suppressions = parse_suppressions(text)
        list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    return all(
        suppressions.suppresses(code, row)
        for row, codes in rows.items() if row not in skipped for code in codes
    )


def add_noqa(result: FileResult) -> Tuple[int, Optional[str]]:
    """Add the comments to a checked file on disk: (how many, a problem to report)."""
    from sagelint.files import read_bounded, source_limit

    try:
        data = read_bounded(result.path, source_limit(result.path))
    except OSError as exc:
        return 0, f"cannot read: {exc.strerror or exc}"
    if result.path.endswith(".ipynb"):
        return _add_to_notebook(result, data)
    from sagelint.programs import DecodeError, decode

    try:
        text, encoding = decode(data)
    except DecodeError as exc:
        return 0, str(exc)
    if result.source is not None and text != result.source:
        return 0, "changed while it was checked: no noqa added"
    rows = _rows(result, None)
    try:
        new, added, skipped = add_to_text(text, rows)
    except (tokenize.TokenError, SyntaxError):
        return 0, "cannot be tokenized: no noqa added"
    if not _verified(new, rows, skipped):
        return 0, "adding noqa comments would change the code: none added"
    if added:
        problem = _write(result.path, new.encode(encoding))
        if problem:
            return 0, problem
    return added, _skipped_message([f"line {row}" for row in skipped])


def _write(path: str, data: bytes) -> Optional[str]:
    from sagelint.files import write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:  # a read-only file, a full disk: the file is left as it was
        return f"cannot write: {exc.strerror or exc}: no noqa added"
    return None


def _add_to_notebook(result: FileResult, data: bytes) -> Tuple[int, Optional[str]]:
    from sagelint import notebook as nb

    try:
        book = nb.load(data)
    except nb.NotebookError as exc:
        return 0, str(exc)
    sources: Dict[int, str] = {}
    added = 0
    skipped_all: List[str] = []  # where no comment can go, as "cell N, line R"
    for cell in sorted({d.cell for d in result.diagnostics if d.cell is not None}):
        rows = _rows(result, cell)
        text = book.cell_source(cell)
        try:
            new, count, skipped = add_to_text(text, rows, nb.mask_cell(cell, text).text)
        except (tokenize.TokenError, SyntaxError):
            skipped_all += [f"cell {cell}, line {row}" for row in rows]
            continue
        if count and _verified(nb.mask_cell(cell, new).text, rows, skipped):
            sources[cell] = new
            added += count
        skipped_all += [f"cell {cell}, line {row}" for row in skipped]
    if sources:
        problem = _write(result.path, nb.write_back(book, sources))
        if problem:
            return 0, problem
    return added, _skipped_message(skipped_all)


def _skipped_message(skipped: List[str]) -> Optional[str]:
    if not skipped:
        return None
    where = ", ".join(skipped)
    return f"no noqa comment can go at the end of {where} (inside a string or continued)"
