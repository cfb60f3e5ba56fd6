"""Whether an SDK-generation import judge may report on a module, asked before LibCST parses
it: from the module's `sagemaker` imports ((path, module, from-import), as the survey reads
them) and the admitted sets of the file and its notebook's install cells.

Without LibCST, so that the engine asks it before loading a rule (the rules import LibCST): a
script that imports `sagemaker` and calls none of it is checked by CPython's compiler alone.
Each judge names its function here (`Rule.import_judge`, a key of `JUDGES`); the generated
gate table records the names (sagelint.gate_table.RULES), which the engine reads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Dict, Optional, Sequence, Set, Tuple

from sagelint.sdk_verdicts import import_row, major_of

if TYPE_CHECKING:
    from sagelint.sdk_versions import Admitted

Imports = Sequence[Tuple[str, str, bool]]
# Where an admitted set comes from a requirement a fresh install resolves; a setting is the
# user's own statement of what runs, and an unknown set is SM609's.
DECLARED = frozenset({"declaration", "notebook"})


@lru_cache(maxsize=4096)
def generation(path: str, module: str, is_from: bool) -> Optional[int]:
    """2 when the import works in some v2 release and in no v3 release, 3 the other way
    round, None otherwise (SM609)."""
    row = import_row(path, module, is_from)
    if row is None:
        return None
    works: Set[int] = set()
    for first, last, verdict in row:
        if verdict != "fails":
            works.update(range(major_of(first), (major_of(last) if last else 3) + 1))
    works.discard(1)  # v1 is never assumed (RULES.md SM6)
    return next(iter(works)) if len(works) == 1 else None


def some_set_known(imports: Imports, admitted: Sequence["Admitted"]) -> bool:
    """SM603, SM604: an unknown set fails nowhere."""
    return any(each.known for each in admitted)


def generations_mixed(imports: Imports, admitted: Sequence["Admitted"]) -> bool:
    """SM609: some set unknown, and imports of both generations."""
    if len(imports) < 2 or all(each.known for each in admitted):
        return False  # (one import has one generation: no table needed to say so)
    return len({generation(*each) for each in imports} - {None}) >= 2


def declared_majors(imports: Imports, admitted: Sequence["Admitted"]) -> bool:
    """SM610: a requirement that admits several majors."""
    return any(each.origin in DECLARED and len(each.majors()) >= 2 for each in admitted)


# The judges' functions, by the name a rule gives in `Rule.import_judge`.
JUDGES: Dict[str, Callable[[Imports, Sequence["Admitted"]], bool]] = {
    judge.__name__: judge for judge in (some_set_known, generations_mixed, declared_majors)
}
