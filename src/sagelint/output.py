"""`--output-file`: the report goes to a temporary file next to the target and is renamed
over it only when the run finished, so a reader never sees half a report and a failed run
leaves an earlier report untouched. Reporters write to it as a stream (an HTML report of
10,000 findings is never held in memory as one string)."""

from __future__ import annotations

import os
import tempfile
from typing import TextIO


class OutputFileError(Exception):
    """The output file cannot be written: the run fails (exit 2) before anything is checked."""


class AtomicOutput:
    """A text stream for PATH, committed with `commit()` or discarded with `discard()`.

    The temporary file is created at once, so an unwritable destination is reported before
    a long run, not after it. Missing parent folders are created, as ruff does."""

    def __init__(self, path: str) -> None:
        self.path = path
        target = os.path.abspath(path)
        if os.path.isdir(target):
            raise OutputFileError(f"cannot write output file {path}: it is a directory")
        directory = os.path.dirname(target)
        try:
            os.makedirs(directory, exist_ok=True)
            handle, self._temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".sagelint-tmp"
            )
        except OSError as exc:
            raise OutputFileError(f"cannot write output file {path}: {exc.strerror or exc}") from None
        self._target = target
        self.stream: TextIO = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self._open = True

    def commit(self) -> None:
        """Flush, then rename the temporary file over the target."""
        if not self._open:
            return
        self._open = False
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            # mkstemp makes the file 0600; a report is an ordinary file others may read.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._temporary, 0o666 & ~umask)
            os.replace(self._temporary, self._target)
        except OSError as exc:
            self._remove()
            raise OutputFileError(
                f"cannot write output file {self.path}: {exc.strerror or exc}"
            ) from None

    def discard(self) -> None:
        if not self._open:
            return
        self._open = False
        self.stream.close()
        self._remove()

    def _remove(self) -> None:
        try:
            os.unlink(self._temporary)
        except OSError:
            pass
