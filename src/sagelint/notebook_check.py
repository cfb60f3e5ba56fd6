"""Checking a notebook: its code cells as one module (and each `%%writefile x.py` cell as its
own), positions counted in cells, fixes written back into the cells' sources.

The engine checks one module's text; `sagelint.notebook` reads and writes the notebook
format. This module joins them, so that neither of the two imports the other.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, List

from sagelint import notebook as nb
from sagelint.engine import MAX_CODE_BYTES, Engine, too_large
from sagelint.model import Diagnostic, FileError, FileResult, Location
from sagelint.notebook import Locator
from sagelint.paths import notebook_creators


def check_notebook(
    engine: Engine, path: str, data: bytes, fix: bool = False, unsafe: bool = False
) -> FileResult:
    """The code cells as one module (and each `%%writefile x.py` cell as its own), with
    positions as (cell, row) and fixes written back into the cells' sources."""
    try:
        book = nb.load(data)
    except nb.NotebookError as exc:
        return FileResult(path, error=FileError(str(exc)))
    if not book.is_python:
        return FileResult(path)
    parts = nb.programs(book, engine.target)
    code = sum(len(cell.text) for cell in parts.main.cells)
    if code > MAX_CODE_BYTES:
        return FileResult(path, error=FileError(f"its code: {too_large(code)}"))
    ignored = engine.ignored_in(path)
    diagnostics: List[Diagnostic] = []
    for cell, row, column, reason in parts.invalid:
        syntax_error = engine.syntax_error(row, column, reason, "this notebook cell")
        if syntax_error is not None:
            diagnostics.append(replace(syntax_error, cell=cell))
    result = FileResult(path)
    sources: Dict[int, str] = {}
    paths = engine.paths_for(path)
    if paths is not None:  # what the notebook's shell lines and cell magics may create
        paths = paths.with_created(notebook_creators(
            book.cell_source(number)
            for number, cell in enumerate(book.cells, 1)
            if cell.get("cell_type") == "code"
        ))
    for program in (parts.main, *parts.scripts):
        if not program.cells:
            continue
        analysis = engine.analyze(program.text, ignored, nb.COMPILE_FLAGS, paths)
        if analysis.error is not None:
            return FileResult(path, error=FileError(analysis.error))
        result.reads_paths = result.reads_paths or analysis.reads_paths
        if fix and analysis.parsed:
            fixed, applied, dropped = engine.apply_fixes(
                analysis, unsafe, ignored, nb.COMPILE_FLAGS, paths
            )
            locator = program.locator(analysis.text)
            result.dropped_fixes += tuple(
                "{} at cell {}, {}:{}".format(code, *locator.locate(row), column)
                for code, row, column in dropped
            )
            changed = program.split(fixed.text) if fixed.text != analysis.text else None
            analysis = fixed  # the same text when nothing changed (the one given is released)
            if changed is not None:
                sources.update(changed)
                result.applied_fixes += tuple(applied)
        locator = program.locator(analysis.text)
        diagnostics.extend(
            in_cell(diagnostic, locator)
            for diagnostic in analysis.diagnostics(locator.describe)
        )
    if paths is not None and paths.answers:
        result.path_answers = tuple(sorted(paths.answers.items()))
    changed_cells = tuple(
        (cell, book.cell_source(cell), text)
        for cell, text in sorted(sources.items())
        if text != book.cell_source(cell)
    )
    raw = book.raw
    if changed_cells:
        result.fixed_bytes = nb.write_back(book, dict((c, after) for c, _, after in changed_cells))
        result.changed_cells = changed_cells
        raw = result.fixed_bytes.decode("utf-8-sig")
    if diagnostics:
        rows = nb.FileRows(raw)
        diagnostics = [in_file(d, rows) if d.cell is not None else d for d in diagnostics]
        current = {cell: book.cell_source(cell) for cell in {d.cell for d in diagnostics} if cell}
        current.update({cell: after for cell, _, after in changed_cells if cell in current})
        result.cells = current
    diagnostics.sort(key=lambda d: (d.cell or 0, d.location, d.code))
    result.diagnostics = tuple(diagnostics)
    return result


def in_file(diagnostic: Diagnostic, rows: nb.FileRows) -> Diagnostic:
    """A notebook diagnostic with its rows and columns in the .ipynb file's own text."""
    assert diagnostic.cell is not None
    start = rows.position(diagnostic.cell, diagnostic.location.row, diagnostic.location.column)
    end = rows.position(
        diagnostic.cell, diagnostic.end_location.row, diagnostic.end_location.column
    )
    return replace(diagnostic, file_rows=(start[0], end[0]), file_columns=(start[1], end[1]))


def in_cell(diagnostic: Diagnostic, locator: Locator) -> Diagnostic:
    """A diagnostic of a notebook's module with its rows counted in its cell."""
    cell, row = locator.locate(diagnostic.location.row)
    _, end_row = locator.locate(diagnostic.end_location.row)
    fix = diagnostic.fix
    if fix is not None:
        fix = replace(fix, edits=tuple(
            replace(
                edit,
                cell=locator.locate(edit.location.row)[0],
                location=Location(locator.locate(edit.location.row)[1], edit.location.column),
                end_location=Location(
                    locator.locate(edit.end_location.row)[1], edit.end_location.column
                ),
            )
            for edit in fix.edits
        ))
    return replace(
        diagnostic,
        cell=cell,
        location=Location(row, diagnostic.location.column),
        end_location=Location(end_row, diagnostic.end_location.column),
        fix=fix,
    )
