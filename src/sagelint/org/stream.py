"""Reading a SARIF file a value at a time: each run's members (tool, invocations, ...) are
read whole, its results one by one, so that a file of many runs and findings never sits in
memory at once."""

from __future__ import annotations

import json
from typing import Any, Iterator, TextIO, Tuple

CHUNK = 1024 * 1024


class InvalidSarif(Exception):
    """Not JSON, truncated, or not shaped as SARIF."""


# An event of `runs()`: ("member", name, value) of a run, ("result", None, result),
# ("end", None, None) when a run is complete.
Event = Tuple[str, Any, Any]


class _Reader:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._buffer = ""
        self._position = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self, size: int = 0) -> bool:
        if self._eof:
            return False
        chunk = self._stream.read(size or CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buffer = self._buffer[self._position:] + chunk
        self._position = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end)."""
        while True:
            buffer, position = self._buffer, self._position
            while position < len(buffer) and buffer[position] in " \t\r\n":
                position += 1
            self._position = position
            if position < len(buffer):
                return buffer[position]
            if not self._fill():
                return ""

    def expect(self, character: str) -> None:
        found = self.peek()
        if found != character:
            raise InvalidSarif(_unexpected(character, found))
        self._position += 1

    def value(self) -> Any:
        """The next JSON value, whole. A value cut by the buffer's end is read again with
        more text (larger each time, so a long value costs a few passes, not one per chunk)."""
        self.peek()
        size = CHUNK
        while True:
            try:
                found, end = self._decoder.raw_decode(self._buffer, self._position)
            except json.JSONDecodeError as exc:
                if not self._fill(size):
                    raise InvalidSarif(f"invalid JSON ({exc.msg.lower()}): truncated?") from None
                size *= 2
                continue
            if end == len(self._buffer) and self._fill(size):  # a number may go on
                size *= 2
                continue
            self._position = end
            return found

    def members(self) -> Iterator[str]:
        """The names of an object's members; the caller reads each value."""
        self.expect("{")
        if self.peek() == "}":
            self._position += 1
            return
        while True:
            name = self.value()
            if not isinstance(name, str):
                raise InvalidSarif("invalid JSON: an object's member name is not a string")
            self.expect(":")
            yield name
            if self.peek() == ",":
                self._position += 1
                continue
            self.expect("}")
            return

    def elements(self) -> Iterator[None]:
        """Once per element of an array; the caller reads each."""
        self.expect("[")
        if self.peek() == "]":
            self._position += 1
            return
        while True:
            yield None
            if self.peek() == ",":
                self._position += 1
                continue
            self.expect("]")
            return


def _unexpected(wanted: str, found: str) -> str:
    if not found:
        return f"the file ends before `{wanted}` (truncated?)"
    return f"invalid JSON: `{wanted}` expected, found `{found}`"


def runs(stream: TextIO) -> Iterator[Event]:
    """The events of each run of a SARIF document, in file order."""
    reader = _Reader(stream)
    if reader.peek() != "{":
        raise InvalidSarif("not a SARIF file: the document is not a JSON object")
    saw_runs = False
    for name in reader.members():
        if name != "runs":
            reader.value()
            continue
        saw_runs = True
        if reader.peek() != "[":
            raise InvalidSarif("not a SARIF file: `runs` is not a list")
        for _ in reader.elements():
            if reader.peek() != "{":
                raise InvalidSarif("not a SARIF file: a run is not an object")
            for member in reader.members():
                if member != "results":
                    yield "member", member, reader.value()
                    continue
                if reader.peek() == "n":  # `"results": null`: SARIF's "not computed"
                    reader.value()
                    continue
                for _ in reader.elements():
                    yield "result", None, reader.value()
            yield "end", None, None
    if reader.peek() != "":
        raise InvalidSarif("invalid JSON: text after the document")
    if not saw_runs:
        raise InvalidSarif("not a SARIF file: no `runs`")
