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
from typing import (
    TYPE_CHECKING, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Tuple,
)

from sagelint.config import Settings
from sagelint.files import (
    ChangedOnDisk, FileTooLarge, read_bounded, source_limit, write_atomic,
)
from sagelint.memory import tune_gc
from sagelint.model import (
    Applicability, Diagnostic, FileError, FileResult, Location, with_uses,
)
from sagelint.records import frozen_record, replace_fields

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
# Files larger than this are checked one at a time in this process while the workers check
# the others: a large file's check takes hundreds of megabytes (bench/memory.py), so several
# at once in a pool could exhaust a CI runner, and a worker would keep that memory mapped.
LARGE_FILE_BYTES = 512 * 1024
# "1": a fix that cannot be built is an internal error instead of being dropped (the test
# suite sets it). Read here, at the edge, and handed to the engine as a setting.
STRICT_FIXES_ENV = "SAGELINT_STRICT_FIXES"


@frozen_record  # every run makes one (sagelint.records)
class RunOptions:
    """How a run checks its files."""

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
    """The results of a run, one per file."""

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
    engines: Dict[int, Engine] = {}  # by id(Settings): for files whose fixes are not written
    # The digest of what this run wrote, by real path: a file reached twice (a link to it, a
    # path given with its folder) was changed by this run, not by someone else.
    written: Dict[str, str] = {}
    done = candidates = 0
    for position, path in enumerate(paths):
        file_settings = settings_for(path) if settings_for is not None else settings
        if id(file_settings) not in caches:
            caches[id(file_settings)] = _open_cache(file_settings, options)
        cache = caches[id(file_settings)]
        try:
            if sources and path in sources:
                data = sources[path]
                if len(data) > source_limit(path):  # what standard input had past the limit
                    raise FileTooLarge(None, source_limit(path), data)
            else:
                data = read_bounded(path, source_limit(path))
        except FileTooLarge as exc:
            too_large = _too_large(path, exc, file_settings)
            candidates += too_large.error is not None
            results[position] = too_large
        except OSError as exc:
            error = FileError(f"cannot read: {exc.strerror or exc}")
            results[position] = FileResult(path, error=error)
        else:
            if not any(word in data for word in file_settings.catalog.trigger_words):
                results[position] = FileResult(path)  # cannot hold SageMaker code
            else:
                candidates += 1
                # The digest also tells, before a fix is written, whether the file still
                # holds the bytes that were checked.
                digest = _digest(data) if cache is not None or _writes(options) else ""
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
        # Each file's fixes are written as its result comes back, not after the whole run.
        for item, result in zip(group, checked):
            result = _write_fixes(result, item, options, engines, written)
            if (
                # A result that depends on other paths existing holds the answers it got;
                # the cache checks them again before reusing it.
                cache is not None and result.error is None and result.fixed_bytes is None
            ):
                cache.put(item.path, item.digest, result)
            results[item.position] = result
            done += 1
            if progress is not None:
                progress(done)
    for cache in caches.values():
        if cache is not None:
            cache.save()
    outcome = RunResult(candidates=candidates)
    outcome.files = place_elsewhere(
        [result for result in results if result is not None],
        settings_for if settings_for is not None else (lambda _path: settings),
    )
    return outcome


def place_elsewhere(
    files: List[FileResult], settings_for: Optional[Callable[[str], Settings]] = None
) -> List[FileResult]:
    """Move the diagnostics checks found in other files of the project (a literal of an
    imported module: FileResult.elsewhere) to those files' results: once per (file, code,
    place), naming every use; a file that was not checked, or had nothing, gets a result.
    The settings of the file that holds them apply (`settings_for`): `per-file-ignores`,
    and an excluded file gets none."""
    found: Dict[str, Dict[Tuple[str, Location, Location], Tuple[Diagnostic, List[str]]]] = {}
    relative = False
    for result in files:
        relative = relative or not os.path.isabs(result.path)
        for item in result.elsewhere:
            key = (item.diagnostic.code, item.diagnostic.location, item.diagnostic.end_location)
            here = found.setdefault(item.path, {})
            if key not in here:
                here[key] = (item.diagnostic, [])
            uses = here[key][1]
            uses.extend(use for use in item.uses if use not in uses)
        result.elsewhere = ()
    if not found:
        return files
    by_path = {os.path.abspath(result.path): result for result in files}
    out = list(files)
    for path, diagnostics in sorted(found.items()):
        target = by_path.get(path)
        if target is None:
            shown = os.path.relpath(path) if relative else path
            target = by_path[path] = FileResult(shown)
            out.append(target)
        if target.error is not None or target.cells is not None:
            continue  # not checked; a notebook is never an imported module
        present = {(d.code, d.location, d.end_location) for d in target.diagnostics}
        ignored = _ignored_at(path, settings_for) if settings_for is not None else frozenset()
        if ignored is None:
            continue  # an excluded file
        added = [
            with_uses(diagnostic, tuple(uses))
            for key, (diagnostic, uses) in diagnostics.items()
            if key not in present and diagnostic.code not in ignored
        ]
        if not added:
            continue
        target.diagnostics = tuple(
            sorted((*target.diagnostics, *added), key=lambda d: (d.location, d.code))
        )
        if target.source is None:
            try:
                with open(path, encoding="utf-8") as handle:
                    target.source = handle.read()
            except (OSError, UnicodeDecodeError):
                pass
    return out


def _ignored_at(path: str, settings_for: Callable[[str], Settings]) -> Optional[FrozenSet[str]]:
    """The codes `per-file-ignores` turns off in a file that holds diagnostics of another
    file's check; None when the file's excludes (or .gitignore) rule it out."""
    from sagelint.files import Selection, is_excluded_file, relative_to

    settings = settings_for(path)
    selection = Selection(
        settings.root, settings.exclude, settings.extend_exclude, settings.respect_gitignore
    )
    if is_excluded_file(Path(path), selection):
        return None
    if not settings.per_file_ignores:
        return frozenset()
    return settings.ignored_in(relative_to(Path(path), settings.root))


@frozen_record  # made for every file checked (sagelint.records)
class _Pending:
    """A file read and not found in the cache: to be checked."""

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


def _writes(options: RunOptions) -> bool:
    return options.fix and options.write


def _too_large(path: str, exc: FileTooLarge, settings: Settings) -> FileResult:
    """A file over the size limit: reported when what was read of it (the limit's worth)
    may hold SageMaker code, else as quiet as any file that cannot. Reading on to look
    further would make the time unbounded (a sparse file of a terabyte)."""
    if not any(word in exc.head for word in settings.catalog.trigger_words):
        return FileResult(path)
    return FileResult(path, error=FileError(f"{exc.strerror}: not checked"))


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
    # ASCII digits only ("²" is a digit to isdigit() but not to int()), and few of them.
    if configured.isascii() and configured.isdigit() and len(configured) <= 6 and int(configured) > 0:
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
        engine = new_engine(settings)
        if len(pending) > 1:
            engine.prepare()  # most files that pass the prefilter pass the gate too
        tune_gc()  # start-up is done: the engine's tables are long-lived
        for _, path, data, _ in pending:
            yield _check_one(engine, path, data, options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork where it is safe and cheap (Linux): workers inherit the imported engine modules.
    method = "fork" if sys.platform.startswith("linux") else None
    context = multiprocessing.get_context(method)
    small = [(path, data) for _, path, data, _ in pending if len(data) <= LARGE_FILE_BYTES]
    # Frozen before the fork: the workers' collections do not walk (and so do not copy)
    # the pages of the heap they share with this process.
    tune_gc()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker,
        initargs=(settings, options),
    ) as pool:
        chunk = max(1, min(16, len(small) // (workers * 8)))
        checked = pool.map(_work, small, chunksize=chunk)  # every task is submitted now
        here: Optional[Engine] = None  # this process's engine, for the large files
        for _, path, data, _ in pending:
            if len(data) <= LARGE_FILE_BYTES:
                yield next(checked)
                continue
            if here is None:
                here = new_engine(settings)
            yield _check_one(here, path, data, options)


_worker: Optional[Tuple[Engine, RunOptions]] = None


def _start_worker(settings: Settings, options: RunOptions) -> None:
    global _worker
    engine = new_engine(settings)
    engine.prepare()  # a pool checks many files: its tables are built before the freeze
    _worker = (engine, options)
    tune_gc()  # a worker is a process of its own: its engine is its start-up heap


def new_engine(settings: Settings) -> Engine:
    """The engine a run (or the language server) checks with."""
    from sagelint.engine import Engine

    return Engine(settings, strict_fixes=os.environ.get(STRICT_FIXES_ENV) == "1")


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


def _write_fixes(
    result: FileResult,
    item: _Pending,
    options: RunOptions,
    engines: Dict[int, Engine],
    written: Dict[str, str],
) -> FileResult:
    """Write a file's fixes; when they cannot be written (changed since it was read,
    read-only, a full disk) the result becomes that of the unfixed file: its findings remain,
    and none counts as fixed. A file saved by an editor, or changed or deleted by git, during
    the run is left alone: never overwritten with fixed old bytes, never created again."""
    if result.fixed_bytes is None or not _writes(options):
        return result
    real = os.path.realpath(result.path)
    fixed = _digest(result.fixed_bytes)
    if written.get(real) == fixed:
        try:  # reached again (a link, or a path given with its folder): fixed already
            if _digest(read_bounded(result.path, len(result.fixed_bytes))) == fixed:
                return result
        except OSError:
            pass
    try:
        write_atomic(
            result.path, result.fixed_bytes, unchanged=lambda now: _digest(now) == item.digest
        )
    except ChangedOnDisk:
        unfixed = _unfixed(item, options, engines)
        unfixed.changed_during_run = True
        return unfixed
    except OSError as exc:
        unfixed = _unfixed(item, options, engines)
        unfixed.write_error = f"cannot write fixes: {exc.strerror or exc}"
        return unfixed
    written[real] = fixed
    return result


def _unfixed(item: _Pending, options: RunOptions, engines: Dict[int, Engine]) -> FileResult:
    """The file's result without fixes (checked again, in this process: only a file whose
    fixes could not be written pays for it)."""
    engine = engines.get(id(item.settings))
    if engine is None:  # the run holds its Settings: an id is not reused meanwhile
        engine = engines[id(item.settings)] = new_engine(item.settings)
    return _check_one(engine, item.path, item.data, replace_fields(options, fix=False))
