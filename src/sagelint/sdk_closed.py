"""Which SDK class a call's public path names, among the classes whose signature the
generated tables record as closed (`sdk_generations.CLOSED_CLASSES`, keyed by defining path):
what SM605 checks, and what the gate (sagelint.analysis.gate) lets through to it."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Dict, FrozenSet, Optional, Tuple

# SDK v2 re-exports its closed classes from the package (2.257.7's `sagemaker/__init__.py`:
# `from sagemaker.model import Model`, `from sagemaker.predictor import Predictor`); the
# generated table keys them by their defining module.
_V2_REEXPORTS: Dict[str, str] = {
    "sagemaker.Model": "sagemaker.model.Model",
    "sagemaker.Predictor": "sagemaker.predictor.Predictor",
}

# `sagemaker.core.shapes` star-imports `shapes.shapes` and then `model_card_shapes`; a name
# both define is the model card's (an open pydantic model) there, not the closed shape.
_SHADOWED_SHAPES: FrozenSet[str] = frozenset({"sagemaker.core.shapes.InferenceSpecification"})


def defining_class(path: str) -> Tuple[Optional[str], bool]:
    """The defining path (a key of `CLOSED_CLASSES`) of the class a call resolves to, or
    None: the table's own keys, v2's package re-exports, v3's public paths as the generated
    role table records them, and the other names of a v3 module that only re-exports. The
    flag says the path was read off SDK v3 (3.27.0), which says nothing of v2's modules."""
    from sagelint.sdk_generations import CLOSED_CLASSES

    if path in CLOSED_CLASSES:
        return path, False
    if path in _V2_REEXPORTS:
        return _V2_REEXPORTS[path], False
    if path in _SHADOWED_SHAPES:
        return None, False
    from sagelint.catalog_v3 import V3_PATHS

    target = V3_PATHS.get(path)
    if target is None and "." in path:
        module, _, name = path.rpartition(".")
        source = _reexported_from().get(module)
        target = f"{source}.{name}" if source else None
    return (target, True) if target in CLOSED_CLASSES else (None, False)


@lru_cache(maxsize=1)
def _reexported_from() -> Dict[str, str]:
    """Public v3 module -> the module it re-exports its classes from, read off the generated
    `V3_PATHS` (public path -> defining path): a module that defines none of the recorded
    names itself and takes more than half of them from one module (`sagemaker.core.shapes` ->
    `sagemaker.core.shapes.shapes`, `sagemaker.train.configs` ->
    `sagemaker.core.training.configs`). A module that defines classes of its own
    (`sagemaker.core.resources`: its `Endpoint` is not the shape) or has no clear source is
    left out: only its recorded paths are known."""
    from sagelint.catalog_v3 import V3_PATHS

    defining = {target.rpartition(".")[0] for target in V3_PATHS.values()}
    sources: Dict[str, Counter[str]] = {}
    for public, target in V3_PATHS.items():
        module = public.rpartition(".")[0]
        if module not in defining:
            sources.setdefault(module, Counter())[target.rpartition(".")[0]] += 1
    found: Dict[str, str] = {}
    for module, counts in sources.items():
        source, count = counts.most_common(1)[0]
        if 2 * count > sum(counts.values()):  # most of them: the module it star-imports
            found[module] = source
    return found


@lru_cache(maxsize=1)
def closed_class_paths() -> FrozenSet[str]:
    """Every path `defining_class` maps to a closed class: the table's keys, v2's re-exports,
    v3's recorded public paths and the names of the modules that re-export one module."""
    from sagelint.catalog_v3 import V3_PATHS
    from sagelint.sdk_generations import CLOSED_CLASSES

    paths = set(CLOSED_CLASSES) | set(_V2_REEXPORTS)
    paths.update(public for public, target in V3_PATHS.items() if target in CLOSED_CLASSES)
    for module, source in _reexported_from().items():
        for defining in CLOSED_CLASSES:
            home, _, name = defining.rpartition(".")
            if home == source:
                paths.add(f"{module}.{name}")
    return frozenset(path for path in paths if defining_class(path)[0] is not None)
