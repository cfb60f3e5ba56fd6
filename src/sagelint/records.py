"""Frozen records for the classes every run makes before its first file, without `@dataclass`.

`@dataclass` writes and compiles each class's methods as its module is imported (about a
millisecond a class: issue 29). The few small frozen classes every run instantiates at
start-up (the command's options, the report's options, a syntax verdict, a file waiting to be
checked, a configuration key) are declared with `frozen_record` instead: the same class body
(annotated fields, plain defaults, a docstring), given the behaviour `@dataclass(frozen=True)`
gives it by shared methods that are written once here: made from its fields (by position or
name, defaults filled in), read-only (`dataclasses.FrozenInstanceError`), equal to and hashed
as the tuple of its fields (only by an instance of its own class), shown as
`Name(field=value, ...)`, and `__match_args__`. tests/test_records.py compares each with the
data class made of its body.

What a record is not: a data class to `dataclasses` (`fields`, `replace`, `asdict` refuse it):
`record_fields` and `replace_fields` stand for the first two, and a class `asdict` (or another
library's data class support) is used on stays a data class. Type checkers see a data class.
"""

from __future__ import annotations

from dataclasses import Field, FrozenInstanceError
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple, Type, TypeVar

__all__ = ["frozen_record", "record_fields", "replace_fields"]

_T = TypeVar("_T")
_MISSING = object()


def _fields(cls: type) -> Tuple[Tuple[str, Any], ...]:
    """(name, default or _MISSING) of a record's fields, in order."""
    found: Tuple[Tuple[str, Any], ...] = vars(cls)["__record_fields__"]
    return found


def record_fields(cls: type) -> Tuple[str, ...]:
    """The names of a record's fields, in order (what `dataclasses.fields` gives a data class)."""
    return tuple(name for name, _ in _fields(cls))


def replace_fields(record: _T, **changes: Any) -> _T:
    """A copy of a record with some fields changed: `dataclasses.replace` for a record."""
    current = {name: record.__dict__[name] for name in record_fields(type(record))}
    return type(record)(**{**current, **changes})


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    fields = _fields(type(self))
    if len(args) > len(fields):
        raise TypeError(f"{type(self).__qualname__}() takes {len(fields)} arguments")
    values: Dict[str, Any] = dict(zip((name for name, _ in fields), args))
    for name, value in kwargs.items():
        if name in values or all(name != field for field, _ in fields):
            raise TypeError(f"{type(self).__qualname__}() got an unexpected or repeated {name!r}")
        values[name] = value
    for name, default in fields:
        value = values.get(name, default)
        if value is _MISSING:
            raise TypeError(f"{type(self).__qualname__}() missing argument {name!r}")
        object.__setattr__(self, name, value)


def _values(self: Any) -> Tuple[Any, ...]:
    return tuple(self.__dict__[name] for name, _ in _fields(type(self)))


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    shown = ", ".join(
        f"{name}={value!r}" for (name, _), value in zip(_fields(type(self)), _values(self))
    )
    return f"{type(self).__qualname__}({shown})"


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _frozen_record(cls: Type[_T]) -> Type[_T]:
    if cls.__bases__ != (object,) or not cls.__doc__:
        raise TypeError(f"{cls.__qualname__}: a record is a plain class with a docstring")
    fields: List[Tuple[str, Any]] = []
    # The class's own annotations (Python 3.14 evaluates them lazily: not in its __dict__).
    annotations = vars(cls).get("__annotations__") or getattr(cls, "__annotations__", {})
    if not annotations:
        raise TypeError(f"{cls.__qualname__}: a record has annotated fields")
    for name, annotation in annotations.items():
        if "ClassVar" in str(annotation) or "InitVar" in str(annotation):
            raise TypeError(f"{cls.__qualname__}.{name}: a record has fields only")
        default = vars(cls).get(name, _MISSING)
        if isinstance(default, Field) or isinstance(default, (list, dict, set)):
            raise TypeError(f"{cls.__qualname__}.{name}: a record's defaults are plain values")
        if default is _MISSING and fields and fields[-1][1] is not _MISSING:
            raise TypeError(f"{cls.__qualname__}.{name}: a field without a default follows one with")
        fields.append((name, default))
    methods: Dict[str, Callable[..., Any]] = {
        "__init__": _init, "__eq__": _eq, "__hash__": _hash, "__repr__": _repr,
        "__setattr__": _setattr, "__delattr__": _delattr,
    }
    for name, method in methods.items():
        if name in vars(cls):
            raise TypeError(f"{cls.__qualname__}: a record defines no {name}")
        setattr(cls, name, method)
    setattr(cls, "__record_fields__", tuple(fields))  # noqa: B010 - mypy: no such attribute
    setattr(cls, "__match_args__", tuple(name for name, _ in fields))  # noqa: B010 - as above
    return cls


if TYPE_CHECKING:
    from typing import dataclass_transform

    @dataclass_transform(frozen_default=True)
    def frozen_record(cls: Type[_T]) -> Type[_T]: ...
else:
    frozen_record = _frozen_record
