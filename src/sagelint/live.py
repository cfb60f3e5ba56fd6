"""The language server's checks, run in a worker process: off the event loop, cancellable.

The engine is CPU-bound Python (and LibCST's native parser holds the interpreter lock), so a
check run on the server's event loop, or in one of its threads, makes every request wait
behind it. Here one worker process checks one job at a time while the server goes on
answering; the server awaits each job's result. The worker is spawned (not forked: the
server has threads, and a fork could inherit a lock one of them holds) and builds one engine
per Settings it is sent.

A check that a newer edit made stale is dropped from the queue; one already running is let
finish (its result is discarded by the server) unless it has run for CANCEL_AFTER_SECONDS,
then its worker is stopped and a new one started for the next job. After a document larger
than LARGE_DOCUMENT_BYTES the worker is replaced too, which gives its memory back.

The worker keeps each document's last few results (LastResults) and answers a check of the
same input as one of them without running the engine (a save, an edit undone, a notebook's
markdown edited): the same bytes (for a notebook, the same code cells: the
server sends an `identity` that leaves out what the engine does not read), the same
Settings and path, and every input outside the text it read unchanged (the SDK declaration
files SM6 read, by content; the paths SM402 asked about, by existence, as the cache
compares them). A result is a function of exactly these, so the one reused is the one a
check would give.

No pygls here: the worker imports only the engine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Dict, List, Optional, Set, Tuple

from sagelint.config import Settings
from sagelint.model import FileError, FileResult
from sagelint.project import Overlay, unchanged

CANCEL_AFTER_SECONDS = 1.0
LARGE_DOCUMENT_BYTES = 512 * 1024
# Tests only: while this file exists the worker waits before each check, so that a test can
# hold a check "running" and observe the order of what the server does (no timing).
HOLD_ENV = "SAGELINT_TEST_HOLD_CHECKS"

# (settings key, Settings, path, bytes, fix, document, identity, buffers): `identity` stands
# for what the engine reads of the bytes (None: the bytes themselves); `buffers`, the text of
# other documents open and unsaved in the editor (absolute path, bytes), read instead of the
# disk when the check reads those files (an imported module, a configuration file).
Buffers = Tuple[Tuple[str, bytes], ...]
_Payload = Tuple[int, Settings, str, bytes, bool, str, Optional[bytes], Buffers]
# Documents whose last results the worker keeps (the least recently checked go first), and
# how many of each: an edit and its undo, a redo.
KEPT_DOCUMENTS = 32
KEPT_PER_DOCUMENT = 3


@dataclass(eq=False)
class Job:
    key: str  # the document it checks: a newer check of it makes this one stale
    payload: _Payload
    future: "asyncio.Future[Optional[FileResult]]"
    fix: bool = False  # a fix-all request: answered even when the document moved on
    started: float = 0.0
    stopped: bool = False  # its worker was stopped on purpose


class Checker:
    """One worker process and a queue of jobs; the server's event loop drives it."""

    def __init__(self) -> None:
        self.queue: List[Job] = []
        self.running: Optional[Job] = None
        self.process: Optional[BaseProcess] = None
        self.connection: Optional[Connection] = None
        self.tasks: Set["asyncio.Task[None]"] = set()

    def submit(
        self, key: str, settings_key: int, settings: Settings, path: str, data: bytes,
        fix: bool = False, identity: Optional[bytes] = None, buffers: Buffers = (),
    ) -> "asyncio.Future[Optional[FileResult]]":
        """Queue a check; its future gives the result, or None when it was cancelled.
        `identity`: bytes equal for two inputs exactly when the engine reads the same of
        them (the worker reuses its last result of `key` on an equal one)."""
        future: asyncio.Future[Optional[FileResult]] = asyncio.get_running_loop().create_future()
        payload = (settings_key, settings, path, data, fix, key, identity, buffers)
        self.queue.append(Job(key, payload, future, fix))
        self._next()
        return future

    def cancel(self, key: str) -> None:
        """A newer edit of document `key`: its queued checks are dropped, and a running one
        is stopped if it has already run for a while (else it finishes, unused)."""
        for job in [job for job in self.queue if job.key == key and not job.fix]:
            self.queue.remove(job)
            _answer(job, None)
        running = self.running
        if (
            running is not None and running.key == key and not running.fix
            and time.monotonic() - running.started >= CANCEL_AFTER_SECONDS
        ):
            running.stopped = True
            self._stop_worker()

    def close(self) -> None:
        """Stop: no job is answered any more (the server is going away)."""
        for job in self.queue:
            _answer(job, None)
        self.queue.clear()
        if self.running is not None:
            self.running.stopped = True
        self._stop_worker()

    # -- the worker ----------------------------------------------------------------------
    def _next(self) -> None:
        while self.queue and self.queue[0].future.done():  # nobody waits for it any more
            self.queue.pop(0)
        if self.running is not None or not self.queue:
            return
        job = self.running = self.queue.pop(0)
        job.started = time.monotonic()
        task = asyncio.get_running_loop().create_task(self._run(job))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, job: Job) -> None:
        result: Optional[FileResult]
        connection: Optional[Connection] = None
        try:
            connection = self._connection()
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(None, _round_trip, connection, job.payload)
        except Exception as exc:  # stopped on purpose, or it died (killed for memory...)
            self._stop_worker()
            reason = str(exc) or type(exc).__name__
            result = None if job.stopped else FileResult(
                job.payload[2],
                error=FileError(f"the process checking it ended unexpectedly ({reason})"),
            )
        finally:
            self.running = None
            if connection is not None and connection is not self.connection:
                connection.close()  # its worker was stopped while this job ran
        if len(job.payload[3]) > LARGE_DOCUMENT_BYTES:
            self._stop_worker()  # its memory goes back to the system
        _answer(job, result)
        self._next()

    def _connection(self) -> Connection:
        if self.process is None or self.connection is None:
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(
                target=serve_checks, args=(theirs,), name="sagelint-check", daemon=True
            )
            process.start()
            theirs.close()
            self.process, self.connection = process, ours
        return self.connection

    def _stop_worker(self) -> None:
        """Stop the worker; a new one starts for the next job. The connection of a running
        job is closed by that job once its thread has returned (the thread may be reading it)."""
        process, connection = self.process, self.connection
        self.process = self.connection = None
        if process is not None:
            process.kill()
            process.join(5)
        if connection is not None and self.running is None:
            connection.close()


def _answer(job: Job, result: Optional[FileResult]) -> None:
    if not job.future.done():  # a request whose client gave up cancels the future it awaits
        job.future.set_result(result)


def _round_trip(connection: Connection, payload: _Payload) -> FileResult:
    connection.send(payload)
    result = connection.recv()
    assert isinstance(result, FileResult)
    return result


@dataclass
class _Last:
    """A document's last result and what it was computed from."""

    settings_key: int
    path: str
    identity: bytes
    result: FileResult
    declarations: Tuple[Tuple[str, str], ...]  # (SM6 input, its content fingerprint)

    def holds(self, overlay: Optional[Overlay] = None) -> bool:
        """Whether the inputs outside the text are as they were: each declaration file's
        content, whether each path SM402 asked about exists, and each other file of the
        project read (an unsaved editor buffer, `overlay`, before the disk)."""
        return all(
            os.path.exists(name) == existed for name, existed in self.result.path_answers
        ) and all(_fingerprint(name) == seen for name, seen in self.declarations) and (
            not self.result.file_reads or unchanged(self.result.file_reads, overlay)
        )


class LastResults:
    """Each document's last few results (checks without fixes), reused for the same input.

    Reused only when nothing the result depends on can have changed: the engine's result
    is a function of the Settings, the path, the bytes it reads, the SM6 declaration files
    it read (FileResult.sdk_inputs: compared by content) and, for SM402, whether the paths
    it asked about exist (FileResult.path_answers), both compared as the cache compares
    them. An error (a time limit, an internal error) is not kept: checked again, it may
    not recur."""

    def __init__(
        self, documents: int = KEPT_DOCUMENTS, per_document: int = KEPT_PER_DOCUMENT
    ) -> None:
        self.documents = documents
        self.per_document = per_document
        self.last: Dict[str, List[_Last]] = {}  # newest last, in each list and in the dict

    def get(
        self, document: str, settings_key: int, path: str, identity: bytes,
        overlay: Optional[Overlay] = None,
    ) -> Optional[FileResult]:
        kept = self.last.get(document, [])
        for last in kept:
            if (last.settings_key, last.path, last.identity) != (settings_key, path, identity):
                continue
            kept.remove(last)
            if not last.holds(overlay):
                return None  # a declaration changed, a path appeared or went
            self._keep(document, last)
            return last.result
        return None

    def put(
        self, document: str, settings_key: int, path: str, identity: bytes, result: FileResult
    ) -> None:
        kept = self.last.get(document, [])
        kept[:] = [last for last in kept if last.identity != identity]
        if result.error is not None:
            return
        declarations = tuple((name, _fingerprint(name)) for name in result.sdk_inputs)
        self._keep(document, _Last(settings_key, path, identity, result, declarations))

    def _keep(self, document: str, last: _Last) -> None:
        kept = self.last.pop(document, [])
        kept.append(last)
        self.last[document] = kept[-self.per_document:]
        while len(self.last) > self.documents:
            del self.last[next(iter(self.last))]


def _fingerprint(name: str) -> str:
    from sagelint.sdk_versions import fingerprint

    return fingerprint(name)


def settle() -> None:
    """Called once in a worker, when its first engine is built and before its first check:
    start-up is over and what is allocated now lives as long as the process. The place for
    process-wide settings of the checking process (its garbage collector's)."""
    from sagelint.memory import tune_gc

    tune_gc()


def serve_checks(connection: Connection) -> None:
    """The worker: check what the server sends until it goes away; a check of the same input
    as its document's last one is answered with that one's result (LastResults)."""
    os.dup2(2, 1)  # standard output is the server's channel to the editor: never write there
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when this one ends
    from sagelint.analysis import front
    from sagelint.engine import Engine
    from sagelint.runner import RunOptions, check_one, new_engine

    front.enable()  # an edit leaves most statements as they were: CPython's work on them is kept

    engines: Dict[int, Engine] = {}
    results = LastResults()
    settled = False
    hold = os.environ.get(HOLD_ENV)
    while True:
        try:
            settings_key, settings, path, data, fix, document, identity, buffers = (
                connection.recv()
            )
        except (EOFError, OSError):
            return
        same = identity if identity is not None else data
        overlay = dict(buffers).get if buffers else None
        if not fix:
            reused = results.get(document, settings_key, path, same, overlay)
            if reused is not None:  # not held: a test sees that no check ran
                connection.send(reused)
                continue
        while hold and os.path.exists(hold):
            time.sleep(0.01)
        engine = engines.get(settings_key)
        if engine is None:
            if len(engines) >= 8:  # settings of configurations since edited: let them go
                engines.clear()
            engine = engines[settings_key] = new_engine(settings)
            if not settled:
                settle()
                settled = True
        options = RunOptions(fix=fix, unsafe_fixes=settings.unsafe_fixes, verbose=True)
        engine.overlay = overlay
        result = check_one(engine, path, data, options)
        if not fix:
            results.put(document, settings_key, path, same, result)
        connection.send(result)
