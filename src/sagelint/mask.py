"""What of a file's text leaves the program: the one place excerpts, fix diffs, `--diff` and
the cache go through.

Two things are never shown as they are:

- Secrets. Every credential in a known format (SM501's formats) on any line shown; and in a
  file with SM501 findings, the literal each finding points at, every other
  credential-shaped literal on those lines, and every literal under a key that names a
  secret (`DB_PASSWORD`, `apiKey`, ...) anywhere in the file, wherever that text appears
  again (a diff's context, the fixed text). Each is shown as SM501's message shows it: a
  short prefix and `…`.
- Control characters (C0 and C1 controls, DEL, Unicode bidirectional controls and line
  separators): a terminal would act on them. They are shown as `\\x1b`-style escapes.

Columns are mapped through both, so a caret or a highlight still marks the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, List, Tuple

from sagelint.credentials import credential_spans, shown
from sagelint.model import Diagnostic, FileResult

SECRET_CODE = "SM501"

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode characters that reorder
# or break text (bidi embeddings, overrides, isolates and marks; line/paragraph separators).
_CONTROLS = "\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_OR_TAB = re.compile(f"[\t{_CONTROLS}]")

# A string literal on a line of code: its quotes and its body as written (escapes and all).
_STRING = re.compile(r"""('''|\"\"\"|'|")((?:\\.|(?!\1).)*)\1""")
# The key a literal is the value of: `"KEY": "..."`, `KEY="..."`, `key = "..."`.
# (`env["KEY"] = "..."` and `os.environ['KEY'] = "..."` too.)
_KEY_BEFORE = re.compile(r"""([A-Za-z_][\w.-]*)['"]?\]?\s*[:=]\s*[rRbBuUfF]{0,2}$""")
_KEY_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey",
     "credential", "credentials", "auth"}
)
_SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key")})
_RANDOM_CHARACTERS = re.compile(r"[A-Za-z0-9+/=_.~!@#$%^&*-]+")
_MIN_KEYED = 6  # a value under a secret's key: shorter ones are flags ("none", "true")
_MIN_RANDOM = 16  # a credential-shaped value: long, mixed, many different characters
_MIN_RANDOM_DISTINCT = 10


def _escape_character(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape(match: "re.Match[str]") -> str:
    return _escape_character(match.group(0))


def printable(text: str, keep_tabs: bool = False) -> str:
    """`text` with its control characters escaped (`\\x1b`, `\\u202e`): file names, messages.
    Tabs stay only with `keep_tabs` (an excerpt's indentation)."""
    return (_CONTROL if keep_tabs else _CONTROL_OR_TAB).sub(_escape, text)


@dataclass(frozen=True)
class ShownLine:
    """A line as shown, and where each of the original line's columns went."""

    text: str
    starts: Tuple[int, ...]  # starts[i]: where character i begins in `text` (len + 1 entries)
    ends: Tuple[int, ...]  # ends[i]: where a span ending before character i ends in `text`

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """The shown columns (0-based, end exclusive) of the original columns start..end."""
        last = len(self.starts) - 1
        start = min(max(start, 0), last)
        end = min(max(end, start), last)
        return self.starts[start], max(self.ends[end], self.starts[start])


class Redactor:
    """Masks the secrets of one file's text (and escapes control characters) in what is
    shown of it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if s}, key=lambda s: (-len(s), s))
        self._search = (
            re.compile("|".join(map(re.escape, self.secrets))) if self.secrets else None
        )

    @classmethod
    def for_result(cls, result: FileResult) -> "Redactor":
        """The redactor of a checked file: what its SM501 findings found, and more."""
        findings = [d for d in result.diagnostics if d.code == SECRET_CODE]
        if not findings:
            return cls()
        secrets: List[str] = []
        for diagnostic in findings:
            secrets.extend(_finding_secrets(result.lines_for(diagnostic), diagnostic))
        for text in _texts(result):
            for line in text.splitlines():
                secrets.extend(_keyed_secrets(line))
        return cls(secrets)

    def spans(self, line: str) -> List[Tuple[int, int]]:
        """The spans of `line` to mask, sorted and merged."""
        found = [(start, end) for _, start, end in credential_spans(line)]
        if self._search is not None:
            found.extend(m.span() for m in self._search.finditer(line))
        merged: List[Tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def show(self, line: str, escape: bool = True, keep_tabs: bool = True) -> ShownLine:
        """One line (no line break) masked, and with its control characters escaped when
        `escape` (terminal output; HTML needs only the masking)."""
        pattern = _CONTROL if keep_tabs else _CONTROL_OR_TAB
        spans = iter(self.spans(line))
        masked = next(spans, None)
        if masked is None and (not escape or pattern.search(line) is None):
            identity = tuple(range(len(line) + 1))  # the usual line: shown as it is
            return ShownLine(line, identity, identity)
        pieces: List[str] = []
        starts: List[int] = []
        ends: List[int] = [0]
        size = 0
        index = 0
        while index < len(line):
            if masked is not None and index == masked[0]:
                replacement = shown(line[masked[0] : masked[1]])
                if escape:
                    replacement = pattern.sub(_escape, replacement)
                starts.extend([size] * (masked[1] - masked[0]))
                size += len(replacement)
                ends.extend([size] * (masked[1] - masked[0]))
                pieces.append(replacement)
                index = masked[1]
                masked = next(spans, None)
                continue
            character = line[index]
            if escape and pattern.match(character):
                character = _escape_character(character)
            starts.append(size)
            size += len(character)
            ends.append(size)
            pieces.append(character)
            index += 1
        starts.append(size)
        return ShownLine("".join(pieces), tuple(starts), tuple(ends))

    def text(self, text: str, escape: bool = True) -> str:
        """A text of several lines (a diff, a source), each line masked and escaped; the line
        breaks stay."""
        out = []
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            out.append(self.show(body, escape).text + line[len(body):])
        return "".join(out)

    def hides_anything(self, result: FileResult) -> bool:
        """Whether any text of `result` holds something this redactor masks."""
        return any(self.spans(text) for text in _texts(result))  # no pattern spans lines


def _texts(result: FileResult) -> Iterator[str]:
    """Every text of a file a result holds: the source, the fixed source, the cells."""
    for text in (result.source, result.fixed_source):
        if text:
            yield text
    yield from (result.cells or {}).values()
    for _, before, after in result.changed_cells:
        yield before
        yield after


def _finding_secrets(lines: List[str], diagnostic: Diagnostic) -> Iterator[str]:
    """What one SM501 finding marks, and the credential-shaped literals on its lines."""
    first, last = diagnostic.location.row, diagnostic.end_location.row
    if not 1 <= first <= last <= len(lines):
        return
    rows = lines[first - 1 : last]
    start = diagnostic.location.column - 1
    end = diagnostic.end_location.column - 1
    marked = rows[0][start:end] if first == last else "\n".join(
        [rows[0][start:], *rows[1:-1], rows[-1][:end]]
    )
    bodies = [match.group(2) for match in _STRING.finditer(marked)]
    yield from (body for body in bodies if len(body) >= 4)
    if not bodies and len(marked.strip()) >= 8:
        yield marked.strip()
    for row in rows:
        for match in _STRING.finditer(row):
            if _looks_random(match.group(2)):
                yield match.group(2)


def _keyed_secrets(line: str) -> Iterator[str]:
    """The literals on a line that are the value of a key naming a secret."""
    for match in _STRING.finditer(line):
        body = match.group(2)
        if len(body) < _MIN_KEYED or any(c.isspace() for c in body):
            continue
        key = _KEY_BEFORE.search(line, 0, match.start())
        if key is not None and _names_a_secret(key.group(1)):
            yield body


def _names_a_secret(key: str) -> bool:
    words = [word.lower() for word in _KEY_WORD.findall(key)]
    return any(word in _SECRET_WORDS for word in words) or any(
        pair in _SECRET_PAIRS for pair in zip(words, words[1:])
    )


def _looks_random(body: str) -> bool:
    """A value shaped like a credential: long, of token characters, mixing cases and digits,
    with many different characters (an AWS secret access key, a generated password)."""
    return (
        len(body) >= _MIN_RANDOM
        and _RANDOM_CHARACTERS.fullmatch(body) is not None
        and len(set(body)) >= _MIN_RANDOM_DISTINCT
        and any(c.isupper() for c in body)
        and any(c.islower() for c in body)
        and any(c.isdigit() for c in body)
    )

