"""The read-only walk (`sagelint.analysis.walk`) sees what LibCST's visitor sees, in the same
order: the child fields of every node class in LibCST's visit order, and the index walk
reaching every node it records something for, in source order (calls in source order)."""

from __future__ import annotations

from pathlib import Path
from typing import List

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given

from sagelint.analysis.index import _HANDLERS, ModuleIndex
from sagelint.analysis.walk import children, every_child, every_node

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> List[Path]:
    out = []
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        try:
            cst.parse_module(path.read_text(encoding="utf-8"))
        except cst.ParserSyntaxError:
            continue
        out.append(path)
    return out


MODULES = _modules()


# Nodes that are code: a walk that skips one of these would miss names and calls.
_CODE = (cst.BaseExpression, cst.BaseSmallStatement, cst.BaseCompoundStatement)


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        self.seen: List[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.seen.append(node)
        return True


def _assert_walks_like_visitor(module: cst.Module) -> None:
    visitor = _Order()
    module.visit(visitor)  # the visitor changes nothing: the tree's nodes stay the same
    assert list(every_node(module)) == visitor.seen
    for node in visitor.seen:
        assert every_child(node) == list(node.children)
        kept = children(node)
        # In order, nothing added, and nothing left out but whitespace and punctuation.
        assert kept == [child for child in node.children if child in kept]
        dropped = [child for child in node.children if child not in kept]
        assert not any(
            isinstance(inner, _CODE) for child in dropped for inner in every_node(child)
        ), (type(node).__name__, [type(child).__name__ for child in dropped])
    index = ModuleIndex(module)
    recorded = [node for node in index.unit_of if type(node) in _HANDLERS]
    assert recorded == [node for node in visitor.seen if type(node) in _HANDLERS]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fixture_walks_like_the_visitor(path: Path) -> None:
    _assert_walks_like_visitor(cst.parse_module(path.read_text(encoding="utf-8")))


@pytest.mark.slow  # generated modules: a heavy property test
@given(hypothesmith.from_grammar())
def test_generated_module_walks_like_the_visitor(source: str) -> None:
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return
    _assert_walks_like_visitor(module)


def test_children_come_in_source_order() -> None:
    module = cst.parse_module(
        "@deco(a())\ndef f(x=b()) -> c():\n    return d()\n"
        "e() if f() else g()\n"
        "try:\n    h()\nexcept i() as err:\n    j()\n"
    )
    index = ModuleIndex(module)
    names = [call.func.value for call in index.calls]  # type: ignore[attr-defined]
    assert names == ["deco", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]


def test_every_compound_statement_counts_as_a_statement() -> None:
    """The index dispatches on exact classes: every concrete compound statement of LibCST
    must have a handler that counts it (positions rely on the count)."""
    import inspect

    compound = {
        cls
        for cls in vars(cst).values()
        if isinstance(cls, type)
        and issubclass(cls, cst.BaseCompoundStatement)
        and not inspect.isabstract(cls)
    }
    assert compound <= set(_HANDLERS)
