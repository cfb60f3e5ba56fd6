"""Which instance types each API accepts (SM213): the generated enums of
`sagelint.api_tables`, plus the `extra-instance-types` setting, and why a type is rejected."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Optional, Tuple

from sagelint import api_tables

# The four enums, by the name messages give the API that receives the type.
TRAINING = "training"
HOSTING = "hosting"
PROCESSING = "processing"
TRANSFORM = "transform"
ENUMS: Dict[str, FrozenSet[str]] = {
    TRAINING: api_tables.TRAINING,
    HOSTING: api_tables.HOSTING,
    PROCESSING: api_tables.PROCESSING,
    TRANSFORM: api_tables.TRANSFORM,
}
# What each API calls the enum (botocore's shape name), for messages.
ENUM_NAMES = {
    TRAINING: "TrainingInstanceType",
    HOSTING: "ProductionVariantInstanceType",
    PROCESSING: "ProcessingInstanceType",
    TRANSFORM: "TransformInstanceType",
}
_FORM = re.compile(r"ml\.([a-z0-9-]+)\.([a-z0-9-]+)")


@dataclass(frozen=True)
class Rejection:
    """Why an API rejects an instance type: "other" (another API's type), "size" (a size no
    type of its family has) or "form" (not `ml.<family>.<size>`); the closest types the API
    accepts, best first."""

    why: str
    closest: Tuple[str, ...]


@lru_cache(maxsize=1)
def _sizes() -> Dict[str, FrozenSet[str]]:
    """Family -> every size some enum lists for it."""
    found: Dict[str, set[str]] = {}
    for enum in ENUMS.values():
        for name in enum:
            matched = _FORM.fullmatch(name)
            if matched:
                found.setdefault(matched.group(1), set()).add(matched.group(2))
    return {family: frozenset(sizes) for family, sizes in found.items()}


def rejection(instance_type: str, api: str, extra: FrozenSet[str]) -> Optional[Rejection]:
    """Why `api` rejects the type, or None when it accepts it or the table may be too old to
    know (a family no enum lists)."""
    accepted = ENUMS[api]
    if instance_type in accepted or instance_type in extra:
        return None
    matched = _FORM.fullmatch(instance_type)
    if matched is None:
        return Rejection("form", closest(instance_type, accepted))
    family, size = matched.groups()
    if any(instance_type in enum for enum in ENUMS.values()):
        return Rejection("other", _same_size(family, size, accepted))
    sizes = _sizes().get(family)
    if sizes is not None and size not in sizes:
        prefix = f"ml.{family}."
        same = frozenset(name for name in accepted if name.startswith(prefix))
        return Rejection("size", closest(instance_type, same))
    return None


def _same_size(family: str, size: str, accepted: FrozenSet[str]) -> Tuple[str, ...]:
    """The accepted types of the same size, the families nearest in spelling first."""
    ranked = []
    for name in accepted:
        matched = _FORM.fullmatch(name)
        if matched and matched.group(2) == size:
            ranked.append((_distance(family, matched.group(1)), name))
    return tuple(name for _, name in sorted(ranked)[:1])


def closest(instance_type: str, accepted: FrozenSet[str]) -> Tuple[str, ...]:
    """The accepted types at the smallest edit distance (at most 3), sorted."""
    best: Optional[int] = None
    found: list[str] = []
    for name in accepted:
        distance = _distance(instance_type, name)
        if distance > 3 or (best is not None and distance > best):
            continue
        if best is None or distance < best:
            best, found = distance, []
        found.append(name)
    return tuple(sorted(found))


def one_edit(instance_type: str, accepted: FrozenSet[str]) -> Tuple[str, ...]:
    """The accepted types one edit away (the fix is offered when there is exactly one)."""
    return tuple(sorted(name for name in accepted if _distance(instance_type, name) == 1))


def _distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]
