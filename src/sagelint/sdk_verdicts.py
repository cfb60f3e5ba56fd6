"""Fold the release intervals of `sdk_generations` over the admitted set of SDK releases.

A row of the generated tables is `((first, last, verdict), ...)`: inclusive release intervals,
`last` None for an open end. `verdicts(row, releases)` is the set of verdicts the row gives
over the admitted releases, so a rule only compares sets ("fails" alone: the error form; no
"works": the warning form; both "works" and "fails": the SM610 case). An admitted release no
interval covers contributes nothing: the row does not apply there.

`releases` None means the admitted set is unknown, which stands for every release from 2.0 on
(RULES.md SM6): an interval contributes when it reaches 2.0 or later. Versions are compared by
their release numbers (`3.0` equals `3.0.0`); the generated tables hold final releases only.
"""

import re
from functools import lru_cache
from typing import AbstractSet, FrozenSet, List, Optional, Protocol, Tuple

Verdicts = Tuple[Tuple[str, Optional[str], str], ...]
VERDICTS = frozenset({"works", "deprecated", "no-op", "fails"})
UNKNOWN_FLOOR = (2,)  # unknown A = every release from 2.0 on


class Release(Protocol):
    """What is read of a `packaging.version.Version`."""

    @property
    def release(self) -> Tuple[int, ...]: ...


@lru_cache(maxsize=4096)  # the tables' few hundred bounds, read for every admitted release
def version_key(text: str) -> Tuple[int, ...]:
    """`"2.257.7"` -> (2, 257, 7), trailing zeros dropped so `3.0` and `3.0.0` compare equal."""
    numbers = tuple(int(part) for part in re.findall(r"\d+", text.split("+")[0]))
    return _trim(numbers)


def _trim(numbers: Tuple[int, ...]) -> Tuple[int, ...]:
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers = numbers[:-1]
    return numbers


def _covers(first: str, last: Optional[str], release: Tuple[int, ...]) -> bool:
    if release < version_key(first):
        return False
    return last is None or release <= version_key(last)


def verdicts(intervals: Verdicts, releases: Optional[AbstractSet[Release]]) -> FrozenSet[str]:
    """The verdicts of `intervals` over the admitted releases (None: unknown, every release
    from 2.0 on)."""
    if releases is None:
        return frozenset(
            verdict for _first, last, verdict in intervals
            if last is None or version_key(last) >= UNKNOWN_FLOOR
        )
    keys = [_trim(tuple(release.release)) for release in releases]
    return frozenset(
        verdict for first, last, verdict in intervals
        if any(_covers(first, last, key) for key in keys)
    )


def applies_everywhere(intervals: Verdicts, releases: Optional[AbstractSet[Release]]) -> bool:
    """Whether every admitted release is covered by some interval (for unknown A: never, as
    nothing is known of future releases)."""
    if releases is None:
        return False
    return all(
        any(_covers(first, last, _trim(tuple(release.release))) for first, last, _v in intervals)
        for release in releases
    )


@lru_cache(maxsize=4096)
def import_row(path: str, module: str, is_from: bool) -> Optional[Verdicts]:
    """Per release interval, whether the import works or fails; None when the tables do not
    know the module (a typo, a private module: silent)."""
    from sagelint import sdk_generations as gen

    if is_from and path in gen.MODULES:
        return gen.MODULES[path]  # `from sagemaker import session`: a submodule
    row = gen.MODULES.get(module)
    if row is None:
        return None
    if not is_from or module != "sagemaker":
        return row
    if path not in gen.MOVED and path not in gen.RENAMED_NAMES and path not in _V2_ONLY_NAMES:
        return row  # a name the tables do not know v2 to bind (a typo): its row says no more
    # A name of the top-level package: v3's `sagemaker` is a namespace package that binds no
    # names (sagemaker-core's `sagemaker/__init__.py`), so the import fails in every v3
    # release. A name of another module v3 keeps may still be there (a re-export, a
    # `__getattr__` shim): the tables do not list names, so that import stays unknown.
    last_v2 = max((r for r in gen.READ if r.startswith("2.")), key=version_key)
    split: List[Tuple[str, Optional[str], str]] = []
    for first, last, verdict in row:
        if major_of(first) >= 3:
            split.append((first, last, "fails"))
        elif last is None or major_of(last) >= 3:
            split += [(first, last_v2, verdict), ("3.0", last, "fails")]
        else:
            split.append((first, last, verdict))
    return tuple(split)


# Names v2's `sagemaker/__init__.py` binds that the tables do not list: v3's namespace
# package has no `__version__` (sagemaker-core reads its version from the metadata).
_V2_ONLY_NAMES = frozenset({"sagemaker.__version__"})


def major_of(version: str) -> int:
    return int(version.split(".", 1)[0])
