"""What a module may change of other modules' names (sagelint.analysis.mutguard, issue #28):
the scan of one CPython tree."""

from __future__ import annotations

import ast
import textwrap
from typing import Dict, Set

import pytest

from sagelint.analysis.mutguard import ITEM, METHOD, REBIND, writes_of


def _attrs(source: str) -> Dict[str, Set[str]]:
    return writes_of(ast.parse(textwrap.dedent(source))).attrs


def _bare(source: str) -> Dict[str, Set[str]]:
    writes = writes_of(ast.parse(textwrap.dedent(source)))
    return {origin: kinds for (origin, _), kinds in writes.bare.items()}


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import config\nconfig.X = 1\n", {"X": {REBIND}}),
        ("import config as cfg\ncfg.X += 1\n", {"X": {REBIND}}),
        ("import config\ndel config.X\n", {"X": {REBIND}}),
        ("import config\nsetattr(config, 'X', 1)\n", {"X": {REBIND}}),
        ("import config\nconfig.X['K'] = '1'\n", {"X": {ITEM}}),
        ("import config\nconfig.X['A']['K'] = '1'\n", {"X": {ITEM}}),
        ("import config\ndel config.X['K']\n", {"X": {ITEM}}),
        ("import config\nconfig.X.env = {}\n", {"X": {ITEM}}),
        ("import config\nconfig.X.update(K='1')\n", {"X": {METHOD}}),
        ("import config\nconfig.X['A'].update(K='1')\n", {"X": {METHOD}}),
        ("import config\nenv = config.X\n", {"X": {ITEM}}),  # held elsewhere
        ("import config\nenv = config.X or {}\n", {"X": {ITEM}}),
        ("import config\ndef f():\n    return config.X\n", {"X": {ITEM}}),
        ("import config\nimport helpers\nhelpers.patch(config.X)\n", {"X": {ITEM}}),
        # Reads that change nothing.
        ("import config\nprint(config.X, len(config.X))\n", {}),
        ("import config\nv = config.X.get('K')\nw = config.X['K']\n", {}),
        ("import config\nif config.X == 1:\n    pass\n", {}),
        (
            "import config\nfrom sagemaker.pytorch import PyTorchModel\n"
            "m = PyTorchModel(env=config.X)\nm.deploy(timeout=config.Y)\n",
            {},
        ),
        ("x = {}\nx['K'] = 1\n", {}),  # no import: nothing of another module
    ],
)
def test_changes_through_a_module_name(source: str, expected: Dict[str, Set[str]]) -> None:
    assert _attrs(source) == expected


def test_changes_of_a_name_bound_by_a_from_import() -> None:
    source = """
        from config import ENV, STARTUP as START
        ENV["K"] = "1"
        START = 900  # a rebinding here: config's STARTUP is as it was
        """
    assert _bare(source) == {"ENV": {ITEM}}


def test_a_star_import_makes_names_it_may_bind_count() -> None:
    assert _bare("from config import *\nENV['K'] = '1'\n") == {"ENV": {ITEM}}
    assert _bare("from sagemaker import *\nENV = {}\nENV['K'] = '1'\n") == {}


def test_a_module_dict_or_an_unwritten_setattr_changes_anything() -> None:
    assert writes_of(ast.parse("import config\nsetattr(config, name, 1)\n")).everything
    assert writes_of(ast.parse("import config\nconfig.__dict__.update(X=1)\n")).everything
    assert not writes_of(ast.parse("import config\nprint(config.X)\n")).everything
