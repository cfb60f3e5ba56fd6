"""A repository's CODEOWNERS: which teams own a path (the last matching line wins, as on
GitHub; patterns as in .gitignore)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# Where GitHub looks, in its order: the first that exists is used.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_BYTES = 3 * 1024 * 1024  # GitHub ignores a larger CODEOWNERS


class CodeOwners:
    def __init__(self, lines: List[Tuple["GitIgnoreSpec", Tuple[str, ...]]]) -> None:
        self._lines = lines  # in file order; the last match wins
        self._seen: Dict[str, Tuple[str, ...]] = {}

    def owners(self, path: str) -> Tuple[str, ...]:
        """The owners of a repository-relative path (none when no line matches, or the
        matching line names nobody)."""
        found = self._seen.get(path)
        if found is None:
            found = ()
            for spec, owners in reversed(self._lines):
                if spec.match_file(path):
                    found = owners
                    break
            self._seen[path] = found
        return found


def load(root: Path) -> Optional[CodeOwners]:
    """The CODEOWNERS of the checkout at `root`, or None when it has none (or it cannot be
    read): owners are optional in the report."""
    for location in LOCATIONS:
        try:
            data = (root / location).read_bytes()[:MAX_BYTES]
        except OSError:
            continue
        return parse(data.decode("utf-8", "replace"))
    return None


def parse(text: str) -> CodeOwners:
    import pathspec

    lines: List[Tuple["GitIgnoreSpec", Tuple[str, ...]]] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        pattern, *owners = line.split()
        try:
            with warnings.catch_warnings():  # pathspec's regex may warn about `[[`
                warnings.simplefilter("ignore")
                spec = pathspec.GitIgnoreSpec.from_lines([pattern])
        except Exception:  # a pattern GitHub would also skip; the others still apply
            continue
        lines.append((spec, tuple(owners)))
    return CodeOwners(lines)
