"""The baseline: findings a repository has accepted for now, so that CI reports only new ones.

A baseline file is small, sorted JSON that reads well in review and is the same on every
machine:

    {
      "version": 1,
      "findings": [
        {"path": "deploy/endpoint.py", "code": "SM201", "fingerprint": "5af16131f5589cf4", "count": 1}
      ]
    }

`path` is relative to the baseline file's folder, with `/`; `fingerprint` is the code's
fingerprint SARIF reports too (the rule code and the text of the line, without indentation);
`count` is how many such findings the file has. A finding is known when its file, code and
fingerprint have an entry: the first `count` of them in the file are hidden. Lines that move,
or are re-indented, keep their fingerprint; a changed line, or one more finding of the same
kind, is new. Entries of a checked file that no longer occur are stale (fixed): the run says
how many, and `--update-baseline` drops them. A file that could not be checked, or stopped
parsing (SM001), says nothing about its old findings: its entries are neither stale nor
dropped.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Set, Tuple

from sagelint.model import FileResult

FORMAT_VERSION = 1
# The code of a file that does not parse: its other rules did not run on it (or not on the
# cell that fails), so its recorded findings may all still be there.
UNPARSED_CODE = "SM001"
Key = Tuple[str, str, str]  # (path relative to the baseline's folder, code, fingerprint)


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline: the run stops (exit 2)."""


@dataclass
class Matched:
    """What applying a baseline did: findings hidden, and recorded ones that no longer occur."""

    hidden: int = 0
    stale: int = 0


@dataclass
class Baseline:
    path: Path
    entries: Dict[Key, int] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.absolute().parent

    def key_path(self, result_path: str) -> str:
        """A result's path as the baseline records it."""
        relative = os.path.relpath(os.path.abspath(result_path), self.folder)
        return Path(relative).as_posix()


def load(path: Path) -> Baseline:
    from sagelint.files import MAX_BASELINE_BYTES, read_bounded

    try:
        document = json.loads(read_bounded(str(path), MAX_BASELINE_BYTES).decode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a baseline: invalid JSON ({exc})") from None
    version = document.get("version") if isinstance(document, dict) else None
    if type(version) is not int or version != FORMAT_VERSION:  # `true` == 1 in Python
        raise BaselineError(
            f"{path}: not a sagelint baseline (expected an object with \"version\": "
            f"{FORMAT_VERSION}; `--update-baseline` writes one)"
        )
    assert isinstance(document, dict)
    baseline = Baseline(path)
    for key, count in _entries(path, document):
        baseline.entries[key] = baseline.entries.get(key, 0) + count
    return baseline


_FIELDS = ("path", "code", "fingerprint")


def _entries(path: Path, document: Dict[str, object]) -> Iterator[Tuple[Key, int]]:
    """The (key, count) of each recorded finding. Strict: a baseline that lost its findings
    (`{"version": 1}`), or holds values of the wrong type, would otherwise pass as one that
    hides nothing or hides what it should not."""
    if "findings" not in document:
        raise BaselineError(f"{path}: not a complete baseline: the \"findings\" list is missing")
    findings = document["findings"]
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: \"findings\": expected a list, got {_kind(findings)}")
    for position, entry in enumerate(findings, start=1):
        where = f"{path}: finding {position}"
        if not isinstance(entry, dict):
            raise BaselineError(f"{where}: expected an object, got {_kind(entry)}")
        missing = [name for name in (*_FIELDS, "count") if name not in entry]
        if missing:
            raise BaselineError(f"{where}: {', '.join(missing)} missing")
        for name in _FIELDS:
            if not isinstance(entry[name], str) or not entry[name]:
                raise BaselineError(f"{where}: {name}: expected a non-empty string, got {_kind(entry[name])}")
        count = entry["count"]
        if type(count) is not int or count < 1:
            raise BaselineError(f"{where}: count: expected a whole number of at least 1, got {_kind(count)}")
        yield (entry["path"], entry["code"], entry["fingerprint"]), count


def _kind(value: object) -> str:
    """A JSON value as the message shows it: short, whatever its size."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return "a huge number"
    shown = json.dumps(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _keys(baseline: Baseline, results: Iterable[FileResult]) -> Iterable[Tuple[FileResult, int, Key]]:
    """(result, index of the diagnostic, its key) for every diagnostic, in file order."""
    from sagelint.reporters.common import code_fingerprint, line_text

    for result in results:
        path = baseline.key_path(result.path)
        for index, diagnostic in enumerate(result.diagnostics):
            fingerprint = code_fingerprint(diagnostic.code, line_text(result, diagnostic))
            yield result, index, (path, diagnostic.code, fingerprint)


def apply(baseline: Baseline, results: List[FileResult]) -> Matched:
    """Hide the known findings of the results (in place) and count the stale entries."""
    remaining = dict(baseline.entries)
    hidden: Dict[int, Set[int]] = {}  # id(result) -> indexes of its hidden diagnostics
    matched = Matched()
    for result, index, key in _keys(baseline, results):
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            hidden.setdefault(id(result), set()).add(index)
            matched.hidden += 1
    for result in results:
        gone = hidden.get(id(result))
        if gone:
            result.diagnostics = tuple(
                d for i, d in enumerate(result.diagnostics) if i not in gone
            )
    checked = {baseline.key_path(r.path) for r in results if _fully_checked(r)}
    for (path, _, _), count in remaining.items():
        if count and (path in checked or not (baseline.folder / path).exists()):
            matched.stale += count
    return matched


def _fully_checked(result: FileResult) -> bool:
    """Whether every rule ran on all of the file: it was read and it parses."""
    if result.error is not None:
        return False
    return not any(d.code == UNPARSED_CODE for d in result.diagnostics)


def entries_for(baseline: Baseline, results: List[FileResult]) -> Dict[Key, int]:
    """The entries that record these results' findings. A file that could not be checked
    keeps the entries it had: nothing is known about it now. One that stops parsing keeps
    them too, next to what was found (in a notebook, the cells that parse)."""
    counts: Counter[Key] = Counter(key for _, _, key in _keys(baseline, results))
    unchecked = {baseline.key_path(r.path) for r in results if r.error is not None}
    unparsed = {baseline.key_path(r.path) for r in results if not _fully_checked(r)}
    for key, count in baseline.entries.items():
        if key[0] in unchecked:
            counts[key] = count
        elif key[0] in unparsed:
            counts[key] = max(counts[key], count)
    return dict(counts)


def render(entries: Dict[Key, int]) -> str:
    """The file's text: sorted, one finding per line, so a diff shows what changed."""
    rows = [
        json.dumps(
            {"path": path, "code": code, "fingerprint": fingerprint, "count": count},
            ensure_ascii=False,
        )
        for (path, code, fingerprint), count in sorted(entries.items())
        if count > 0
    ]
    body = ",\n    ".join(rows)
    findings = f"[\n    {body}\n  ]" if rows else "[]"
    return f'{{\n  "version": {FORMAT_VERSION},\n  "findings": {findings}\n}}\n'


def write(path: Path, entries: Dict[Key, int]) -> None:
    from sagelint.files import write_atomic

    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(str(path), render(entries).encode("utf-8"))
