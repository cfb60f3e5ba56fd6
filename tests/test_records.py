"""sagelint.records: every class declared with `frozen_record` behaves as
`@dataclass(frozen=True)` of the same fields (made by position or name with its defaults,
read-only, equal, hashed, shown, matched, pickled and copied alike)."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
from typing import Any, Dict, List, Tuple

import pytest

from conftest import ROOT
from sagelint.records import frozen_record, record_fields, replace_fields


def _records() -> List[Tuple[str, str]]:
    """(module, class) of every class the sources declare with frozen_record."""
    source = ROOT / "src" / "sagelint"
    found = []
    for path in sorted(source.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for decorator, line in zip(lines, lines[1:]):
            if decorator.startswith("@frozen_record"):
                module = ".".join(("sagelint", *path.relative_to(source).with_suffix("").parts))
                found.append((module.removesuffix(".__init__"), line[len("class "):-1]))
    return found


RECORDS = _records()


def test_the_start_up_records_are_found() -> None:
    names = {name for _, name in RECORDS}
    assert {"CheckOptions", "ReportOptions", "RunOptions", "Verdict", "_Pending", "_Key"} <= names


def _reference(cls: type) -> Any:
    """The data class `@dataclass(frozen=True)` makes of the record's fields."""
    fields = []
    for name in record_fields(cls):
        annotation = cls.__annotations__[name]
        if name in vars(cls):
            fields.append((name, annotation, dataclasses.field(default=vars(cls)[name])))
        else:
            fields.append((name, annotation))
    return dataclasses.make_dataclass(cls.__qualname__, fields, frozen=True)


def _values(cls: type, salt: str) -> Dict[str, Any]:
    return {name: f"{salt} {name}" for name in record_fields(cls)}


@pytest.mark.parametrize(("module", "name"), RECORDS)
def test_a_record_behaves_as_the_frozen_data_class(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    reference = _reference(cls)
    fields = record_fields(cls)
    assert fields == tuple(f.name for f in dataclasses.fields(reference))
    assert cls.__match_args__ == reference.__match_args__
    values = _values(cls, "a")
    ours, theirs = cls(**values), reference(**values)
    assert repr(ours) == repr(theirs)
    assert hash(ours) == hash(theirs)
    assert vars(ours) == vars(theirs)
    assert ours == cls(**values) and not ours != cls(**values)
    assert ours == cls(*values.values())  # by position
    assert ours != cls(**_values(cls, "b")) and ours != theirs
    assert ours.__eq__(object()) is NotImplemented
    for action in (lambda o: setattr(o, fields[0], 1), lambda o: delattr(o, fields[0]),
                   lambda o: setattr(o, "new", 1)):
        with pytest.raises(dataclasses.FrozenInstanceError) as ours_error:
            action(ours)
        with pytest.raises(dataclasses.FrozenInstanceError) as their_error:
            action(theirs)
        assert str(ours_error.value) == str(their_error.value)
    assert pickle.loads(pickle.dumps(ours)) == ours
    changed = {fields[-1]: "changed"}
    assert repr(replace_fields(ours, **changed)) == repr(dataclasses.replace(theirs, **changed))
    assert replace_fields(ours) == ours and replace_fields(ours) is not ours
    assert copy.copy(ours) == ours and copy.deepcopy(ours) == ours
    required = [f for f in fields if f not in vars(cls)]
    if required:  # the defaults are filled in as the data class fills them
        given = {f: values[f] for f in required}
        assert repr(cls(**given)) == repr(reference(**given))
        with pytest.raises(TypeError):
            cls(**{f: values[f] for f in required[1:]})
    with pytest.raises(TypeError):
        cls(**values, unknown=1)
    with pytest.raises(TypeError):
        cls(*values.values(), "one too many")


def test_a_record_refuses_what_it_cannot_be() -> None:
    with pytest.raises(TypeError):  # no docstring
        @frozen_record
        class Bare:
            x: int

    with pytest.raises(TypeError):  # a default that a data class would share between instances
        @frozen_record
        class Shared:
            """Shared."""

            x: List[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError):  # a field without a default after one with
        @frozen_record
        class Order:
            """Order."""

            x: int = 1
            y: int

    with pytest.raises(TypeError):  # its own method where the record's goes
        @frozen_record
        class Own:
            """Own."""

            x: int

            def __eq__(self, other: object) -> bool:
                return True


def test_the_command_s_options_have_one_field_each() -> None:
    from sagelint.cli import CheckOptions, check

    assert record_fields(CheckOptions)[0] == "paths"
    assert {param.name for param in check.params} == set(record_fields(CheckOptions))
