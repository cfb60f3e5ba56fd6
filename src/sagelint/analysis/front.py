"""CPython's side of a check, kept per top-level chunk of a module across checks (issue 29:
the language server checks a document again on each edit, and most of its statements did
not change).

A chunk is the text from a row that may start a top-level statement to the next such row:
a row whose first character is a letter, `_` or `@` (column 0), and that does not go on
with the statement before it (`else`, `elif`, `except`, `finally`). Each chunk is compiled
alone, its rows where they are in the module (the text is preceded by as many line breaks),
and kept by its text, first row and compiler flags; a chunk CPython refuses alone (a row
inside a string, a bracket, after a backslash) is joined to the next one. A row after a
decorator's row does not start a chunk. When more than MAX_COMPILED chunks are not kept (a
document just opened, a paste), the whole text is compiled once instead and its statements
are kept as the chunks they fall in: a chunk from a row that starts a statement to the next
such row holds the statements that start in it, which is what compiling it alone gives.

Why the module's tree is the chunks' trees joined: a chunk accepted alone ends with its
brackets closed, its strings ended and no backslash pending, so CPython's tokenizer is at
the next chunk's first row as it is at the start of a file, only with indents to close,
which a row at column 0 closes; and a statement at column 0 that does not begin with one of
those four words starts a statement of its own. So the module's statements are the chunks'
statements, in order, with the same rows and columns. When joining does not give every
chunk a tree (at most MAX_JOINS rows joined to one chunk), the whole text is compiled: a
syntax error is always the whole text's.

The survey (sagelint.analysis.prune) of a joined tree is made from its chunks' parts, each
walked once (`prune.Part`, `prune.joined`).

The memo is per process and off by default: `enable()` turns it on (the language server's
worker does); a check run by the command line compiles each file once and gains nothing.
What is kept: the trees and the parts, LibCST's parses of the same statements
(`Front.libcst`, sagelint.analysis.chunks) and the positions of statements
(sagelint.analysis.positions, by node). The trees of one check are the kept ones, so nodes
are shared between checks of the same text: nothing may change what a node holds (the gate
keeps what a node mentions on the node: a function of the node) or key anything that
outlives a check by a node's id without keeping the node.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Tuple

from sagelint.analysis.prune import Part, Survey, joined, survey
from sagelint.memory import per_file

# A row that may start a top-level statement, and the four words that go on with one.
_STARTS = re.compile(r"[A-Za-z_@]")
_GOES_ON = re.compile(r"(?:else|elif|except|finally)\b")
# Rows joined to one chunk before the whole text is compiled instead (a long string with
# rows at column 0, a bracket left open while typing), and chunks compiled alone (not kept)
# in one check before the whole text is compiled instead.
MAX_JOINS = 64
MAX_COMPILED = 8
# How much chunk text the memo keeps (characters; the least recently used chunks go). A
# character of code keeps about 140 bytes of trees and survey parts alive: about 85 MB here
# (LibCST's parses are kept apart: sagelint.analysis.chunks).
KEPT_CHARS = 600_000

if TYPE_CHECKING:
    from sagelint.analysis.chunks import ChunkedParser

_Key = Tuple[str, int, int]  # (chunk text, first row, compiler flags)
# A statement's span key: (id of its node, first row, default indent, newline, indents).
SpanKey = Tuple[int, int, str, str, Tuple[str, ...]]
Span = Tuple[int, int, int, int]
KEPT_STATEMENTS = 2_000
_SurveyKey = Tuple[Optional[int], FrozenSet[str]]


class _Chunk:
    __slots__ = ("tree", "parts")

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.parts: Dict[_SurveyKey, Part] = {}


class Front:
    """The kept chunks, and the modules joined from them in the check in hand (their
    surveys are asked next)."""

    def __init__(self, kept_chars: int = KEPT_CHARS) -> None:
        self.kept_chars = kept_chars
        self.chars = 0
        self.chunks: "OrderedDict[_Key, Optional[_Chunk]]" = OrderedDict()  # None: refused
        # LibCST's spans of statements (sagelint.analysis.positions), kept with the
        # statement's node while LibCST's nodes of unchanged statements are kept across checks.
        self.spans: "OrderedDict[SpanKey, Tuple[object, List[str], Dict[Any, Span]]]" = (
            OrderedDict()
        )
        # The modules joined in the check in hand, by id (a notebook has one per program).
        self.joined: Dict[int, Tuple[ast.Module, List[_Chunk]]] = {}
        self.compiled = 0  # chunks compiled (tests read how much was kept)
        self._libcst: Optional["ChunkedParser"] = None

    def tree(self, text: str, lines: List[str], flags: int) -> ast.Module:
        """CPython's tree of `text` (its rows `lines`), joined from its chunks' trees. Many
        chunks not kept (a document opened, a large paste), a syntax error, or too many
        joins: the whole text is compiled once (see the module's docstring), and a syntax
        error is raised here as the compiler raises it."""
        if len(text) > self.kept_chars // 2:
            return self._whole(text, lines, flags, [])  # it would push out what is kept
        starts = [0]
        for index in range(1, len(lines)):
            row = lines[index]
            if _STARTS.match(row) and not _GOES_ON.match(row) and lines[index - 1][:1] != "@":
                starts.append(index)
        starts.append(len(lines))
        simple = [
            ("".join(lines[first:stop]), first + 1, flags) for first, stop in zip(starts, starts[1:])
        ]
        # A look at the memo first: a text mostly not kept is compiled whole at once.
        if self._layout(lines, starts, simple, flags, True)[1] > MAX_COMPILED:
            return self._whole(text, lines, flags, starts)
        chunks = self._layout(lines, starts, simple, flags, False)[0]
        if chunks is None:
            # A chunk refused up to the end (the whole text's syntax error), too many joins.
            return self._whole(text, lines, flags, starts)
        return self._joined(chunks)

    def _layout(
        self, lines: List[str], starts: List[int], simple: List[_Key], flags: int, look: bool
    ) -> Tuple[Optional[List[_Chunk]], int]:
        """The chunks of the text (None: none that way) and how many were not kept. With
        `look`, nothing is compiled: a chunk not kept counts as accepted."""
        chunks: List[_Chunk] = []
        joins = missing = 0
        at = 0  # index into starts of the current chunk's first row
        end = 1
        while end < len(starts):
            first = starts[at]
            key = simple[at] if end == at + 1 else (
                "".join(lines[first:starts[end]]), first + 1, flags
            )
            found: Optional[_Chunk]
            if key in self.chunks:
                found = self.chunks[key]
                if not look:
                    self.chunks.move_to_end(key)
            else:
                missing += 1
                if look:
                    found = _LOOKED
                elif missing > MAX_COMPILED:
                    return None, missing
                else:
                    found = self._compile(key)
            if found is None:
                joins += 1
                if joins > MAX_JOINS:
                    return None, missing
                end += 1  # refused alone: joined to the next one
                continue
            chunks.append(found)
            at, end, joins = end, end + 1, 0
        return (chunks if at == len(starts) - 1 else None), missing

    def _joined(self, chunks: List[_Chunk]) -> ast.Module:
        module = ast.Module(body=[node for chunk in chunks for node in chunk.tree.body], type_ignores=[])
        self.joined[id(module)] = (module, chunks)
        return module

    def _whole(self, text: str, lines: List[str], flags: int, starts: List[int]) -> ast.Module:
        """The whole text compiled (its syntax error raised), and its statements kept as the
        chunks the next check will look for: a chunk from each row in `starts` that starts
        a statement to the next such row (or the end) holds the statements that start in
        it; a chunk that would end at a row of `starts` that starts none is kept as refused,
        so that it is joined to the next without being compiled."""
        self.compiled += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree: ast.Module = compile(
                text, "<sagelint>", "exec", ast.PyCF_ONLY_AST | flags, dont_inherit=True
            )
        if len(text) > self.kept_chars // 2:
            return tree  # it would push out what is kept, itself included
        firsts = {first_row(node) - 1 for node in tree.body}
        aligned = [start for start in starts[:-1] if start == 0 or start in firsts]
        aligned.append(len(lines))
        body = tree.body
        taken = 0
        chunks: List[_Chunk] = []
        for at, stop in zip(aligned, aligned[1:]):
            own = taken
            while own < len(body) and first_row(body[own]) - 1 < stop:
                own += 1
            between = [start for start in starts if at < start < stop]
            if len(between) <= MAX_JOINS:
                for start in between:
                    self._keep(("".join(lines[at:start]), at + 1, flags), None)
            key = ("".join(lines[at:stop]), at + 1, flags)
            chunk = self.chunks.get(key)
            if chunk is None:  # (a chunk already kept keeps its statements and their parts)
                chunk = _Chunk(ast.Module(body=body[taken:own], type_ignores=[]))
            self._keep(key, chunk)
            chunks.append(chunk)
            taken = own
        if taken != len(body):  # statements outside every chunk: not to be kept
            return tree
        return self._joined(chunks)

    def survey(
        self, tree: ast.Module, lines: List[str], limit: Optional[int], creating: FrozenSet[str]
    ) -> Optional[Survey]:
        """The survey of a tree `tree()` joined in this check (None for any other tree):
        from the parts of its chunks, each walked once."""
        found = self.joined.get(id(tree))
        if found is None or found[0] is not tree:
            return None
        key = (limit, creating)
        parts = []
        for chunk in found[1]:
            part = chunk.parts.get(key)
            if part is None:
                part = chunk.parts[key] = Part(chunk.tree, lines, limit, creating)
            parts.append(part)
        return joined(parts, lines)

    def forget(self) -> None:
        """Let go of the modules joined (the check is over)."""
        self.joined.clear()

    def libcst(self) -> "ChunkedParser":
        """LibCST's parses of top-level statements, kept (sagelint.analysis.chunks)."""
        if self._libcst is None:
            from sagelint.analysis.chunks import ChunkedParser

            self._libcst = ChunkedParser()
        return self._libcst

    def _compile(self, key: _Key) -> Optional[_Chunk]:
        """A chunk compiled alone at its rows (None: refused), kept."""
        text, row, flags = key
        chunk: Optional[_Chunk]
        self.compiled += 1
        try:
            with warnings.catch_warnings():  # the user's "\d" is not our message to print
                warnings.simplefilter("ignore")
                tree = compile(
                    "\n" * (row - 1) + text, "<sagelint>", "exec", ast.PyCF_ONLY_AST | flags,
                    dont_inherit=True,
                )
            chunk = _Chunk(tree)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            chunk = None
        self._keep(key, chunk)
        return chunk

    def _keep(self, key: _Key, chunk: Optional[_Chunk]) -> None:
        if key in self.chunks:
            self.chunks.move_to_end(key)
            if chunk is not None:
                self.chunks[key] = chunk
            return
        self.chunks[key] = chunk
        self.chars += len(key[0])
        while self.chars > self.kept_chars and self.chunks:
            (gone, _, _), _ = self.chunks.popitem(last=False)
            self.chars -= len(gone)


def first_row(node: ast.stmt) -> int:
    """A statement's first row, its decorators' included."""
    decorators: List[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


_LOOKED = _Chunk(ast.Module(body=[], type_ignores=[]))  # a chunk not kept, in a look
_FRONT: List[Front] = []


def enable(front: Optional[Front] = None) -> Front:
    """Keep chunks from now on, in this process (the language server's worker)."""
    _FRONT[:] = [front or Front()]
    return _FRONT[0]


def disable() -> None:
    _FRONT.clear()


def current() -> Optional[Front]:
    return _FRONT[0] if _FRONT else None


def surveyed(
    tree: ast.Module, lines: List[str], limit: Optional[int], creating: FrozenSet[str]
) -> Survey:
    """`prune.survey` of the tree, from kept parts when the memo joined it."""
    front = current()
    found = front.survey(tree, lines, limit, creating) if front is not None else None
    return found if found is not None else survey(tree, lines, limit, creating)


def _forget() -> None:
    if _FRONT:
        _FRONT[0].forget()


per_file(_forget)
