""".ipynb <-> modules of code cells, position mapping, writing back.

A notebook's code cells are checked as one module, in order, so a model built in one cell and
deployed in a later one is one program. IPython syntax is masked without moving anything:
a line magic, shell escape or help request keeps its length and becomes `_#...` (an
expression statement with a comment, valid at any indentation), the lines it continues become
comments. A `%%writefile x.py` cell is a separate script and becomes a module of its own.

Before that, a cell is read as IPython's own input transformations read it (without
depending on IPython): leading empty lines and the common indentation do not count (an
indented cell is checked inside an `if True:` written on the line before it, so columns do not
move), a line that starts with an automagic name and goes on with text that is not Python
(`pip install x`) is that magic, and `%%time` / `%%capture` ... take the cell magic that
follows them (`%%time` then `%%bash` is a bash cell).

Cells are joined with a boundary comment after each one, so positions in the module map back
to (cell, row) even after fixes added or removed lines, and the fixed module splits back into
cell sources. Only the `source` values of changed cells are rewritten in the notebook's text;
everything else (indentation, key order, outputs, metadata) stays byte for byte.
"""

from __future__ import annotations

import ast
import bisect
import functools
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Tuple

if TYPE_CHECKING:  # the judge is imported when a notebook is read
    from sagelint.analysis.syntax import Verdict

# Cell magics whose body IPython runs as Python in the notebook's namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
WRITEFILE_MAGICS = frozenset({"writefile", "file"})
BOUNDARY = "#<sagelint cell boundary>"
# Written before the boundary when the next cell is indented (IPython removes that indent).
INDENTED_OPENER = "if True:  "
_BOUNDARY_LINE = re.compile(r"^(?:if True:  )?#<sagelint cell boundary>\n", re.MULTILINE)
# The line magics of IPython 8 and its default aliases: with automagic on (the default), a line
# that starts with one of these names and goes on with shell-like text runs it.
AUTOMAGICS = frozenset(
    """
    alias alias_magic autoawait autocall automagic autosave bookmark cat cd clear colors conda
    config connect_info cp debug dhist dirs doctest_mode ed edit env gui hist history
    killbgscripts ldir less lf lk ll load load_ext loadpy logoff logon logstart logstate
    logstop ls lsmagic lx macro magic mamba man matplotlib micromamba mkdir more mv notebook
    page pastebin pdb pdef pdoc pfile pinfo pinfo2 pip popd pprint precision prun psearch
    psource pushd pwd pycat pylab qtconsole quickref recall rehashx reload_ext rep rerun reset
    reset_selective rm rmdir run save sc set_env store sx system tb time timeit unalias
    unload_ext uv who who_ls whos xdel xmode
    """.split()
)
_AUTOMAGIC = re.compile(r"^([A-Za-z_]\w*)(\s+)(\S.*)?$")
COMPILE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT

_ASSIGNED_ESCAPE = re.compile(
    r"^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)[!%]"
)
_CELL_MAGIC = re.compile(r"^%%(\S*)")
_WRITEFILE_TARGET = re.compile(r"^%%\w+(?:\s+-a)?\s+(\S+)\s*$")


class NotebookError(Exception):
    """The bytes are not a notebook that can be checked (one line, for the user)."""


@dataclass
class CellText:
    """One cell's text as checked: masked lines are remembered to be put back."""

    cell: int  # 1-based among all cells of the notebook
    text: str  # masked, always ends with a newline
    original: str
    masked: List[Tuple[str, str]] = field(default_factory=list)  # (masked, original) lines
    indented: bool = False  # its first line of code is indented: checked inside `if True:`

    def restore(self, fixed: str) -> Optional[str]:
        """The fixed text with the IPython lines put back; None when they cannot be found
        (a fix touched them: the cell is then left as it was)."""
        lines = fixed.splitlines(keepends=True)
        pending = list(self.masked)
        for number, line in enumerate(lines):
            if not pending:
                break
            body = line.rstrip("\r\n")
            if body == pending[0][0]:
                lines[number] = pending[0][1] + line[len(body):]
                pending.pop(0)
        if pending:
            return None
        restored = "".join(lines)
        if not self.original.endswith("\n") and restored.endswith("\n"):
            restored = restored[:-1]
        return restored


@dataclass
class Program:
    """Code cells checked as one module: a boundary line before each cell and after the last
    one (`if True:` first when the cell after it is indented)."""

    cells: List[CellText]
    # The judge's verdict on `text`, when reading the notebook asked it (the engine takes it
    # rather than compile the same text again; see `judged`).
    verdict: Optional[Verdict] = None

    @property
    def text(self) -> str:
        return "".join(
            _boundary(cell) + cell.text for cell in self.cells
        ) + BOUNDARY + "\n"

    def locator(self, text: str) -> Locator:
        return Locator(text, [cell.cell for cell in self.cells])

    def split(self, text: str) -> Optional[Dict[int, str]]:
        """The module's (fixed) text back as cell sources; None if the boundaries moved."""
        parts = _BOUNDARY_LINE.split(text)
        if len(parts) != len(self.cells) + 2 or parts[0] or parts[-1]:
            return None
        sources: Dict[int, str] = {}
        for cell, part in zip(self.cells, parts[1:-1]):
            restored = cell.restore(part)
            if restored is None:
                return None
            sources[cell.cell] = restored
        return sources


def _boundary(cell: CellText) -> str:
    return (INDENTED_OPENER if cell.indented else "") + BOUNDARY + "\n"


class Locator:
    """Module rows -> (cell, row in cell), for one text of a program."""

    def __init__(self, text: str, cells: Sequence[int]) -> None:
        self.cells = list(cells)
        self.starts: List[int] = []  # the module row of the boundary line before each cell
        row = 0
        for line in text.splitlines():
            row += 1
            if line.endswith(BOUNDARY) and line in (BOUNDARY, INDENTED_OPENER + BOUNDARY):
                self.starts.append(row)

    def describe(self, row: int) -> str:
        cell, in_cell = self.locate(row)
        return f"cell {cell}, line {in_cell}"

    def locate(self, row: int) -> Tuple[int, int]:
        # A row on a boundary line (an edit that ends a cell's last line) belongs to the cell
        # before it.
        k = bisect.bisect_left(self.starts, row) - 1
        k = min(max(k, 0), len(self.cells) - 1)
        return self.cells[k], row - self.starts[k]


@dataclass
class Notebook:
    raw: str  # the file's text
    bom: bool
    cells: List[Dict[str, Any]]
    language: Optional[str]

    @property
    def is_python(self) -> bool:
        return self.language is None or self.language.lower() in ("python", "python3")

    def cell_source(self, index: int) -> str:
        """The source of the cell with this 1-based index."""
        return _source_text(self.cells[index - 1].get("source", ""))


def load(data: bytes) -> Notebook:
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(
            f"not a notebook: not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"not a notebook: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise NotebookError("not a notebook: JSON nested too deeply") from None
    except ValueError:  # a number past int()'s 4,300 digits: Jupyter cannot read it either
        raise NotebookError("not a notebook: JSON with an integer of more than 4,300 digits") from None
    if not isinstance(document, dict) or not isinstance(document.get("cells"), list):
        raise NotebookError("not a notebook: JSON without a `cells` list")
    cells = document["cells"]
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or not _is_source(cell.get("source", "")):
            raise NotebookError(f"not a notebook: cell {number} has no text `source`")
    return Notebook(raw, bom, cells, _language(document))


def _is_source(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(line, str) for line in value)
    )


def _source_text(value: Any) -> str:
    return value if isinstance(value, str) else "".join(value)


def _language(document: Dict[str, Any]) -> Optional[str]:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return None
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(section)
        if isinstance(value, dict) and isinstance(value.get(key), str):
            return str(value[key])
    return None


# -- cells -> programs ----------------------------------------------------------------------


@dataclass
class Programs:
    main: Program
    scripts: List[Program]  # %%writefile cells, one module each
    invalid: List[Tuple[int, int, int, str]]  # (cell, row, column, reason) of cells that fail


def programs(
    notebook: Notebook,
    target: Optional[Tuple[int, int]] = None,
    joined_limit: Optional[int] = None,
) -> Programs:
    """The notebook's programs. Cells whose text holds more than `joined_limit` characters
    in all are not compiled joined (the reader refuses so much code; its cells are judged
    one by one, as memory allows one cell's tree at a time)."""
    main: List[CellText] = []
    scripts: List[Program] = []
    invalid: List[Tuple[int, int, int, str]] = []
    for number, cell in enumerate(notebook.cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = _source_text(cell.get("source", ""))
        magics = cell_magics(source)
        if magics and magics[0] in WRITEFILE_MAGICS:
            script = _writefile_cell(number, source)
            if script is not None:
                program = judged(Program([script]), invalid, target, joined_limit)
                if program.cells:
                    scripts.append(program)
            continue
        if magics and magics[-1] not in PYTHON_CELL_MAGICS:
            continue  # %%bash, %%html, %%sql, `%%time` then `%%bash`, `%% x`...: not Python
        main.append(mask_cell(number, source))
    return Programs(
        judged(Program(main), invalid, target, joined_limit), scripts, sorted(invalid)
    )


def judged(
    program: Program,
    invalid: List[Tuple[int, int, int, str]],
    target: Optional[Tuple[int, int]],
    joined_limit: Optional[int] = None,
) -> Program:
    """The program without its cells that no Python allowed by `target` accepts on their own
    (they go to `invalid`; IPython runs cells one by one, so the others are still checked).

    Its module is compiled once: a notebook of valid cells costs one compile. Cells are
    judged only when that cannot show each of them valid alone. A module CPython rejects in
    one cell is split there: that cell is judged alone, the cells before it and the cells
    after it are compiled as a module each (when that does not show their cells valid, they
    are judged one by one). A module valid only joined (a statement across a boundary) has
    its cells judged one by one. Only CPython's compiler is asked about the modules: what a
    newer Python may accept (LibCST parses it) is asked of the cells alone, and of the
    program by the engine, as before. The verdict on a module CPython accepts is kept on the
    program whose text it judged, for the engine."""
    if not program.cells:
        return program
    cells = program.cells
    if joined_limit is not None and sum(len(cell.text) for cell in cells) > joined_limit:
        return Program(_one_by_one(cells, invalid, target))
    from sagelint.analysis.syntax import judge

    verdict = judge(program.text, COMPILE_FLAGS, target, newer_grammar=False)
    if _vouches(verdict, cells):
        kept = cells
    elif verdict.rejection is None:
        kept = _one_by_one(cells, invalid, target)
    else:
        at = _cell_of_row(cells, verdict.rejection[0])
        kept = [
            *_part(cells[:at], invalid, target),
            *_one_by_one(cells[at : at + 1], invalid, target),
            *_part(cells[at + 1 :], invalid, target),
        ]
    if len(kept) < len(cells):
        return Program(kept)
    if verdict.rejection is None:
        program.verdict = verdict  # the same text: the engine's judge would say the same
    return program


def _part(
    cells: List[CellText],
    invalid: List[Tuple[int, int, int, str]],
    target: Optional[Tuple[int, int]],
) -> List[CellText]:
    """The valid cells of a part of a rejected module: one compile when it shows them all
    valid, else each judged alone."""
    if len(cells) > 1:
        from sagelint.analysis.syntax import judge

        if _vouches(judge(Program(cells).text, COMPILE_FLAGS, target, newer_grammar=False), cells):
            return cells
    return _one_by_one(cells, invalid, target)


def _one_by_one(
    cells: List[CellText],
    invalid: List[Tuple[int, int, int, str]],
    target: Optional[Tuple[int, int]],
) -> List[CellText]:
    return [cell for cell in cells if not _rejects(cell, invalid, target)]


def _vouches(verdict: Verdict, cells: Sequence[CellText]) -> bool:
    """Whether a verdict on the module of `cells` shows each of them valid alone."""
    return (
        verdict.rejection is None
        and verdict.tree is not None
        and _cells_stand_alone(cells, verdict.tree)
    )


# Line breaks as CPython's compiler counts rows (a form feed or U+2028 is none).
_ROW_BREAK = re.compile(r"\r\n|\r|\n")


def _cells_stand_alone(cells: Sequence[CellText], tree: ast.Module) -> bool:
    """Whether every cell of a module CPython accepted is accepted on its own, read from the
    module's tree. A cell's rows are its boundary line and its text. Each top-level statement
    (from its first decorator) must start and end in one cell: a string, bracket, decorator,
    `else:` or indented block that runs on into the next cell is valid only joined. The
    tokenizer is then at a statement's start at each boundary, as at the start of a text,
    unless a cell ends in a backslash continuation (the boundary comment ends it when
    joined; the cell alone ends in the middle of a line): such a cell is judged alone. So is
    a module with a `from __future__` import (it may change how the later cells are read)."""
    if any(cell.text.rstrip().endswith("\\") for cell in cells):
        return False
    last_rows = _last_rows(cells)
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            return False
        decorators = getattr(statement, "decorator_list", None)
        first = decorators[0].lineno if decorators else statement.lineno
        end = statement.end_lineno if statement.end_lineno is not None else first
        if bisect.bisect_left(last_rows, first) != bisect.bisect_left(last_rows, end):
            return False
    return True


def _last_rows(cells: Sequence[CellText]) -> List[int]:
    """The module row of each cell's last line (a cell's rows: its boundary line, its text)."""
    rows: List[int] = []
    row = 0
    for cell in cells:
        row += 1 + len(_ROW_BREAK.findall(cell.text))
        rows.append(row)
    return rows


def _cell_of_row(cells: Sequence[CellText], row: int) -> int:
    """The index of the cell a row of their module lies in (the last one past the end)."""
    return min(bisect.bisect_left(_last_rows(cells), row), len(cells) - 1)


def cell_magics(source: str) -> List[str]:
    """The names of the cell magics a cell starts with, as IPython reads them: leading empty
    lines and indentation do not count, and `%%time` (`%%timeit`, `%%capture`, `%%prun`) hands
    the rest of the cell to IPython again, which may start with another cell magic. Any name
    after `%%` is a cell magic, even an unknown or empty one."""
    names: List[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        magic = _CELL_MAGIC.match(stripped)
        if magic is None:
            break
        names.append(magic.group(1))
        if magic.group(1) not in PYTHON_CELL_MAGICS:
            break
    return names


def _rejects(
    text: CellText, invalid: List[Tuple[int, int, int, str]], target: Optional[Tuple[int, int]]
) -> bool:
    """Whether no Python allowed by `target` accepts the cell on its own (it is then reported
    and left out, and the other cells are still checked: IPython runs them one by one)."""
    from sagelint.analysis.syntax import judge

    code = INDENTED_OPENER + "\n" + text.text if text.indented else text.text
    rejection = judge(code, COMPILE_FLAGS, target).rejection
    if rejection is not None:
        row, column, reason = rejection
        invalid.append((text.cell, max(row - text.indented, 1), column, reason))
        return True
    return False


def _writefile_cell(number: int, source: str) -> Optional[CellText]:
    first, _, _ = source.partition("\n")
    target = _WRITEFILE_TARGET.match(first.rstrip("\r"))
    if target is None or not target.group(1).strip("'\"").endswith(".py"):
        return None
    masked = "#" + first.rstrip("\r")[1:]
    text = masked + source[len(first.rstrip("\r")):]
    if not text.endswith("\n"):
        text += "\n"
    return CellText(number, text, source, [(masked, first.rstrip("\r"))])


def mask_cell(number: int, source: str) -> CellText:
    """The cell with its IPython lines masked (same rows and columns for everything else)."""
    lines = source.splitlines(keepends=True)
    magic_lines = leading_magics = len(cell_magics(source))
    if not magic_lines and not any(_may_be_escape(line.rstrip("\r\n")) for line in lines):
        # Nothing to mask (most cells): no need to find where statements start.
        text = source if source.endswith("\n") else source + "\n"
        return CellText(number, text, source, [], _first_code_indented(text, 0))
    out: List[str] = []
    masked: List[Tuple[str, str]] = []
    single_line = sum(1 for line in lines if line.strip()) == 1
    for line, starts in _statement_starts(lines):
        body = line.rstrip("\r\n")
        eol = line[len(body):]
        stripped = body.lstrip()
        indent = len(body) - len(stripped)
        replacement: Optional[str] = None
        if leading_magics and stripped.startswith("%%"):  # %%time, %%capture...
            leading_magics -= 1
            replacement = body[:indent] + "#" + stripped[1:]
        elif starts is None:  # continues a masked line
            if stripped:
                replacement = body[:indent] + "#" + stripped[1:]
        elif starts:
            replacement = _masked_escape(body) or _masked_automagic(body, single_line)
        if replacement is not None and replacement != body:
            masked.append((replacement, body))
            out.append(replacement + eol)
        else:
            out.append(line)
    text = "".join(out)
    if not text.endswith("\n"):
        text += "\n"
    return CellText(number, text, source, masked, _first_code_indented(text, magic_lines))


def _first_code_indented(text: str, magic_lines: int) -> bool:
    """Whether IPython removes an indentation before Python reads the cell: after its
    leading cell magics (each hands the rest to IPython again), the first line that is not
    empty is indented, and so is the first line of code (a comment alone opens no block)."""
    first_seen = False
    for line in text.splitlines():
        stripped = line.lstrip()
        if not stripped:
            continue
        if magic_lines:
            magic_lines -= 1
            continue
        indented = stripped != line
        if not first_seen and not indented:
            return False
        first_seen = True
        if not stripped.startswith("#"):
            return indented
    return False


def _masked_automagic(body: str, single_line: bool) -> Optional[str]:
    """A line that IPython's automagic runs as a magic or alias (`pip install x`, `cd dir`):
    it starts with such a name, goes on with text, and is not Python (IPython runs a line that
    is also Python, such as `ls -la`, as the alias only when it is the whole cell)."""
    stripped = body.lstrip()
    match = _AUTOMAGIC.match(stripped)
    if match is None or match.group(1) not in AUTOMAGICS or match.group(3) is None:
        return None
    rest = match.group(3)
    if rest[0] in "=.([,:;" and not rest.startswith("=="):  # an assignment or a call
        return None
    if not single_line and not _never_python(match.group(2), rest) and _compiles(stripped):
        return None
    indent = len(body) - len(stripped)
    return body[:indent] + _blank(stripped)


# What may follow a name in a statement when a word comes next (`x if y else z`, `x in y`,
# `x is y`, `x and y`, `x or y`, `x not in y`).
_OPERATOR_WORDS = frozenset({"if", "in", "is", "and", "or", "not"})
_ASCII_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _never_python(space: str, rest: str) -> bool:
    """Whether a line that is a name, `space` and `rest` cannot be Python, known from how
    `rest` starts (a test that saves compiling the line; it answers "cannot" only where
    compile would refuse): a name followed by a number, a string, or a name that is not an
    operator word is no statement (`pip install x`, `load_ext autoreload`, `cd "dir"`). No
    magic's name is a keyword or a soft keyword (`match`, `type`), which a name may follow."""
    if space.strip(" \t"):
        return False  # other white space: compile judges it
    if rest[0] in "0123456789'\"":
        return True
    word = _ASCII_WORD.match(rest)
    if word is None:
        return False  # an operator or a bracket: compile judges it
    after = rest[word.end() : word.end() + 1]
    if after and ("a" + after).isidentifier():
        return False  # the name goes on beyond ASCII: compile judges it
    return word.group() not in _OPERATOR_WORDS


@functools.lru_cache(maxsize=64)  # a line is asked about twice: as a start, then masked
def _compiles(line: str) -> bool:
    try:
        compile(line, "<line>", "exec", COMPILE_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _masked_escape(body: str) -> Optional[str]:
    stripped = body.lstrip()
    indent = len(body) - len(stripped)
    if stripped.startswith(("!", "%", "?")):
        return body[:indent] + _blank(stripped)
    if stripped.endswith("?") and "#" not in stripped:  # `obj?`, `obj??`
        return body[:indent] + _blank(stripped)
    assigned = _ASSIGNED_ESCAPE.match(body)
    if assigned is not None:  # `files = !ls`, `t = %timeit -o f()`
        start = assigned.end() - 1
        return body[:start] + _blank(body[start:])
    return None


def _blank(escape: str) -> str:
    """`_` and a comment, as long as the escape."""
    return "_" if len(escape) < 2 else "_#" + escape[2:]


def _may_be_escape(body: str) -> bool:
    """Whether a line would be masked if it started a statement, in a cell of any length
    (nothing is compiled: a line `_is_escape` finds is one of these)."""
    return _masked_escape(body) is not None or _masked_automagic(body, True) is not None


def _is_escape(body: str) -> bool:
    return _masked_escape(body) is not None or _masked_automagic(body, False) is not None


def _statement_starts(lines: Sequence[str]) -> Iterator[Tuple[str, Optional[bool]]]:
    """Each line and whether it starts a statement (True), is inside one (False), or
    continues an IPython escape with a trailing backslash (None)."""
    depth = 0
    quote: Optional[str] = None  # the open triple quote
    continued = False
    escape_continues = False
    for line in lines:
        body = line.rstrip("\r\n")
        if escape_continues:
            escape_continues = body.endswith("\\")
            yield line, None
            continue
        starts = depth == 0 and quote is None and not continued
        if starts and _is_escape(body):
            escape_continues = body.endswith("\\")
            yield line, True
            continue
        yield line, starts
        depth, quote, continued = _scan(body, depth, quote)


def _scan(body: str, depth: int, quote: Optional[str]) -> Tuple[int, Optional[str], bool]:
    """Bracket depth, open triple quote and backslash continuation after a line."""
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if quote is not None:
            if c == "\\":
                i += 2
            elif body.startswith(quote, i):
                quote = None
                i += 3
            else:
                i += 1
            continue
        if c == "#":
            return depth, None, False
        if c in "\"'":
            if body.startswith(c * 3, i):
                quote = c * 3
                i += 3
                continue
            i += 1
            while i < n and body[i] != c:
                i += 2 if body[i] == "\\" else 1
            i += 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(depth - 1, 0)
        elif c == "\\" and i == n - 1:
            return depth, quote, True
        i += 1
    return depth, quote, False


# -- positions in the file and writing back --------------------------------------------------


@dataclass
class SourceSpan:
    start: int  # offsets of the `source` value in the notebook's text
    end: int
    items: List[Tuple[int, int]]  # offsets of each string of a list value


def source_spans(raw: str) -> List[Optional[SourceSpan]]:
    """Where each cell's `source` value is in the text, in cell order (a scan that skips
    every other value with the C JSON scanner, so outputs cost little)."""
    scanner = _Scanner(raw)
    return scanner.notebook()


class _Scanner:
    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.decoder = json.JSONDecoder()
        self.i = 0

    def ws(self) -> None:
        raw, i = self.raw, self.i
        while i < len(raw) and raw[i] in " \t\r\n":
            i += 1
        self.i = i

    def expect(self, char: str) -> None:
        self.ws()
        if not self.raw.startswith(char, self.i):
            raise NotebookError(f"unexpected JSON at offset {self.i}")
        self.i += 1

    def peek(self) -> str:
        self.ws()
        return self.raw[self.i : self.i + 1]

    def skip_value(self) -> None:
        self.ws()
        _, self.i = self.decoder.raw_decode(self.raw, self.i)

    def string(self) -> str:
        if self.peek() != '"':
            raise NotebookError(f"unexpected JSON at offset {self.i}")
        value, self.i = self.decoder.raw_decode(self.raw, self.i)
        return str(value)

    def members(self) -> Iterator[str]:
        self.expect("{")
        if self.peek() == "}":
            self.i += 1
            return
        while True:
            key = self.string()
            self.expect(":")
            yield key
            if self.peek() == ",":
                self.i += 1
                continue
            self.expect("}")
            return

    def notebook(self) -> List[Optional[SourceSpan]]:
        spans: List[Optional[SourceSpan]] = []
        for key in self.members():
            if key != "cells":
                self.skip_value()
                continue
            self.expect("[")
            if self.peek() == "]":
                self.i += 1
                continue
            while True:
                spans.append(self.cell())
                if self.peek() == ",":
                    self.i += 1
                    continue
                self.expect("]")
                break
        return spans

    def cell(self) -> Optional[SourceSpan]:
        span: Optional[SourceSpan] = None
        for key in self.members():
            if key != "source":
                self.skip_value()
                continue
            self.ws()
            start = self.i
            items: List[Tuple[int, int]] = []
            if self.peek() == "[":
                self.i += 1
                while self.peek() not in ("]", ""):
                    self.ws()
                    item_start = self.i
                    self.string()
                    items.append((item_start, self.i))
                    if self.peek() == ",":
                        self.i += 1
                self.expect("]")
            else:
                self.skip_value()
            span = SourceSpan(start, self.i, items)
        return span


class FileRows:
    """Where a cell's row is in the notebook file (for SARIF and CI annotations)."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", raw)]
        try:
            self.spans = source_spans(raw)
        except (NotebookError, ValueError):
            self.spans = []

    def row(self, cell: int, row: int) -> int:
        span = self.spans[cell - 1] if cell - 1 < len(self.spans) else None
        if span is None:
            return 1
        if span.items:
            offset = span.items[min(row, len(span.items)) - 1][0]
        else:
            offset = span.start
        return bisect.bisect_right(self.starts, offset)

    def position(self, cell: int, row: int, column: int) -> Tuple[int, int]:
        """The 1-based row and column in the notebook file of a cell's (row, column): the
        place in the JSON string where that character is written, counting an escape
        (`\\n`, `\\"`, `\\u00e9`) as the characters it takes in the file."""
        span = self.spans[cell - 1] if cell - 1 < len(self.spans) else None
        if span is None:
            return 1, 1
        if span.items:
            index = min(max(row, 1), len(span.items)) - 1
            start, end = span.items[index]
            offset = _string_offset(self.raw, start + 1, end - 1, 1, column)
        elif self.raw.startswith('"', span.start):
            offset = _string_offset(self.raw, span.start + 1, span.end - 1, row, column)
        else:  # an empty list: no text to point into
            offset = span.start
        file_row = bisect.bisect_right(self.starts, offset)
        return file_row, offset - self.starts[file_row - 1] + 1


def _string_offset(raw: str, start: int, end: int, row: int, column: int) -> int:
    """The offset in `raw` of the character at 1-based (row, column) of the JSON string
    written between `start` and `end` (without its quotes); `end` when it lies beyond."""
    current_row, current_column, i = 1, 1, start
    while i < end:
        if (current_row, current_column) == (row, column):
            return i
        if raw[i] == "\\":
            escape = raw[i + 1 : i + 2]
            width, char = 2, "\n" if escape == "n" else "x"
            if escape == "u":
                width, code = 6, int(raw[i + 2 : i + 6], 16)
                if code == 0x0A:
                    char = "\n"
                elif 0xD800 <= code < 0xDC00 and raw.startswith("\\u", i + 6):
                    width = 12  # a surrogate pair is one character
        else:
            width, char = 1, raw[i]
        if char == "\n":
            if current_row == row:  # the column is past the end of its line
                return i
            current_row, current_column = current_row + 1, 1
        else:
            current_column += 1
        i += width
    return end


def write_back(notebook: Notebook, sources: Dict[int, str]) -> bytes:
    """The notebook's bytes with only the `source` values of these cells replaced, in the
    notebook's own layout."""
    raw = notebook.raw
    spans = source_spans(raw)
    newline = "\r\n" if "\r\n" in raw else "\n"
    ascii_only = _escapes_non_ascii(raw)
    replacements = []
    for cell, text in sources.items():
        span = spans[cell - 1] if cell - 1 < len(spans) else None
        if span is None or text == notebook.cell_source(cell):
            continue
        replacements.append((span, _render(raw, span, text, newline, ascii_only)))
    out = raw
    for span, rendered in sorted(replacements, key=lambda r: -r[0].start):
        out = out[: span.start] + rendered + out[span.end :]
    return ("\ufeff" if notebook.bom else "").encode("utf-8") + out.encode("utf-8")


def _escapes_non_ascii(raw: str) -> bool:
    """Whether the file was written with non-ASCII characters escaped (`\\u00e9`)."""
    return raw.isascii() and re.search(r"\\u(?!00[0-7])[0-9a-fA-F]{4}", raw) is not None


def _render(raw: str, span: SourceSpan, text: str, newline: str, ascii_only: bool) -> str:
    if not span.items and not raw.startswith("[", span.start):
        return json.dumps(text, ensure_ascii=ascii_only)
    known = {json.loads(raw[a:b]): raw[a:b] for a, b in span.items}
    items = [
        known.get(line) or json.dumps(line, ensure_ascii=ascii_only)
        for line in text.splitlines(keepends=True)
    ]
    if not items:
        return "[]"
    old = raw[span.start : span.end]
    if span.items:
        opening = raw[span.start + 1 : span.items[0][0]]
        closing = raw[span.items[-1][1] : span.end - 1]
        if len(span.items) > 1:
            separator = raw[span.items[0][1] : span.items[1][0]]
        elif "\n" in opening:
            separator = "," + opening
        else:  # one item on one line: follow the `"source": [` spacing
            separator = ", " if raw[span.start - 1] == " " else ","
    elif "\n" in old:
        opening, closing, separator = newline, newline, "," + newline
    else:
        opening, closing, separator = "", "", ", "
    return "[" + opening + separator.join(items) + closing + "]"
