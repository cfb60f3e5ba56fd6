"""Many files: read, prefilter, cache, check (in a process pool when there are many), write
fixes back, in a stable order.

Settings and the engine (rule set, catalogue) are built once per run and once per worker.
Only plain data crosses processes: a path and its bytes one way, a FileResult the other. The
engine, and with it LibCST, is imported only when a file passes the prefilter. A file that
cannot be read, or that makes the engine fail, becomes a one-line error and the run goes on.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from sagelint.config import Settings
from sagelint.files import read_bytes, write_atomic
from sagelint.model import Applicability, FileError, FileResult

if TYPE_CHECKING:
    from sagelint.cache import Cache
    from sagelint.engine import Engine


# A file that needs more CPU time than this is reported and skipped (machine-generated
# code can blow up an analysis). CPU time, not wall time: on a loaded machine a file that
# needs 11 s of CPU can take minutes, and it is still checked.
FILE_TIME_LIMIT = 60.0
# Fewer files than this to parse are checked in this process: starting workers costs more.
MIN_FILES_FOR_POOL = 8
# Number of worker processes; default: the CPUs this process may use.
JOBS_ENV = "SAGELINT_JOBS"


@dataclass(frozen=True)
class RunOptions:
    fix: bool = False
    unsafe_fixes: bool = False
    write: bool = True  # False with --diff: compute fixes, write nothing
    verbose: bool = False
    time_limit: Optional[float] = FILE_TIME_LIMIT
    cache_dir: Optional[Path] = None  # None: no cache
    jobs: Optional[int] = None  # None: SAGELINT_JOBS, or the CPUs available


class _TimeLimit(Exception):
    pass


@contextmanager
def _time_limit(seconds: Optional[float]) -> Iterator[None]:
    """Interrupt the work of the block once it has used `seconds` of CPU time (the process's
    user and system time, SIGPROF; only in the main thread of a POSIX process, elsewhere no
    limit). Time spent waiting for the CPU, or sleeping, does not count."""
    usable = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if seconds is None or not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _TimeLimit()

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@dataclass
class RunResult:
    files: List[FileResult] = field(default_factory=list)
    # How many files passed the prefilter (could contain SageMaker code), cached or not: the
    # audit reports show it next to len(files), the files scanned.
    candidates: int = 0

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
    settings_for: Optional[Callable[[str], Settings]] = None,
    sources: Optional[Dict[str, bytes]] = None,
) -> RunResult:
    """Check `paths`; `settings_for` gives a file its own Settings (the nearest
    configuration), else `settings` applies to all; `sources` holds bytes to check instead
    of reading a path (standard input)."""
    paths = list(paths)
    results: List[Optional[FileResult]] = [None] * len(paths)
    caches: Dict[int, Optional[Cache]] = {}
    pending: List[_Pending] = []
    done = candidates = 0
    for position, path in enumerate(paths):
        file_settings = settings_for(path) if settings_for is not None else settings
        if id(file_settings) not in caches:
            caches[id(file_settings)] = _open_cache(file_settings, options)
        cache = caches[id(file_settings)]
        try:
            data = sources[path] if sources and path in sources else read_bytes(path)
        except OSError as exc:
            error = FileError(f"cannot read: {exc.strerror or exc}")
            results[position] = FileResult(path, error=error)
        else:
            if not any(word in data for word in file_settings.catalog.trigger_words):
                results[position] = FileResult(path)  # cannot hold SageMaker code
            else:
                candidates += 1
                digest = _digest(data) if cache is not None else ""
                cached = cache.get(path, digest) if cache is not None else None
                if cached is not None and not (options.fix and _fixable(cached, options)):
                    results[position] = cached
                else:
                    pending.append(_Pending(position, path, data, digest, file_settings))
                    continue
        done += 1
        if progress is not None:
            progress(done)
    for group_settings, group in _by_settings(pending):
        cache = caches[id(group_settings)]
        items = [(p.position, p.path, p.data, p.digest) for p in group]
        checked = _check_all(items, group_settings, options)
        for (position, path, _, digest), result in zip(items, checked):
            if (
                # A result that depends on other paths existing holds the answers it got;
                # the cache checks them again before reusing it.
                cache is not None and result.error is None and result.fixed_bytes is None
            ):
                cache.put(path, digest, result)
            results[position] = _write_fixes(result, options)
            done += 1
            if progress is not None:
                progress(done)
    for cache in caches.values():
        if cache is not None:
            cache.save()
    outcome = RunResult(candidates=candidates)
    outcome.files = [result for result in results if result is not None]
    return outcome


@dataclass(frozen=True)
class _Pending:
    position: int
    path: str
    data: bytes
    digest: str
    settings: Settings


def _by_settings(pending: List[_Pending]) -> List[Tuple[Settings, List[_Pending]]]:
    """Files to parse grouped by their Settings (one engine, or one pool, per group)."""
    groups: Dict[int, Tuple[Settings, List[_Pending]]] = {}
    for item in pending:
        groups.setdefault(id(item.settings), (item.settings, []))[1].append(item)
    return list(groups.values())


def _digest(data: bytes) -> str:
    from sagelint.cache import content_hash

    return content_hash(data)


def _open_cache(settings: Settings, options: RunOptions) -> Optional[Cache]:
    if options.cache_dir is None:
        return None
    from sagelint.cache import Cache

    return Cache(options.cache_dir, settings)


def _fixable(result: FileResult, options: RunOptions) -> bool:
    """Whether --fix would change the file (then the cached result is not enough)."""
    return any(
        d.fix is not None
        and (d.fix.applicability is Applicability.SAFE or options.unsafe_fixes)
        for d in result.diagnostics
    )


def jobs(options: RunOptions) -> int:
    if options.jobs is not None:
        return max(options.jobs, 1)
    configured = os.environ.get(JOBS_ENV, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _check_all(
    pending: List[Tuple[int, str, bytes, str]], settings: Settings, options: RunOptions
) -> Iterator[FileResult]:
    workers = min(jobs(options), len(pending) // (MIN_FILES_FOR_POOL // 2) or 1)
    if workers < 2 or len(pending) < MIN_FILES_FOR_POOL:
        from sagelint.engine import Engine

        engine = Engine(settings)
        for _, path, data, _ in pending:
            yield _check_one(engine, path, data, options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where it is safe and cheap (Linux): workers inherit the imported engine modules.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker,
        initargs=(settings, options),
    ) as pool:
        chunk = max(1, min(16, len(pending) // (workers * 8)))
        yield from pool.map(_work, [(path, data) for _, path, data, _ in pending], chunksize=chunk)


_worker: Optional[Tuple[Engine, RunOptions]] = None


def _start_worker(settings: Settings, options: RunOptions) -> None:
    from sagelint.engine import Engine

    global _worker
    _worker = (Engine(settings), options)


def _work(item: Tuple[str, bytes]) -> FileResult:
    assert _worker is not None
    engine, options = _worker
    return _check_one(engine, item[0], item[1], options)


def check_one(engine: Engine, path: str, data: bytes, options: RunOptions) -> FileResult:
    """One file's bytes checked as a run checks them: within the time limit, an internal
    error turned into the file's error (the language server checks its buffers so)."""
    return _check_one(engine, path, data, options)


def _check_one(engine: Engine, path: str, data: bytes, options: RunOptions) -> FileResult:
    try:
        with _time_limit(options.time_limit):
            return engine.check(path, data, fix=options.fix, unsafe=options.unsafe_fixes)
    except _TimeLimit:
        return FileResult(
            path, error=FileError(f"took longer than {options.time_limit:g} s to check: skipped")
        )
    except RecursionError:
        return FileResult(path, error=FileError("too deeply nested to check"))
    except Exception as exc:  # an internal error must not stop the run
        import traceback

        detail = traceback.format_exc() if options.verbose else ""
        message = f"internal error while checking: {type(exc).__name__}: {exc}"
        return FileResult(path, error=FileError(message + (f"\n{detail}" if detail else "")))


def _write_fixes(result: FileResult, options: RunOptions) -> FileResult:
    if result.fixed_bytes is not None and options.fix and options.write:
        try:
            write_atomic(result.path, result.fixed_bytes)
        except OSError as exc:
            result.error = FileError(f"cannot write fixes: {exc.strerror or exc}")
            result.fixed_bytes = None
    return result
