"""Data classes built when first instantiated, not when their module is imported.

`@dataclass` writes and compiles each class's methods (`__init__`, `__eq__`, `__repr__`, ...)
as its module is imported: about a millisecond a class, most of a one-file run's start-up
beyond `import click` (issue 29). The classes a run needs only for findings, fixes, notebooks
or configuration files (a diagnostic, an edit, a notebook's cells) are declared with
`lazy_dataclass`, which takes `dataclasses.dataclass`'s options and applies them to the class
the first time an instance is made (called, unpickled or copied): the same class object, then
exactly the class `@dataclass` would have made. Until then nothing of it is built, so a run
whose files the gate rejects never builds them.

What must not happen before the first instance: reading the class's data class attributes
(`dataclasses.fields(cls)`, `is_dataclass(cls)`, `__match_args__`, `inspect.signature(cls)`);
an instance's are always complete. A class declared so derives from `object` only and defines
no `__new__` (it gets one that builds it, then makes each instance as `object.__new__`). Type checkers see `dataclasses.dataclass` itself.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Set, Type, TypeVar

__all__ = ["is_lazy", "lazy_dataclass"]

_T = TypeVar("_T")
# Two threads may make the first instance at once (the language server checks off its event
# loop): the class is built once, and no instance is made before it is complete.
_BUILDING = threading.Lock()
_DECLARED: Set[type] = set()  # every class declared so (what `is_lazy` answers)


def _deferred(**options: Any) -> Callable[[Type[_T]], Type[_T]]:
    def defer(cls: Type[_T]) -> Type[_T]:
        if cls.__bases__ != (object,) or "__new__" in vars(cls) or options.get("slots"):
            raise TypeError(f"{cls.__qualname__}: only a plain class can be built when used")
        if not cls.__doc__:  # @dataclass would write one from the signature: this `__new__`'s
            raise TypeError(f"{cls.__qualname__}: a class built when used needs a docstring")
        built: List[bool] = []  # set once the class is complete

        def new(klass: Type[_T], *args: Any, **kwargs: Any) -> _T:
            if not built:
                _build(cls, new, options, built)
            return object.__new__(klass)

        # Every instance is made through `__new__` (a call, pickle, copy), and the data
        # class's `__init__`, set by the build, is looked up after `__new__` returns. It stays
        # (CPython would not restore object's own `__new__` for the class if it were removed).
        setattr(cls, "__new__", staticmethod(new))  # noqa: B010 - mypy: no assigning a method
        _DECLARED.add(cls)
        return cls

    return defer


def _build(cls: type, new: Callable[..., Any], options: Dict[str, Any], built: List[bool]) -> None:
    from dataclasses import dataclass
    from inspect import signature

    with _BUILDING:
        if not built:
            dataclass(**options)(cls)  # completes the class in place (no slots=True)
            # The class's signature is read from its own `__new__` first: the data class's.
            setattr(new, "__signature__", signature(vars(cls)["__init__"]))  # noqa: B010 - mypy: no such attribute
            built.append(True)


def is_lazy(cls: type) -> bool:
    """Whether a class was declared with `lazy_dataclass` (built since or not)."""
    return cls in _DECLARED


if TYPE_CHECKING:
    from dataclasses import dataclass as lazy_dataclass
else:
    lazy_dataclass = _deferred
