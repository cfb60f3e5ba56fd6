"""Many files: read, check, write fixes back, in a stable order.

Settings and the engine (rule set, catalogue) are built once per run. A file that cannot be
read, or that makes the engine fail, becomes a one-line error and the run goes on.
"""

from __future__ import annotations

import signal
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, List, Optional

from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.files import read_bytes, write_atomic
from sagelint.model import FileError, FileResult


# A file that takes longer than this is reported and skipped (scope analysis has known
# blow-ups on machine-generated code).
FILE_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    write: bool = True  # False with --diff: compute fixes, write nothing
    verbose: bool = False
    time_limit: Optional[float] = FILE_TIME_LIMIT


class _TimeLimit(Exception):
    pass


@contextmanager
def _time_limit(seconds: Optional[float]) -> Iterator[None]:
    """Interrupt the work of the block after `seconds` (SIGALRM; only in the main thread of
    a POSIX process, elsewhere no limit)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _TimeLimit()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
        with _time_limit(options.time_limit):
            result = engine.check(path, data, fix=options.fix, unsafe=options.unsafe_fixes)
    except _TimeLimit:
        return FileResult(
            path, error=FileError(f"took longer than {options.time_limit:g} s to check: skipped")
        )
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
