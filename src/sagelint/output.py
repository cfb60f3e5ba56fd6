"""`--output-file`: the report goes to a temporary file next to the target and is renamed
over it only when the run finished, so a reader never sees half a report and a failed run
leaves an earlier report untouched. Reporters write to it as a stream (an HTML report of
10,000 findings is never held in memory as one string)."""

from __future__ import annotations

import os
import stat
import sys
from contextlib import contextmanager
from typing import IO, Any, Iterator, Optional, TextIO, cast


class OutputFileError(Exception):
    """The report cannot be written: the run fails (exit 2), with this one line."""


class _Guarded:
    """A stream whose failed writes raise OutputFileError naming where the report goes (a
    full disk, /dev/full), so the run says so in one line instead of an internal error.
    A closed pipe stays BrokenPipeError: the reader chose to stop (`| head`). Everything
    else is the stream's own."""

    def __init__(self, stream: IO[Any], where: str) -> None:
        self._stream: Any = stream
        self._where = where

    def _failed(self, exc: OSError) -> OutputFileError:
        return OutputFileError(f"cannot write {self._where}: {exc.strerror or exc}")

    def write(self, data: Any) -> int:
        try:
            written: int = self._stream.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None
        return written

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    @property
    def buffer(self) -> Any:  # `sys.stdout.buffer.write(fixed source)` is guarded too
        return _Guarded(self._stream.buffer, self._where)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guarded_stdout() -> Iterator[None]:
    """Standard output, for the duration, fails with OutputFileError; what is still
    buffered is flushed at the end, so a failure is reported here and not lost at exit."""
    real = sys.stdout
    sys.stdout = cast(TextIO, _Guarded(real, "to standard output"))
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout = real


def abandon_stdout() -> None:
    """After standard output failed: what is left in its buffer goes nowhere, so the flush
    at exit neither fails again nor prints "Exception ignored"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (a test's captured output)
        pass


class AtomicOutput:
    """A text stream for PATH, committed with `commit()` or discarded with `discard()`.

    The temporary file is created at once, so an unwritable destination is reported before
    a long run, not after it. Missing parent folders are created, as ruff does. A target
    that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is written
    directly: renaming over it would replace a device with a file."""

    def __init__(self, path: str) -> None:
        self.path = path
        # Through links, as a plain write would go: the link stays a link to the new report.
        target = os.path.realpath(path)
        if os.path.isdir(target):
            raise OutputFileError(f"cannot write output file {path}: it is a directory")
        self._target = target
        self._temporary: Optional[str] = None
        try:
            if _special(target):
                handle = os.open(target, os.O_WRONLY | os.O_TRUNC)
            else:
                import tempfile  # only --output-file needs it (a one-file run starts faster)

                directory = os.path.dirname(target)
                os.makedirs(directory, exist_ok=True)
                handle, self._temporary = tempfile.mkstemp(
                    dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".sagelint-tmp"
                )
        except OSError as exc:
            raise OutputFileError(f"cannot write output file {path}: {exc.strerror or exc}") from None
        self._file = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self.stream: TextIO = cast(TextIO, _Guarded(self._file, f"output file {path}"))
        self._open = True

    def commit(self) -> None:
        """Flush, then rename the temporary file over the target."""
        if not self._open:
            return
        self._open = False
        try:
            self._file.flush()
            if self._temporary is None:
                self._file.close()
                return
            os.fsync(self._file.fileno())
            self._file.close()
            # mkstemp makes the file 0600; a report is an ordinary file others may read.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._temporary, 0o666 & ~umask)
            os.replace(self._temporary, self._target)
        except OSError as exc:
            self._close_quietly()
            self._remove()
            raise OutputFileError(
                f"cannot write output file {self.path}: {exc.strerror or exc}"
            ) from None

    def discard(self) -> None:
        if not self._open:
            return
        self._open = False
        self._close_quietly()
        self._remove()

    def _close_quietly(self) -> None:
        """Close even when the last flush fails (a full disk): the descriptor is released
        either way, and the error has been reported already."""
        try:
            self._file.close()
        except OSError:
            pass

    def _remove(self) -> None:
        if self._temporary is None:
            return
        try:
            os.unlink(self._temporary)
        except OSError:
            pass


def _special(path: str) -> bool:
    """Whether the path exists and is not a regular file (after following links)."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
