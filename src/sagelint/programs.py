"""A file as the engine checks it: the programs in its bytes, and where their rows are.

A script (`.py`) is a one-cell program: one unit whose rows are the file's rows, nothing
split, copied or mapped. A notebook's code cells are one program and each `%%writefile x.py`
cell one more (`sagelint.notebook` builds them); their rows map to (cell, row in the cell),
and fixed programs split back into cell sources written into the notebook's own text.
`Engine.check` runs the same steps on every unit of either; this module knows nothing of the
engine.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar, Dict, List, Optional, Sequence, Tuple, Union

from sagelint.model import Diagnostic, FileResult, Location
from sagelint.lazydata import lazy_dataclass
from sagelint.paths import SourcePaths, notebook_creators

if TYPE_CHECKING:
    from sagelint.analysis.syntax import Verdict
    # Imported where a notebook is read (`NotebookFile`): checking scripts never loads the
    # notebook reader (nor `json`).
    from sagelint import notebook as nb

NOTEBOOK_SUFFIX = ".ipynb"
# A file (a notebook's code) that passes the prefilter and is larger than this is not parsed:
# SageMaker scripts are small, and CPython's tree alone costs about 160 bytes per byte of
# code (bench/memory.py; the engine also bounds what reaches LibCST, MAX_PARSED_CHARS).
MAX_CODE_BYTES = 3 * 1024 * 1024

# A cell the reader found invalid on its own: (cell, row, column, reason).
Invalid = Tuple[int, int, int, str]


class Unreadable(Exception):
    """The bytes cannot be checked (one line, for the user)."""


class DecodeError(Unreadable):
    pass


def decode(data: bytes) -> Tuple[str, str]:
    """Source text and its encoding (PEP 263 cookie or BOM; UTF-8 by default)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "unknown encoding" in str(exc):
            raise DecodeError(str(exc)) from None
        encoding = "utf-8"  # not UTF-8 in its first lines, and no coding declaration
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        if isinstance(exc, LookupError):
            raise DecodeError(f"unknown encoding: {encoding}") from None
        raise DecodeError(
            f"cannot decode as {encoding}: {exc.reason} at byte {exc.start}"
            " (a file in another encoding needs a `# -*- coding: ... -*-` line)"
        ) from None


def read(path: str, data: bytes, target: Optional[Tuple[int, int]]) -> Optional[Source]:
    """The programs in a file's bytes; None for a notebook in another language. Raises
    Unreadable."""
    if path.endswith(NOTEBOOK_SUFFIX):
        return NotebookFile.read(data, target)
    if len(data) > MAX_CODE_BYTES:
        raise Unreadable(too_large(len(data)))
    return Script(*decode(data))


def too_large(size: int) -> str:
    """Why a file (or a notebook's code) of `size` bytes is not checked."""
    return (
        f"{size / (1024 * 1024):.1f} MB is larger than {MAX_CODE_BYTES // (1024 * 1024)} MB:"
        " not checked"
    )


# -- a script: one unit, rows as they are --------------------------------------------------


@dataclass
class Script:
    """A `.py` file: its text is the one unit, and the identity maps its rows."""

    text: str
    encoding: str
    fixed: Optional[str] = None  # the text after fixes, when they changed it
    flags: ClassVar[int] = 0  # compile flags: plain Python
    invalid: ClassVar[Tuple[Invalid, ...]] = ()  # what does not parse the engine finds itself
    subject: ClassVar[str] = ""

    @property
    def units(self) -> Tuple[Script]:
        return (self,)

    def with_created(self, paths: SourcePaths) -> SourcePaths:
        return paths  # what the code creates the engine reads from its tree

    def creators(self) -> Tuple[str, ...]:
        return ()  # a script has no shell lines: its writing calls are in its tree

    def rows(self, text: str) -> Script:
        return self

    def judged(self) -> Optional[Verdict]:
        return None  # reading a script judges nothing: the engine does

    def describe(self, row: int) -> str:
        return f"line {row}"

    def where(self, row: int, column: int) -> str:
        return f"{row}:{column}"

    def place(self, diagnostic: Diagnostic) -> Diagnostic:
        return diagnostic

    def keep(self, fixed: str) -> bool:
        self.fixed = fixed
        return True

    def finish(self, result: FileResult, diagnostics: List[Diagnostic]) -> FileResult:
        if self.fixed is not None:
            result.fixed_source = self.fixed
            result.fixed_bytes = self.fixed.encode(self.encoding)
        result.diagnostics = tuple(diagnostics)
        if diagnostics or self.fixed is not None:
            result.source = self.text
        return result


# -- a notebook: programs of cells, rows in cells -------------------------------------------


@lazy_dataclass()
class CellRows:
    """Rows of one text of a notebook program -> (cell, row in that cell)."""

    locator: nb.Locator

    def describe(self, row: int) -> str:
        return self.locator.describe(row)

    def where(self, row: int, column: int) -> str:
        cell, in_cell = self.locator.locate(row)
        return f"cell {cell}, {in_cell}:{column}"

    def place(self, diagnostic: Diagnostic) -> Diagnostic:
        return in_cell(diagnostic, self.locator)


@lazy_dataclass()
class Cells:
    """One program of a notebook as a unit; fixes kept go to the notebook's `fixed`."""

    program: nb.Program
    text: str
    fixed: Dict[int, str]

    def rows(self, text: str) -> CellRows:
        return CellRows(self.program.locator(text))

    def judged(self) -> Optional[Verdict]:
        """The judge's verdict on `text` from reading the notebook, handed over once: the
        unit lives for the whole check, and the verdict holds CPython's tree of the text."""
        verdict, self.program.verdict = self.program.verdict, None
        return verdict

    def keep(self, fixed: str) -> bool:
        """Keep a fixed text when it splits back into cells (a fix may not move a boundary
        or touch a masked IPython line)."""
        sources = self.program.split(fixed)
        if sources is None:
            return False
        self.fixed.update(sources)
        return True


@lazy_dataclass()
class NotebookFile:
    """A notebook's programs: its code cells as one module, each `%%writefile` cell as its own."""

    book: nb.Notebook
    units: List[Cells]
    invalid: Sequence[Invalid]
    fixed: Dict[int, str] = field(default_factory=dict)  # cell -> its source after fixes
    # top-level `await` is valid in a cell: sagelint.notebook.COMPILE_FLAGS (a test checks),
    # spelled out so that this class does not load the notebook reader
    flags: ClassVar[int] = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    subject: ClassVar[str] = "this notebook cell"

    @classmethod
    def read(cls, data: bytes, target: Optional[Tuple[int, int]]) -> Optional[NotebookFile]:
        from sagelint import notebook as nb

        try:
            book = nb.load(data)
        except nb.NotebookError as exc:
            raise Unreadable(str(exc)) from None
        if not book.is_python:
            return None
        parts = nb.programs(book, target, MAX_CODE_BYTES)  # more is not compiled joined
        code = sum(len(cell.text) for cell in parts.main.cells)
        if code > MAX_CODE_BYTES:
            raise Unreadable(f"its code: {too_large(code)}")
        fixed: Dict[int, str] = {}
        units = [
            Cells(program, program.text, fixed)
            for program in (parts.main, *parts.scripts)
            if program.cells
        ]
        return cls(book, units, parts.invalid, fixed)

    def with_created(self, paths: SourcePaths) -> SourcePaths:
        """What the notebook's shell lines and cell magics may create, too."""
        return paths.with_created(self.creators())

    def creators(self) -> Tuple[str, ...]:
        """The text of the notebook's shell lines and cell magics that may create or
        overwrite files (`%%writefile deploy.json`, `!aws s3 cp ...`): masked out of the
        code, so the resolver is handed them (a configuration file or module they name may
        hold something else when read)."""
        return tuple(notebook_creators(
            self.book.cell_source(number)
            for number, cell in enumerate(self.book.cells, 1)
            if cell.get("cell_type") == "code"
        ))

    def finish(self, result: FileResult, diagnostics: List[Diagnostic]) -> FileResult:
        """Fixed cells written back into the notebook's text; diagnostics placed in the
        .ipynb file too; the (fixed) sources of the cells they point into."""
        from sagelint import notebook as nb

        book = self.book
        changed_cells = tuple(
            (cell, book.cell_source(cell), text)
            for cell, text in sorted(self.fixed.items())
            if text != book.cell_source(cell)
        )
        raw = book.raw
        if changed_cells:
            result.fixed_bytes = nb.write_back(book, {c: after for c, _, after in changed_cells})
            result.changed_cells = changed_cells
            raw = result.fixed_bytes.decode("utf-8-sig")
        if diagnostics:
            rows = nb.FileRows(raw)
            diagnostics = [in_file(d, rows) if d.cell is not None else d for d in diagnostics]
            current = {cell: book.cell_source(cell) for cell in {d.cell for d in diagnostics} if cell}
            current.update({cell: after for cell, _, after in changed_cells if cell in current})
            result.cells = current
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


def in_cell(diagnostic: Diagnostic, locator: nb.Locator) -> Diagnostic:
    """A diagnostic of a notebook's module with its rows counted in its cell, and each fix
    edit's in the cell that edit falls in (not always the diagnostic's)."""
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


Source = Union[Script, NotebookFile]
Unit = Union[Script, Cells]
