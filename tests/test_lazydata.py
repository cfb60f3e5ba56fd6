"""sagelint.lazydata: a class declared with `lazy_dataclass` is, from its first instance on,
the class `@dataclass` makes of the same body (fields, init, repr, eq, hash, order, frozen,
replace, copy; pickle below), and nothing of it is built before."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple, Type

import pytest

from sagelint.lazydata import is_lazy, lazy_dataclass


def _pair(decorate: Any) -> Tuple[Type[Any], Type[Any], Type[Any]]:
    """The same bodies under a decorator: frozen and ordered, frozen, and mutable."""

    @decorate(frozen=True, order=True)
    class Point:
        """A place."""

        row: int
        column: int

    @decorate(frozen=True)
    class Finding:
        """What was found."""

        code: str
        where: Any
        cell: Optional[int] = None
        uses: Tuple[str, ...] = ()

    @decorate()
    class Bag:
        """Things."""

        name: str
        items: List[int] = field(default_factory=list)

    return Point, Finding, Bag


def _behaviour(decorate: Any) -> List[Any]:
    point, finding, bag = _pair(decorate)
    a, b = point(1, 2), point(1, 3)
    one = finding("SM1", a, uses=("x",))
    frozen = []
    try:
        one.code = "SM2"
    except dataclasses.FrozenInstanceError as exc:
        frozen.append(str(exc))
    first = bag("b")
    first.items.append(1)
    return [
        repr(a), repr(one), repr(bag("c")), a == point(1, 2), a != b, a < b, sorted([b, a]) == [a, b],
        hash(a) == hash(point(1, 2)), hash(one) == hash(finding("SM1", point(1, 2), None, ("x",))),
        [f.name for f in dataclasses.fields(finding)], [f.name for f in dataclasses.fields(bag)],
        repr(dataclasses.replace(one, cell=4)), dataclasses.asdict(one), frozen,
        repr(first), bag("d").items, bag.__hash__ is None, finding.__match_args__,
        copy.deepcopy(one) == one, copy.copy(first) == first,
        point.__doc__, str(inspect.signature(point)), str(inspect.signature(finding)),
    ]


def test_a_lazy_class_behaves_as_the_data_class() -> None:
    assert _behaviour(lazy_dataclass) == _behaviour(dataclass)


def test_nothing_is_built_before_the_first_instance() -> None:
    point, finding, _ = _pair(lazy_dataclass)
    assert is_lazy(point) and is_lazy(finding)
    assert not dataclasses.is_dataclass(point)
    assert "__init__" not in vars(point) and "__eq__" not in vars(point)
    point(1, 2)
    assert dataclasses.is_dataclass(point) and not dataclasses.is_dataclass(finding)
    assert not is_lazy(_pair(dataclass)[0])


def test_only_a_plain_class_can_be_lazy() -> None:
    class Base:
        pass

    with pytest.raises(TypeError):
        @lazy_dataclass()
        class Derived(Base):
            x: int

    with pytest.raises(TypeError):
        @lazy_dataclass(slots=True)
        class Slotted:
            """With slots @dataclass makes another class."""

            x: int

    with pytest.raises(TypeError):  # @dataclass would write its docstring from the signature
        @lazy_dataclass()
        class Undocumented:
            x: int


def test_threads_making_the_first_instances_at_once_build_it_once() -> None:
    point, _, _ = _pair(lazy_dataclass)
    made: List[Any] = []
    errors: List[BaseException] = []

    def make() -> None:
        try:
            made.extend(point(n, n) for n in range(200))
        except BaseException as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(made) == 1600 and made[0] == point(0, 0)


def test_a_result_unpickled_first_is_complete() -> None:
    """A run's parent process may meet its first Diagnostic unpickled from a worker: the
    class is built then, and the instance is whole."""
    from sagelint.model import Applicability, Diagnostic, Edit, Fix, Location, Severity

    where = Location(3, 5)
    diagnostic = Diagnostic(
        "SM201", "startup-timeout-missing", "message", Severity.WARNING, where, Location(3, 9),
        fix=Fix(Applicability.SAFE, "add it", (Edit(10, 10, "x", where, where),)),
    )
    probe = (
        "import pickle, sys\n"
        "from sagelint.model import Diagnostic, Location\n"
        "assert not hasattr(Diagnostic, '__dataclass_fields__')\n"
        "found = pickle.loads(sys.stdin.buffer.read())\n"
        "print(repr(found))\n"
        "print(found == Diagnostic(**{name: getattr(found, name) for name in "
        "Diagnostic.__dataclass_fields__}), found.location < Location(4, 1), hash(found) == "
        "hash(pickle.loads(pickle.dumps(found))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], input=pickle.dumps(diagnostic), capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    shown, checks = done.stdout.decode().splitlines()
    assert shown == repr(diagnostic)
    assert checks == "True True True"
