"""Positions computed statement by statement (`sagelint.analysis.positions`) are
PositionProvider's, byte for byte: for every node of every fixture (pruned as the engine
prunes it) and of grammar-generated modules, each statement's code generated on its own,
and through the engine's lazy mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

from sagelint.analysis.positions import Positions
from sagelint.analysis.walk import every_node
from sagelint.config import Settings
from sagelint.engine import Analysis, Engine
from sagelint.fixes import line_starts

ROOT = Path(__file__).resolve().parent.parent
# Without the gate (sagelint.analysis.gate), so that LibCST parses every file that may have findings.
ENGINE = Engine(Settings.build(), gate=False, strict_fixes=True)
UNPRUNED = Engine(Settings.build(), prune=False, gate=False, strict_fixes=True)


def _fixtures() -> List[Path]:
    return sorted((ROOT / "fixtures").rglob("*.py"))


def _positions(analysis: Analysis) -> Positions:
    assert analysis.module is not None and analysis.index is not None
    return Positions(
        analysis.module,
        analysis.parsed_text,
        line_starts(analysis.text),
        analysis.tree,
        analysis.index,
        analysis.pruned,
        analysis.text,
    )


def _check(analysis: Analysis, placed: bool = True) -> None:
    """Every statement on its own, then every node through one lazy mapping."""
    module = analysis.module
    assert module is not None and analysis.index is not None
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    for unit in analysis.index.units:
        alone = _positions(analysis)
        computed = alone._compute(unit)
        if placed:
            assert computed, f"statement not placed: {module.code_for_node(unit)!r}"
        if computed:
            for node in every_node(unit):
                assert node in alone._spans, (type(node).__name__, node)
                assert alone[node] == full[node], (type(node).__name__, node)
    lazy = analysis.fix_context().positions
    units = list(analysis.index.units)
    for unit in reversed(units):  # later and inner statements first
        for node in every_node(unit):
            assert lazy[node] == full[node]
    if placed:
        assert isinstance(lazy, Positions)
        assert not lazy._whole  # no whole-module codegen for statements' nodes
    for node in every_node(module):
        assert lazy[node] == full[node]
    assert len(lazy) == len(full)


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: str(p.relative_to(ROOT)))
def test_fixture_positions_are_position_providers(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for engine in (ENGINE, UNPRUNED):
        analysis = engine.analyze(text)
        if analysis.parsed and not analysis.gated:  # (gated: LibCST not run, sagelint.analysis.gate)
            # Code only a newer Python reads has no CPython tree to place statements with.
            _check(analysis, placed=analysis.tree is not None)


@given(hypothesmith.from_grammar(), st.booleans())
def test_generated_module_positions_are_position_providers(source: str, prune: bool) -> None:
    # A SageMaker import first, so that pruning has something to keep.
    text = "import sagemaker\nx = sagemaker.Session()\n" + source
    try:
        analysis = (ENGINE if prune else UNPRUNED).analyze(text)
    except RecursionError:
        return
    if analysis.parsed and not analysis.gated:
        _check(analysis, placed=False)


LAYOUTS = [
    "import sagemaker\n\n\n# a comment\n@deco\n\n# between\n@other(1)\ndef f():\n"
    "    x = sagemaker.Model(\n        env={'A': '1'},\n    )\n    return x\n",
    "import sagemaker\nif a:\n    pass\nelif b:  # c\n    y = sagemaker.Model()\nelse:\n"
    "    z = 1; w = 2\n",
    "import sagemaker\nclass C:\n\tdef m(self):\n\t\treturn sagemaker.Model()\n",
    "import sagemaker\nmatch v:\n  case 1:\n        m = sagemaker.Model()\n  case _:\n"
    "        pass\n",
    "import sagemaker\r\nm = sagemaker.Model(\r\n    'x')\r\nm.deploy()",
    "import sagemaker\nm = '''\nmulti\nline''' ; n = sagemaker.Model(\\\n  x=1)\n",
    "import sagemaker\nasync def f():\n    async with a as b:\n        async for c in d:\n"
    "            await sagemaker.Model().deploy()\n",
    "import sagemaker\ntry:\n    a = 1\nexcept E as e:\n    b = 2\nelse:\n    c = 3\n"
    "finally:\n    d = sagemaker.Model()\n",
]


@pytest.mark.parametrize("text", LAYOUTS)
def test_layouts(text: str) -> None:
    for engine in (ENGINE, UNPRUNED):
        analysis = engine.analyze(text)
        assert analysis.parsed
        _check(analysis)


def test_unknown_node_is_a_key_error() -> None:
    analysis = ENGINE.analyze("import sagemaker\nm = sagemaker.Model()\n")
    positions = analysis.fix_context().positions
    with pytest.raises(KeyError):
        positions[cst.Name("elsewhere")]


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: str(p.relative_to(ROOT)))
def test_kept_spans_are_the_positions_of_the_same_statements(path: Path) -> None:
    """With the language server's memo on (sagelint.analysis.front), a statement's spans are
    kept with its node; the same module's positions asked again come from the memo and are
    still PositionProvider's."""
    from sagelint.analysis import front

    analysis = ENGINE.analyze(path.read_text(encoding="utf-8"))
    if not analysis.parsed or analysis.gated or analysis.tree is None:
        return
    module = analysis.module
    assert module is not None and analysis.index is not None
    full = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    kept = front.enable()
    try:
        generated: Dict[object, object] = {}
        for round in range(2):
            positions = _positions(analysis)
            for unit in analysis.index.units:
                if positions._compute(unit):
                    for node in every_node(unit):
                        assert positions[node] == full[node]
            if round == 0:
                generated = {key: entry[2] for key, entry in kept.spans.items()}
        # The second round generated nothing: every statement's spans are the kept ones.
        assert {key: entry[2] for key, entry in kept.spans.items()}.keys() == generated.keys()
        assert all(kept.spans[key][2] is spans for key, spans in generated.items())
        assert generated or not analysis.index.units
    finally:
        front.disable()
