"""LibCST's parse of a module, assembled from memoised parses of its top-level chunks.

The language server checks a document again on every edit, and most of its top-level
statements did not change. `ChunkedParser.parse(text, starts)` cuts the text at rows where a
top-level statement begins, parses each piece (a *chunk*) once with `libcst.parse_module`,
keeps the pieces' statements in a bounded memo keyed by the chunk's text, and assembles the
module from them. The result is always what `libcst.parse_module(text)` gives (deep-equal,
same code, same header, footer and configuration); where that cannot be shown cheaply, the
whole text is parsed instead.

Why the assembled module is the whole parse's:

- A chunk other than the last is parsed with a sentinel statement (`pass`, at column 0) after
  it. In the whole text, the chunk is followed by a statement at column 0 too, so LibCST splits
  the lines after the chunk's last statement exactly as it does there: lines indented deeper go
  to the footers of the indented blocks that end there, the rest to the sentinel's
  `leading_lines`, which become the next chunk's first statement's. (Parsed alone, those lines
  would be the chunk's `footer`, which LibCST builds by other rules and may even truncate.)
  The last chunk is parsed as it is: its end is the text's end.
- A cut is made only at a row that starts with a character that can start a statement at
  column 0 (not blank, not indented, not a comment) and only when the row before does not end
  in a backslash. Each chunk (with its sentinel) must parse. The first chunk starts where the
  text starts, so the tokenizer is in the same state in the chunk as in the whole text; if a
  chunk ended inside a string or a bracket, or after a decorator or a block's header, `pass`
  would not parse there; so a chunk that parses ends where the whole text's tokenizer is
  between two top-level statements, and the next chunk starts in that same state again. A
  hint that points elsewhere (into a string, a bracket, an `else:`) makes a chunk fail, and the
  whole text is parsed instead.
- A node depends on the module around it only through the configuration LibCST detects: the
  default newline (the first row's line break: `Newline(value=None)` means that one) and the
  default indent (the first INDENT token: `IndentedBlock.indent` and `Match.indent` are None
  when equal to it). The whole text's newline is its first row's; its indent is that of the
  first chunk that holds an indented block. A chunk that detected another value for something
  it holds is parsed again after a prefix (`if 1:` with a block indented by the whole text's
  indent, ended by its newline) that makes LibCST detect the whole text's values; the
  prefix's statement is dropped.

Nodes are shared: a chunk's statements are reused by every module assembled from the same
chunk text, so callers must not rely on node identity across modules (nor keep per-node
state from one module's analysis to another's). One module never holds the same node twice:
a chunk repeated in one text is parsed afresh for its second place.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from itertools import accumulate
from typing import Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst

Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]
Config = Tuple[str, str]  # (default newline, default indent) a chunk is parsed under

_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks LibCST (and CPython) count rows by
_ROWS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # rows, each with its break
_FALLBACK_INDENT = "    "  # LibCST's default indent when a text has no indented block
_SENTINEL = "pass\n"  # a keyword statement: it continues nothing it is appended to
_NOT_A_START = " \t\x0c#\r\n"  # rows that begin with these are indented, blank or comments


class _Chunk:
    """What the assembly needs of one chunk's parse."""

    __slots__ = (
        "body", "header", "trailing", "newline", "indent", "has_block", "ends_line", "led",
    )

    def __init__(
        self,
        body: Sequence[Statement],
        header: Sequence[cst.EmptyLine],
        trailing: Sequence[cst.EmptyLine],
        newline: str,
        indent: str,
        ends_line: bool,
    ) -> None:
        self.body = body
        self.header = header  # the lines before the first statement
        self.trailing = trailing  # the lines after the last one that no block's footer owns
        self.newline = newline  # the default newline LibCST detected in the chunk
        self.indent = indent  # the default indent LibCST detected in the chunk
        # Whether the chunk has an INDENT token: only then does `indent` shape its nodes.
        self.has_block = indent != _FALLBACK_INDENT or any(map(_holds_block, body))
        self.ends_line = ends_line  # has_trailing_newline (read from the last chunk only)
        # The first statement given the lines before it, last time: the same lines (the same
        # nodes, from the chunk before, kept too) give the same statement node, so that what
        # is kept by node (positions) holds across edits.
        self.led: Optional[Tuple[Sequence[cst.EmptyLine], Statement]] = None


def _holds_block(statement: Statement) -> bool:
    """Whether the statement has an indented block (an INDENT token). A compound statement's
    suites are its body, its `else`/`elif` chain, its handlers and its `finally`; a simple
    suite (`if x: pass`) cannot hold a compound statement, so nested blocks come after one of
    these."""
    if isinstance(statement, cst.Match):
        return True  # its cases are always indented
    if not isinstance(statement, cst.BaseCompoundStatement):
        return False
    parts: List[cst.CSTNode] = [statement]
    while parts:
        part = parts.pop()
        if isinstance(getattr(part, "body", None), cst.IndentedBlock):
            return True
        for name in ("orelse", "finalbody"):
            more = getattr(part, name, None)
            if isinstance(more, cst.CSTNode):
                parts.append(more)
        parts.extend(getattr(part, "handlers", ()))
    return False


def _first_break(text: str) -> str:
    """The default newline LibCST detects: the first row's line break, else "\\n"."""
    found = _BREAK.search(text)
    return found.group() if found is not None else "\n"


def _parse_chunk(text: str, last: bool, config: Optional[Config]) -> _Chunk:
    """Parses one chunk (raises what LibCST raises). Not the last: with the sentinel after it.
    With a config: after the prefix that makes LibCST detect that newline and indent."""
    source = text if last else text + _SENTINEL
    if config is not None:
        newline, indent = config
        source = f"if 1:{newline}{indent}pass{newline}{source}"
    module = cst.parse_module(source)
    body: Sequence[Statement] = module.body
    header: Sequence[cst.EmptyLine] = module.header
    if config is not None:
        body = body[1:]  # the prefix's statement; the chunk's first one keeps its lines
        if not body:
            # Lines alone after the prefix would be split by its block's footer: never the
            # case (a chunk after the first starts with a statement), refused to be sure.
            raise ValueError("no statement after the prefix")
        header = body[0].leading_lines
        body = [body[0].with_changes(leading_lines=[]), *body[1:]]
    if last:
        trailing: Sequence[cst.EmptyLine] = module.footer
    else:
        trailing = body[-1].leading_lines
        body = body[:-1]
    return _Chunk(
        body, header, trailing, module.default_newline, module.default_indent,
        module.has_trailing_newline,
    )


def cut_offsets(text: str, starts: Sequence[int]) -> List[int]:
    """The offsets of the rows in `starts` (1-based) where the text may be cut: a row after
    the first that begins with a character that can start a statement at column 0, after a
    row that does not end in a backslash. Other hints are dropped."""
    if not starts:
        return []
    # Where each row starts (one C-level pass: the per-row work stays out of Python).
    bounds = list(accumulate(map(len, _ROWS.findall(text)), initial=0))
    offsets: List[int] = []
    for row in sorted(set(starts)):
        if not 1 < row < len(bounds):
            continue
        at = bounds[row - 1]
        if text[at] in _NOT_A_START:
            continue
        before = at - 2 if text.startswith("\r\n", at - 2) else at - 1
        if before > 0 and text[before - 1] == "\\":
            continue  # a continued line: the row belongs to its statement
        offsets.append(at)
    return offsets


Key = Tuple[str, bool, Optional[Config]]  # a chunk's text, whether it is the last, its config


class ChunkedParser:
    """A memo of chunk parses, least recently used out first, bounded by the characters of
    the chunk texts it holds (`max_chars`, 1,000,000 by default: LibCST's nodes keep about
    50 bytes per character of code alive, so some 50 MB) and by the parses it holds
    (`max_entries`, 10,000). A chunk that occurs more than once in a text has a parse per
    occurrence (one module never holds a node twice); each counts. `parse` returns what
    `libcst.parse_module(text)` returns; the module's docstring says why.

    Callers must not rely on node identity across modules: modules parsed by one parser share
    the nodes of the chunks they have in common. Not thread-safe: one parser per worker."""

    def __init__(self, max_chars: int = 1_000_000, max_entries: int = 10_000) -> None:
        self.max_chars = max_chars
        self.max_entries = max_entries
        # A key's parses, one per occurrence in a text seen; empty: LibCST refused the chunk.
        self._memo: "OrderedDict[Key, List[_Chunk]]" = OrderedDict()
        self._chars = 0
        self._entries = 0
        self.hits = 0  # chunk parses taken from the memo (for tests and measurements)
        self.misses = 0  # chunk parses made
        self.refused = 0  # texts parsed whole because LibCST refused a chunk (a wrong hint)

    def __len__(self) -> int:
        """The parses (and refusals) the memo holds."""
        return self._entries

    @property
    def chars(self) -> int:
        """The characters of the chunk texts the memo holds (once per parse held)."""
        return self._chars

    def clear(self) -> None:
        self._memo.clear()
        self._chars = self._entries = 0

    def parse(self, text: str, starts: Sequence[int]) -> cst.Module:
        """`libcst.parse_module(text)`, from the chunks between the rows in `starts` (1-based
        rows where a top-level statement, decorators included, begins at column 0: hints,
        checked here). Raises what `libcst.parse_module(text)` raises."""
        offsets = cut_offsets(text, starts)
        if not offsets:
            return self._whole(text)
        bounds = [0, *offsets, len(text)]
        pieces = [(text[a:b], b == len(text)) for a, b in zip(bounds, bounds[1:])]
        chunks: List[_Chunk] = []
        used: Dict[Key, int] = {}
        for piece, last in pieces:
            chunk = self._chunk(piece, last, None, used)
            if chunk is None:
                self.refused += 1
                return self._whole(text)  # a hint LibCST refuses: the whole parse decides
            chunks.append(chunk)
        newline = _first_break(text)
        indent = next((c.indent for c in chunks if c.has_block), _FALLBACK_INDENT)
        for at, chunk in enumerate(chunks):
            if chunk.newline != newline or (chunk.has_block and chunk.indent != indent):
                piece, last = pieces[at]
                again = self._chunk(piece, last, (newline, indent), used)
                if again is None:
                    self.refused += 1
                    return self._whole(text)
                chunks[at] = again
        return _assemble(chunks, newline, indent)

    def _whole(self, text: str) -> cst.Module:
        chunk = self._chunk(text, True, None, {})
        if chunk is None:
            return cst.parse_module(text)  # raises LibCST's error, as the caller expects
        return _assemble([chunk], chunk.newline, chunk.indent)

    def _chunk(
        self, text: str, last: bool, config: Optional[Config], used: Dict[Key, int]
    ) -> Optional[_Chunk]:
        """The parse of the chunk's `used[key]`-th occurrence in this text (None where LibCST
        refuses it), memoised."""
        key = (text, last, config)
        occurrence = used.get(key, 0)
        used[key] = occurrence + 1
        copies = self._memo.get(key)
        if copies is not None:
            self._memo.move_to_end(key)
            if not copies:
                self.hits += 1
                return None
            if occurrence < len(copies):
                self.hits += 1
                return copies[occurrence]
        self.misses += 1
        try:
            chunk = _parse_chunk(text, last, config)
        except Exception:  # whatever LibCST refuses, the whole parse decides (and raises)
            chunk = None
        if len(text) <= self.max_chars:  # (a longer one would evict everything else)
            if copies is None:
                self._memo[key] = copies = []
            if chunk is not None:
                copies.append(chunk)
            self._entries += 1
            self._chars += len(text)
            self._evict()
        return chunk

    def _evict(self) -> None:
        while self._entries > self.max_entries or self._chars > self.max_chars:
            (text, _, _), copies = self._memo.popitem(last=False)
            held = max(len(copies), 1)
            self._entries -= held
            self._chars -= held * len(text)


def _assemble(chunks: Sequence[_Chunk], newline: str, indent: str) -> cst.Module:
    """The module: the lines between two chunks' statements go to the next statement (to the
    module's header before the first statement), the last chunk's footer is the module's."""
    body: List[Statement] = []
    header: Optional[Sequence[cst.EmptyLine]] = None
    pending: List[cst.EmptyLine] = []
    for chunk in chunks:
        lines = [*pending, *chunk.header]
        if not chunk.body:
            pending = [*lines, *chunk.trailing]
            continue
        first = chunk.body[0]
        if header is None:
            header, lines = lines, []  # LibCST gives the first statement's lines to the header
        if lines or first.leading_lines:
            led = chunk.led
            if (
                led is not None and len(led[0]) == len(lines)
                and all(a is b for a, b in zip(led[0], lines))
            ):
                first = led[1]
            else:
                first = first.with_changes(leading_lines=lines)
                chunk.led = (lines, first)
        body.append(first)
        body.extend(chunk.body[1:])
        pending = list(chunk.trailing)
    if header is None:
        header, pending = pending, []  # a text without statements: all of it is the header
    return cst.Module(
        body=body,
        header=header,
        footer=pending,
        encoding="utf-8",
        default_indent=indent,
        default_newline=newline,
        has_trailing_newline=chunks[-1].ends_line,
    )


__all__ = ["ChunkedParser", "cut_offsets"]
