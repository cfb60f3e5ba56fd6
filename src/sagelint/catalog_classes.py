"""The classes known for one run (`Catalog`), apart from the tables they come from.

Every run builds one with its settings, and the prefilter reads its trigger words before any
file is checked; the built-in tables of `sagelint.catalog` (every SDK model and estimator
class, and what each surface matches) are imported only when a check first looks a class up,
so a run whose files the prefilter or the gate rejects never builds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, Mapping, Optional, Tuple

if TYPE_CHECKING:
    from sagelint.catalog import ClassInfo

# The top-level packages of the built-in classes (`sagemaker.pytorch.model.PyTorchModel`): the
# words whose presence in a file's bytes may mean SageMaker code. A test checks that the
# tables of sagelint.catalog name no other package.
BUILT_IN_TOPS: FrozenSet[bytes] = frozenset({b"sagemaker"})


class Catalog:
    """The classes known for one run: the built-in catalogue plus the user's extensions."""

    def __init__(
        self,
        extend_model_classes: Iterable[str] = (),
        extend_estimator_classes: Iterable[str] = (),
    ) -> None:
        self._models: Tuple[str, ...] = tuple(extend_model_classes)
        self._estimators: Tuple[str, ...] = tuple(extend_estimator_classes)
        self._classes: Optional[Mapping[str, ClassInfo]] = None
        # Top-level packages whose presence in a file's bytes may mean SageMaker code.
        self.trigger_words = BUILT_IN_TOPS | frozenset(
            path.split(".", 1)[0].encode() for path in (*self._models, *self._estimators)
        )

    @property
    def classes(self) -> Mapping[str, ClassInfo]:
        """Every known class by its import path (built on first use)."""
        if self._classes is None:
            from sagelint.catalog import ESTIMATORS, MODELS, ClassInfo, Family, Kind

            classes: Dict[str, ClassInfo] = {**MODELS, **ESTIMATORS}
            for path in self._models:
                short = path.rsplit(".", 1)[-1]
                classes[path] = ClassInfo(short, Kind.MODEL, Family.CUSTOM, True)
            for path in self._estimators:
                classes[path] = ClassInfo(path.rsplit(".", 1)[-1], Kind.ESTIMATOR)
            self._classes = classes
        return self._classes

    def lookup(self, qualified_name: str) -> Optional[ClassInfo]:
        return self.classes.get(qualified_name)
