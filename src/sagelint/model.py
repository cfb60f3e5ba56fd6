"""Plain data that leaves the engine: no CST nodes, safe to pickle and to report."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Optional, Tuple


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Location:
    """1-based row and column, columns counted in characters like ruff's."""

    row: int
    column: int


@dataclass(frozen=True)
class Edit:
    """Replace the text between two character offsets of the source with `content`."""

    start: int
    end: int
    content: str
    location: Location
    end_location: Location


@dataclass(frozen=True)
class Fix:
    applicability: Applicability
    message: str
    edits: Tuple[Edit, ...]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    message: str
    severity: Severity
    location: Location
    end_location: Location
    fix: Optional[Fix] = None
    cell: Optional[int] = None

    @property
    def noqa_row(self) -> int:
        return self.location.row


@dataclass(frozen=True)
class FileError:
    """A file that could not be checked at all (unreadable, undecodable, internal error)."""

    message: str


@dataclass
class FileResult:
    path: str
    diagnostics: Tuple[Diagnostic, ...] = ()
    error: Optional[FileError] = None
    source: Optional[str] = None  # decoded source, kept only when it has diagnostics
    fixed_source: Optional[str] = None  # set only when fixes changed the text
    fixed_bytes: Optional[bytes] = None
    applied_fixes: Tuple[Tuple[str, str], ...] = field(default_factory=tuple)  # (code, name)
    # Fixes not applied because the code they produced did not parse: "SM201 at 12:5".
    dropped_fixes: Tuple[str, ...] = field(default_factory=tuple)
