"""`# noqa` comments, read from the source text once per file (and only for files that have
findings).

- `# noqa` at the end of the line where a diagnostic starts silences every code on it;
  `# noqa: SM201, SM202` silences those codes.
- `# sagelint: noqa` on a line of its own silences the whole file;
  `# sagelint: noqa: SM301` silences those codes in the file.
- SM001 (the file does not parse) cannot be silenced.

Comments are found with `tokenize`, so `"# noqa"` inside a string does not count.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Optional, Set

UNSUPPRESSIBLE = frozenset({"SM001"})
_CODES = r"(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)"
_LINE = re.compile(r"#\s*noqa(?::\s*" + _CODES + r")?", re.IGNORECASE)
_FILE = re.compile(r"^#\s*sagelint\s*:\s*noqa(?::\s*" + _CODES + r")?\s*$", re.IGNORECASE)


def _codes(text: Optional[str]) -> Optional[FrozenSet[str]]:
    if not text:
        return None
    return frozenset(code.upper() for code in re.split(r"[\s,]+", text.strip()) if code)


@dataclass
class Suppressions:
    lines: Dict[int, Optional[FrozenSet[str]]] = field(default_factory=dict)  # None: all codes
    whole_file: bool = False
    file_codes: FrozenSet[str] = frozenset()

    def suppresses(self, code: str, row: int) -> bool:
        if code in UNSUPPRESSIBLE:
            return False
        if self.whole_file or code in self.file_codes:
            return True
        if row not in self.lines:
            return False
        codes = self.lines[row]
        return codes is None or code in codes


def parse_suppressions(text: str) -> Suppressions:
    found = Suppressions()
    if "noqa" not in text.lower():
        return found
    file_codes: Set[str] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            comment = token.string
            row, column = token.start
            alone = not token.line[:column].strip()
            whole = _FILE.match(comment) if alone else None
            if whole:
                codes = _codes(whole.group("codes"))
                if codes is None:
                    found.whole_file = True
                else:
                    file_codes |= codes
                continue
            line = _LINE.search(comment)
            if line:
                found.lines[row] = _codes(line.group("codes"))
    except (tokenize.TokenError, SyntaxError):
        pass  # the parts read so far still count
    found.file_codes = frozenset(file_codes)
    return found
