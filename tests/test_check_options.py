"""`cli.CheckOptions` is written out (a run does not build a data class of 31 fields): it
behaves as `@dataclass(frozen=True)` of its fields, and has one field per option of `check`."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict

import pytest

from sagelint.cli import CheckOptions, check


def _values(**changes: Any) -> Dict[str, Any]:
    values: Dict[str, Any] = {
        name: (f"value of {name}" if index % 3 else index % 2 == 0)
        for index, name in enumerate(CheckOptions.__annotations__)
    }
    values["paths"] = ("a.py", "b.py")
    values["select"] = ("SM1", "SM201")
    return {**values, **changes}


def _reference() -> Any:
    return dataclasses.make_dataclass(
        "CheckOptions", list(CheckOptions.__annotations__.items()), frozen=True
    )


def test_it_has_one_field_per_option_of_check() -> None:
    assert list(CheckOptions.__annotations__)[0] == "paths"
    assert {param.name for param in check.params} == set(CheckOptions.__annotations__)


def test_it_behaves_as_the_frozen_data_class() -> None:
    reference = _reference()
    ours, theirs = CheckOptions(**_values()), reference(**_values())
    assert repr(ours) == repr(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == CheckOptions(**_values()) and not ours != CheckOptions(**_values())
    assert ours != CheckOptions(**_values(quiet="other"))
    assert ours != theirs  # another class: not equal, as two data classes would not be
    assert ours.__eq__(object()) is NotImplemented
    for action in (lambda o: setattr(o, "quiet", True), lambda o: delattr(o, "quiet"),
                   lambda o: setattr(o, "new", 1)):
        with pytest.raises(dataclasses.FrozenInstanceError) as ours_error:
            action(ours)
        with pytest.raises(dataclasses.FrozenInstanceError) as their_error:
            action(theirs)
        assert str(ours_error.value) == str(their_error.value)
    assert vars(ours) == vars(theirs)


def test_it_is_made_from_exactly_its_fields() -> None:
    with pytest.raises(TypeError):
        CheckOptions(**{k: v for k, v in _values().items() if k != "quiet"})
    with pytest.raises(TypeError):
        CheckOptions(**_values(unknown=1))
