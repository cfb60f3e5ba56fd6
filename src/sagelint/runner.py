"""Many files: read, check, write fixes back, in a stable order.

Settings and the engine (rule set, catalogue) are built once per run. A file that cannot be
read, or that makes the engine fail, becomes a one-line error and the run goes on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional

from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.files import read_bytes, write_atomic
from sagelint.model import FileError, FileResult


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    write: bool = True  # False with --diff: compute fixes, write nothing
    verbose: bool = False


@dataclass
class RunResult:
    files: List[FileResult] = field(default_factory=list)

    @property
    def diagnostics_count(self) -> int:
        return sum(len(result.diagnostics) for result in self.files)

    @property
    def errors(self) -> List[FileResult]:
        return [result for result in self.files if result.error is not None]


def run(
    paths: Iterable[str],
    settings: Settings,
    options: RunOptions,
    progress: Optional[Callable[[int], None]] = None,
) -> RunResult:
    engine = Engine(settings)
    outcome = RunResult()
    for path in paths:
        outcome.files.append(_check_one(engine, path, options))
        if progress is not None:
            progress(len(outcome.files))
    return outcome


def _check_one(engine: Engine, path: str, options: RunOptions) -> FileResult:
    try:
        data = read_bytes(path)
    except OSError as exc:
        return FileResult(path, error=FileError(f"cannot read: {exc.strerror or exc}"))
    try:
        result = engine.check(path, data, fix=options.fix, unsafe=options.unsafe_fixes)
    except RecursionError:
        return FileResult(path, error=FileError("too deeply nested to check"))
    except Exception as exc:  # an internal error must not stop the run
        detail = traceback.format_exc() if options.verbose else ""
        message = f"internal error while checking: {type(exc).__name__}: {exc}"
        return FileResult(path, error=FileError(message + (f"\n{detail}" if detail else "")))
    if result.fixed_bytes is not None and options.fix and options.write:
        try:
            write_atomic(path, result.fixed_bytes)
        except OSError as exc:
            result.error = FileError(f"cannot write fixes: {exc.strerror or exc}")
            result.fixed_bytes = None
    return result
