"""Building fix edits that follow the user's layout, and applying them.

Edits are plain text replacements between character offsets. A fix that adds an argument or a
dict entry follows the literal's layout: on a new line with the last element's indentation
when the elements are one per line, with a trailing comma only where the user had one; quotes
in the file's style. In brackets written on one line, the new element joins the others unless
the line would then exceed `line-length`: then every element goes on a line of its own (one
indentation level deeper than the line the bracket opens on, each with a trailing comma, the
closing bracket on its own line under the start of that line), as formatters write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Mapping, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst.metadata import CodeRange

RawEdit = Tuple[int, int, str]  # (start offset, end offset, replacement)
DEFAULT_LINE_LENGTH = 88  # the `line-length` setting's default (black's and ruff's)

_NEWLINE = re.compile(r"\r\n|\r|\n")


class NoFix(ValueError):
    """Raised by a fix builder that finds, by design, that this case has no fix (strict
    mode lets it through; any other error of a builder is a bug there)."""


def line_starts(text: str) -> List[int]:
    """Offsets where each line begins, splitting lines as LibCST does (\\r\\n, \\r, \\n)."""
    starts = [0]
    starts.extend(match.end() for match in _NEWLINE.finditer(text))
    return starts


@dataclass(frozen=True)
class _Element:
    start: int
    end: int
    comma_end: Optional[int]  # offset just past the element's comma, if it has one


class FixContext:
    """What fix builders need: the text, node offsets, and the file's style."""

    def __init__(
        self,
        text: str,
        positions: Mapping[cst.CSTNode, CodeRange],
        starts: Sequence[int],
        quote: Union[str, Callable[[], str]],
        line_length: int = DEFAULT_LINE_LENGTH,
    ) -> None:
        self.text = text
        self.positions = positions
        self.starts = starts
        self._quote = quote
        self.line_length = line_length

    @property
    def quote(self) -> str:
        """The file's prevailing quote character (worked out when a fix first needs it)."""
        if not isinstance(self._quote, str):
            self._quote = self._quote()
        return self._quote

    def span(self, node: cst.CSTNode) -> Tuple[int, int]:
        code_range = self.positions[node]
        start = self.starts[code_range.start.line - 1] + code_range.start.column
        end = self.starts[code_range.end.line - 1] + code_range.end.column
        return start, end

    def string(self, value: str, near: Optional[cst.CSTNode] = None) -> str:
        """A string literal in the style of the strings in `near` (a dict, a call, a key),
        else in the file's prevailing style."""
        quote = _quote_of(near) if near is not None else None
        quote = quote or self.quote
        return f"{quote}{value}{quote}"

    def newline(self) -> str:
        match = _NEWLINE.search(self.text)
        return match.group(0) if match else "\n"

    # -- element lists -------------------------------------------------------------------
    def _element(self, node: cst.CSTNode, comma: object) -> _Element:
        start, end = self.span(node)
        comma_end = self.span(comma)[1] if isinstance(comma, cst.Comma) else None
        return _Element(start, end, comma_end)

    def _call_brackets(self, call: cst.Call) -> Tuple[int, int]:
        func_end = self.span(call.func)[1]
        open_offset = self.text.index("(", func_end)
        return open_offset, self.span(call)[1] - 1

    def _dict_brackets(self, node: cst.Dict) -> Tuple[int, int]:
        start, end = self.span(node)
        return start, end - 1


def _quote_of(node: cst.CSTNode) -> Optional[str]:
    strings: List[cst.SimpleString] = []
    if isinstance(node, cst.SimpleString):
        strings.append(node)
    elif isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                strings.extend(
                    part for part in (element.key, element.value) if isinstance(part, cst.SimpleString)
                )
    elif isinstance(node, cst.Call):
        strings.extend(arg.value for arg in node.args if isinstance(arg.value, cst.SimpleString))
    singles = sum(1 for string in strings if string.quote.startswith("'"))
    doubles = len(strings) - singles
    if singles == doubles:
        return None
    return "'" if singles > doubles else '"'


def replace_node(ctx: FixContext, node: cst.CSTNode, content: str) -> List[RawEdit]:
    start, end = ctx.span(node)
    return [(start, end, content)]


def add_keyword(ctx: FixContext, call: cst.Call, name: str, value_code: str) -> List[RawEdit]:
    open_offset, close_offset = ctx._call_brackets(call)
    elements = [ctx._element(arg, arg.comma) for arg in call.args]
    return _insert_last(ctx, open_offset, close_offset, elements, f"{name}={value_code}")


def add_entry(
    ctx: FixContext, target: Union[cst.Dict, cst.Call], key: str, value_code: str
) -> List[RawEdit]:
    """Add `key: value` to a dict literal, or `key=value` to a `dict(...)` call."""
    if isinstance(target, cst.Call):
        return add_keyword(ctx, target, key, value_code)
    open_offset, close_offset = ctx._dict_brackets(target)
    elements = [ctx._element(element, element.comma) for element in target.elements]
    return _insert_last(
        ctx, open_offset, close_offset, elements, f"{ctx.string(key, target)}: {value_code}"
    )


def remove_argument(ctx: FixContext, call: cst.Call, arg: cst.Arg) -> List[RawEdit]:
    """Remove one argument: its whole line(s) when it stands on lines of its own (with its
    comment), else the argument and the comma that separates it."""
    open_offset, close_offset = ctx._call_brackets(call)
    elements = [ctx._element(a, a.comma) for a in call.args]
    index = list(call.args).index(arg)
    this = elements[index]
    if len(elements) == 1:
        return [(open_offset + 1, close_offset, "")]
    own_lines = _own_lines(ctx.text, this, open_offset, close_offset)
    if own_lines is not None:
        return [own_lines]
    if index < len(elements) - 1:
        return [(this.start, elements[index + 1].start, "")]
    previous = elements[index - 1]
    if this.comma_end is not None and previous.comma_end is not None:
        return [(previous.comma_end, this.comma_end, "")]
    return [(previous.end, this.end, "")]


def _own_lines(
    text: str, element: _Element, open_offset: int, close_offset: int
) -> Optional[RawEdit]:
    """The span of the full lines an element occupies alone (blank before it on its first
    line; only its comma and a comment after it), or None."""
    line_start = max(text.rfind("\n", 0, element.start), text.rfind("\r", 0, element.start)) + 1
    if line_start <= open_offset or text[line_start:element.start].strip():
        return None
    after = element.comma_end if element.comma_end is not None else element.end
    eol_match = _NEWLINE.search(text, after)
    if eol_match is None or eol_match.start() > close_offset:
        return None
    rest = text[after:eol_match.start()].strip()
    if rest and not rest.startswith("#"):
        return None
    return (line_start, eol_match.end(), "")


def _insert_last(
    ctx: FixContext,
    open_offset: int,
    close_offset: int,
    elements: Sequence[_Element],
    new: str,
) -> List[RawEdit]:
    text = ctx.text
    if not elements:
        inside = text[open_offset + 1 : close_offset]
        if "#" in inside:
            return []  # a comment alone in the brackets: no layout to follow safely
        return _fitting(ctx, open_offset, close_offset, [], new, (open_offset + 1, close_offset, new))
    last = elements[-1]
    gaps = [text[open_offset + 1 : elements[0].start]]
    gaps.extend(text[a.end : b.start] for a, b in zip(elements, elements[1:]))
    if not any(_NEWLINE.search(gap) for gap in gaps):
        if last.comma_end is not None:
            joined = (last.comma_end, last.comma_end, f" {new},")
        else:
            joined = (last.end, last.end, f", {new}")
        return _fitting(ctx, open_offset, close_offset, elements, new, joined)

    line_start = text.rfind("\n", 0, last.start) + 1
    line_start = max(line_start, text.rfind("\r", 0, last.start) + 1)
    indent_match = re.match(r"[ \t]*", text[line_start:last.start])
    indent = indent_match.group(0) if indent_match else ""
    anchor = last.comma_end if last.comma_end is not None else last.end
    eol_match = _NEWLINE.search(text, anchor)
    eol = eol_match.start() if eol_match else len(text)
    newline = eol_match.group(0) if eol_match else ctx.newline()
    if close_offset < eol:
        # The closing bracket hugs the last element: `b=2)` or `b=2,)`.
        if last.comma_end is not None:
            return [(anchor, anchor, f"{newline}{indent}{new},")]
        return [(anchor, anchor, f",{newline}{indent}{new}")]
    # The rest of the line is blank or a comment: the new element goes on the next line.
    if last.comma_end is not None:
        return [(eol, eol, f"{newline}{indent}{new},")]
    # Two insertions, not one edit over the comment: an edit carries only what it adds (a
    # comment may hold what no output should repeat).
    if last.end == eol:
        return [(eol, eol, f",{newline}{indent}{new}")]
    return [(last.end, last.end, ","), (eol, eol, f"{newline}{indent}{new}")]


def _fitting(
    ctx: FixContext,
    open_offset: int,
    close_offset: int,
    elements: Sequence[_Element],
    new: str,
    joined: RawEdit,
) -> List[RawEdit]:
    """`joined` (the new element added on the brackets' line) when that line stays within
    `line-length`, else edits that put every element on a line of its own. Brackets that
    already span lines (a multi-line string or dict inside) keep their layout."""
    text = ctx.text
    if _NEWLINE.search(text, open_offset, close_offset):
        return [joined]
    line_start = max(text.rfind("\n", 0, open_offset), text.rfind("\r", 0, open_offset)) + 1
    eol_match = _NEWLINE.search(text, close_offset)
    eol = eol_match.start() if eol_match else len(text)
    start, end, content = joined
    if len(text[line_start:start]) + len(content) + len(text[end:eol]) <= ctx.line_length:
        return [joined]
    if _inside_string(text[line_start:open_offset]):
        return [joined]  # a call in an f-string: before Python 3.12 it may not span lines
    indent_match = re.match(r"[ \t]*", text[line_start:open_offset])
    indent = indent_match.group(0) if indent_match else ""
    inner = indent + ("\t" if indent.startswith("\t") else "    ")
    newline = eol_match.group(0) if eol_match else ctx.newline()
    # Only the gaps between the elements change (whitespace and commas): the edits never
    # carry the user's own text, which the machine formats print (and may hold a secret).
    edits: List[RawEdit] = []
    before = open_offset + 1  # where the gap before the next element starts
    for index, element in enumerate(elements):
        edits.append((before, element.start, f"{newline}{inner}"))
        if index < len(elements) - 1:
            assert element.comma_end is not None  # only the last element may lack one
            if text[element.end : element.comma_end] != ",":  # `a ,`: the comma moves up
                edits.append((element.end, element.comma_end, ","))
            before = element.comma_end
    last = f"{newline}{inner}{new},{newline}{indent}"
    if elements:
        return edits + [(elements[-1].end, close_offset, f",{last}")]
    return [(before, close_offset, last)]


def _inside_string(line: str) -> bool:
    """Whether the end of `line` (code from the start of its line) is inside a string
    literal opened on that line: a replacement field of an f-string."""
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\":
                index += 1
            elif line.startswith(quote, index):
                index += len(quote) - 1
                quote = ""
        elif char == "#":
            return False
        elif char in "\"'":
            quote = char * 3 if line.startswith(char * 3, index) else char
            index += len(quote) - 1
        index += 1
    return bool(quote)


def overlaps(a: RawEdit, b: RawEdit) -> bool:
    """Edits conflict when their spans intersect or they insert at the same point."""
    if a[0] == b[0]:
        return True
    return a[0] < b[1] and b[0] < a[1]


def apply_edits(text: str, edits: Sequence[RawEdit]) -> str:
    """Apply non-overlapping edits (checked by the caller)."""
    out = text
    for start, end, content in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + content + out[end:]
    return out
