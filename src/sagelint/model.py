"""Plain data that leaves the engine: no CST nodes, safe to pickle and to report."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple

from sagelint.lazydata import lazy_dataclass

# What only a finding or an error needs is built with its first instance (sagelint.lazydata):
# a run of files without findings never builds it. FileResult is every file's.


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@lazy_dataclass(frozen=True, order=True)
class Location:
    """1-based row and column, columns counted in characters like ruff's."""

    row: int
    column: int


@lazy_dataclass(frozen=True)
class Edit:
    """Replace the text between two character offsets of the source with `content`."""

    start: int
    end: int
    content: str
    location: Location
    end_location: Location
    # Notebooks: the 1-based cell the rows count in (a fix may edit another cell than the
    # one its diagnostic is in: an env dict defined cells above its model).
    cell: Optional[int] = None


@lazy_dataclass(frozen=True)
class Fix:
    """The edits that fix one diagnostic."""

    applicability: Applicability
    message: str
    edits: Tuple[Edit, ...]


@lazy_dataclass(frozen=True)
class Diagnostic:
    """One finding, placed in its file (or notebook cell)."""

    code: str
    name: str
    message: str
    severity: Severity
    location: Location
    end_location: Location
    fix: Optional[Fix] = None
    cell: Optional[int] = None  # notebooks: the 1-based cell; location is within it
    # Notebooks: the first and last row in the .ipynb file itself (for SARIF, CI annotations).
    file_rows: Optional[Tuple[int, int]] = None
    # Notebooks: the start and end column in those rows of the .ipynb file's own text.
    file_columns: Optional[Tuple[int, int]] = None
    # A value read from a configuration file (#28): that file's absolute path and the line
    # of the value (SARIF's related location).
    related: Optional[Tuple[str, int]] = None

    @property
    def noqa_row(self) -> int:
        return self.location.row

    @property
    def place(self) -> str:
        """`7:5`, or `cell 4:7:5` in a notebook (what follows the path in text output)."""
        where = f"{self.location.row}:{self.location.column}"
        return where if self.cell is None else f"cell {self.cell}:{where}"


@lazy_dataclass(frozen=True)
class FileError:
    """A file that could not be checked at all (unreadable, undecodable, internal error)."""

    message: str


@lazy_dataclass(frozen=True)
class Elsewhere:
    """A diagnostic a check found in another file of the project: a literal of a module the
    checked file imports (sagelint.analysis.modules). The run moves it to that file's
    result (sagelint.runner), once however many files use the literal, naming every use."""

    path: str  # absolute
    diagnostic: Diagnostic  # its message without the uses
    uses: Tuple[str, ...] = ()  # "PyTorchModel(...) at deploy.py:12"
    # Where the checked file uses it (the call named in `uses`, or the call a path into an
    # imported function starts at): (row, column, end row, end column) of a script; the
    # language server shows the diagnostic there. None in a notebook, or when not known.
    anchor: Optional[Tuple[int, int, int, int]] = None


def with_uses(diagnostic: Diagnostic, uses: Tuple[str, ...]) -> Diagnostic:
    """A diagnostic of another file with the calls that use its literal named."""
    if not uses:
        return diagnostic
    return replace(diagnostic, message=f"{diagnostic.message} (used by {', '.join(uses)})")


@dataclass
class FileResult:
    """What checking one file gave: its diagnostics, or why it could not be checked."""

    path: str
    diagnostics: Tuple[Diagnostic, ...] = ()
    error: Optional[FileError] = None
    source: Optional[str] = None  # decoded source, kept only when it has diagnostics
    fixed_source: Optional[str] = None  # set only when fixes changed the text
    fixed_bytes: Optional[bytes] = None
    applied_fixes: Tuple[Tuple[str, str], ...] = field(default_factory=tuple)  # (code, name)
    # Fixes not applied because the code they produced did not parse: "SM201 at 12:5".
    dropped_fixes: Tuple[str, ...] = field(default_factory=tuple)
    # Notebooks: the source (after fixes) of each cell a diagnostic points into, and the
    # cells fixes changed as (cell, before, after).
    cells: Optional[Dict[int, str]] = None
    changed_cells: Tuple[Tuple[int, str, str], ...] = ()
    # SM402 asked whether paths exist: the result depends on more than the file's bytes,
    # namely on these answers (absolute path, existed), which a cached result is checked
    # against.
    reads_paths: bool = False
    path_answers: Tuple[Tuple[str, bool], ...] = ()
    # A rule asked which SageMaker SDK releases the file runs with (SM6): the folders walked
    # and declaration files read to answer (absolute paths); a cached result holds while
    # their contents stay the same (sagelint.sdk_versions.fingerprint).
    sdk_inputs: Tuple[str, ...] = ()
    # Other files of the project the check read (modules it imports, configuration files):
    # (absolute path, sagelint.project.read_hash of the bytes read, empty when missing). A
    # cached or kept result holds while every one still hashes the same.
    file_reads: Tuple[Tuple[str, str], ...] = ()
    # --fix did not write the file: why (a read-only file, a full disk), or that the file
    # changed (or went) since it was read. Either way the result is the unfixed file's.
    write_error: Optional[str] = None
    changed_during_run: bool = False
    # Diagnostics about other files of the project the check found (a literal in a module
    # it imports): the run moves them to those files' results.
    elsewhere: Tuple[Elsewhere, ...] = ()

    def lines_for(self, diagnostic: Diagnostic) -> List[str]:
        """The lines a diagnostic's rows count in: its cell's, or the file's (do not change
        the list: it is shared by every diagnostic of that text)."""
        if diagnostic.cell is not None:
            text: Optional[str] = (self.cells or {}).get(diagnostic.cell, "")
        else:
            # After --fix the diagnostics are those of the fixed text: so are their lines.
            text = self.fixed_source if self.fixed_source is not None else self.source
        if not text:
            return []
        # Each text is split once, not once per diagnostic: reporters ask for every
        # diagnostic, and a large file with many findings made that quadratic (issue 29).
        # Remembered by the text's identity, so a text replaced later is split anew.
        memo: Dict[int, Tuple[str, List[str]]] = self.__dict__.setdefault("_lines", {})
        key = -1 if diagnostic.cell is None else diagnostic.cell
        remembered = memo.get(key)
        if remembered is None or remembered[0] is not text:
            remembered = memo[key] = (text, text.splitlines())
        return remembered[1]


# -- plain dicts, for the cache ----------------------------------------------------------------


def _location_from(data: List[int]) -> Location:
    return Location(data[0], data[1])


def _pair(data: Optional[List[int]]) -> Optional[Tuple[int, int]]:
    return (data[0], data[1]) if data else None


def result_to_dict(result: FileResult) -> Dict[str, Any]:
    """What a cache entry holds of a checked file (not the path, not fixed text)."""
    out: Dict[str, Any] = {
        "diagnostics": [_diagnostic_to_dict(d) for d in result.diagnostics],
        "source": result.source,
        "cells": None if result.cells is None else {str(k): v for k, v in result.cells.items()},
    }
    if result.elsewhere:
        out["elsewhere"] = [
            {
                "path": e.path, "diagnostic": _diagnostic_to_dict(e.diagnostic),
                "uses": list(e.uses), "anchor": list(e.anchor) if e.anchor else None,
            }
            for e in result.elsewhere
        ]
    return out


def _diagnostic_to_dict(d: Diagnostic) -> Dict[str, Any]:
    return {
        "code": d.code, "name": d.name, "message": d.message, "severity": d.severity.value,
        "location": [d.location.row, d.location.column],
        "end_location": [d.end_location.row, d.end_location.column],
        "cell": d.cell, "file_rows": list(d.file_rows) if d.file_rows else None,
        "file_columns": list(d.file_columns) if d.file_columns else None,
        "related": list(d.related) if d.related else None,
        "fix": None if d.fix is None else {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                [e.start, e.end, e.content, [e.location.row, e.location.column],
                 [e.end_location.row, e.end_location.column], e.cell]
                for e in d.fix.edits
            ],
        },
    }


def result_from_dict(path: str, data: Dict[str, Any]) -> FileResult:
    diagnostics = [_diagnostic_from_dict(d) for d in data["diagnostics"]]
    cells = data["cells"]
    return FileResult(
        path,
        diagnostics=tuple(diagnostics),
        source=data["source"],
        cells=None if cells is None else {int(k): v for k, v in cells.items()},
        elsewhere=tuple(
            Elsewhere(
                e["path"], _diagnostic_from_dict(e["diagnostic"]), tuple(e["uses"]),
                (e["anchor"][0], e["anchor"][1], e["anchor"][2], e["anchor"][3])
                if e.get("anchor") else None,
            )
            for e in data.get("elsewhere", ())
        ),
    )


def _diagnostic_from_dict(d: Dict[str, Any]) -> Diagnostic:
    fix = None
    if d["fix"] is not None:
        fix = Fix(
            Applicability(d["fix"]["applicability"]),
            d["fix"]["message"],
            tuple(
                Edit(start, end, content, _location_from(a), _location_from(b), cell)
                for start, end, content, a, b, cell in d["fix"]["edits"]
            ),
        )
    return Diagnostic(
        code=d["code"], name=d["name"], message=d["message"],
        severity=Severity(d["severity"]),
        location=_location_from(d["location"]), end_location=_location_from(d["end_location"]),
        fix=fix, cell=d["cell"],
        file_rows=(d["file_rows"][0], d["file_rows"][1]) if d["file_rows"] else None,
        file_columns=_pair(d.get("file_columns")),
        related=(d["related"][0], d["related"][1]) if d.get("related") else None,
    )
