"""CPython's work kept per top-level chunk (sagelint.analysis.front): the tree joined from
chunks is CPython's tree of the whole text, node for node and position for position; the
survey joined from the chunks' parts is the whole tree's survey; and a check with chunks
kept gives what a check without them gives, on every fixture, cold and after edits."""

from __future__ import annotations

import ast
import random
import sys
from pathlib import Path
from typing import Any, Iterator, Optional, Tuple

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from sagelint.analysis import front
from sagelint.analysis.front import Front
from sagelint.analysis.prune import Survey, rows_of, survey
from sagelint.analysis.syntax import judge
from sagelint.engine import MAX_SYNTAX_DEPTH
from sagelint.paths import CREATING
from test_prune import _python_fixtures
from test_fixtures import engine_for_fixture, fixture_files
from test_properties import scripts, scripts_with_unrelated_code


def _dump(tree: ast.AST) -> str:
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # a fixture writes integers of thousands of digits
    try:
        return ast.dump(tree, include_attributes=True)
    finally:
        sys.set_int_max_str_digits(limit)


def _survey_view(found: Survey) -> Tuple[Any, ...]:
    """What a survey tells, by value (its nodes by position)."""
    units = [
        (
            _dump(unit.node), unit.first, unit.last, sorted(unit.reads), sorted(unit.binds),
            sorted(unit.assigns), unit.parent, unit.children, unit.split, unit.header_last,
            unit.structural, unit.flow, unit.stops, unit.scope, unit.inner, sorted((unit.uses or {}).items()),
        )
        for unit in found.units
    ]
    nodes = [
        [_dump(node) for node in kind]
        for kind in (found.call_nodes, found.import_nodes, found.binding_nodes, found.creating)
    ]
    return (
        units, nodes, found.dynamic, found.too_deep, found.imports, sorted(found.bound),
        sorted(found.stored), sorted(found.callees), found.calls, found.sdk_imports,
    )


def _same_as_whole(kept: Front, text: str) -> Optional[ast.Module]:
    """The joined tree and survey of `text`, checked against the whole text's; None when the
    memo leaves the text to the whole compile."""
    lines = rows_of(text)
    try:
        tree = kept.tree(text, lines, 0)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        refused: Optional[BaseException] = error  # the whole text compiled: its error
        tree = None
    else:
        refused = None
    try:
        whole = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        assert tree is None  # a syntax error is always the whole text's to report
        if isinstance(refused, SyntaxError) and isinstance(error, SyntaxError):
            assert (refused.msg, refused.lineno) == (error.msg, error.lineno)
        return None
    assert refused is None
    if tree is None:
        return None
    assert _dump(tree) == _dump(whole)
    joined = kept.survey(tree, lines, MAX_SYNTAX_DEPTH, CREATING)
    assert joined is not None
    assert _survey_view(joined) == _survey_view(survey(whole, lines, MAX_SYNTAX_DEPTH, CREATING))
    return tree



@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_joined_tree_and_survey_are_the_whole_texts(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    kept = Front()
    tree = _same_as_whole(kept, text)
    compiled = kept.compiled
    _same_as_whole(kept, text)  # the second time from the memo (a syntax error: compiled)
    assert tree is None or kept.compiled == compiled


TRICKY = [
    # A row at column 0 inside a string, a bracket, after a decorator, a backslash.
    'x = """\nabc = 1\ndef f(): pass\n"""\ny = 2\n',
    "x = [\n1,\nb,\n]\nprint(x)\n",
    "@decorate\n@other(1)\ndef f():\n    return 1\nclass C: pass\n",
    "x = 1 + \\\ny\nz = 3\n",
    "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\nz = 1\n",
    "try:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\nw = 2\n",
    "while x:\n    pass\nelse:\n    pass\n",
    "def f():\n    x = 1\n# a comment at column 0\n    return x\ng = f()\n",
    "x = 1\r\ny = 2\r\nif y:\r\n    z = 3\r\n",
    "x = 1\ry = 2\rz = 3\r",
    "x = 1\n\fy = 2\n",
    "if x:\n\ty = 1\nz = 2\n",
    "x = 1",
    "# only a comment\n",
    "",
    "print(1)\nprint(1)\nprint(1)\n",
    'f"{x!r:>{width}}"\ny = f"""\nname\n"""\n',
    "match command:\n    case [x]:\n        pass\ncase = 1\nmatch = 2\n",
    "async def f():\n    await g()\nasync_x = 1\n",
    "x = (\nyield_ for yield_ in y\n)\n",
    "lambda: (\nx)\n",
    "x = 1 if y else \\\n2\n",
    "class A(\nB):\n    pass\n",
    "def f(a,\nb): pass\n",
    "x = 'unterminated\ny = 2\n",
    "def f(:\n    pass\ny = 1\n",
    "x = 1\n  y = 2\nz = 3\n",
    "x = (1,\ny = 2\n",
    "return 5\nx = 1\n",
    "global x\nnonlocal y\n",
    "x = 1\n\x00y = 2\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_rows_that_look_like_statements_do_not_split_one(text: str) -> None:
    kept = Front()
    _same_as_whole(kept, text)
    _same_as_whole(kept, text)


@settings(suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_grammar_generated_modules(text: str) -> None:
    _same_as_whole(Front(), text)


@settings(max_examples=15, suppress_health_check=list(HealthCheck))  # slow to generate
@given(hypothesmith.from_node())
def test_node_generated_modules(text: str) -> None:
    _same_as_whole(Front(), text)


@st.composite
def edited(draw: st.DrawFn) -> Tuple[str, str]:
    """A script and the same script edited at one row (a row inserted, removed or changed)."""
    text = draw(scripts_with_unrelated_code())
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, max(len(lines) - 1, 0)))
    row = draw(st.sampled_from([
        "x = 1\n", "    y = 2\n", "'''\n", "(\n", ")\n", "def g():\n", "else:\n", "# c\n", "\n",
        "@decorate\n", "import sagemaker\n", "session = sagemaker.Session()\n",
    ]))
    how = draw(st.sampled_from(["insert", "replace", "delete"]))
    if how == "insert" or not lines:
        lines.insert(at, row)
    elif how == "replace":
        lines[at] = row
    else:
        del lines[at]
    return text, "".join(lines)


@settings(suppress_health_check=list(HealthCheck))
@given(edited())
def test_an_edit_is_read_as_the_whole_text(case: Tuple[str, str]) -> None:
    before, after = case
    kept = Front()
    _same_as_whole(kept, before)
    _same_as_whole(kept, after)
    _same_as_whole(kept, before)  # undone


def test_unchanged_chunks_are_not_compiled_again() -> None:
    rng = random.Random(3)
    rows = [f"value_{n} = helper({rng.randrange(100)})\n" for n in range(200)]
    text = "".join(rows)
    kept = Front()
    assert _same_as_whole(kept, text) is not None
    first = kept.compiled
    assert first == 1  # opened: the whole text, its statements kept as chunks
    rows[150] = "value_150 = helper(7)  # edited\n"
    assert _same_as_whole(kept, "".join(rows)) is not None
    assert kept.compiled == first + 1


def test_the_memo_keeps_a_bounded_amount_of_text() -> None:
    kept = Front(kept_chars=1_000)
    for n in range(300):
        kept.tree(f"x_{n} = {n}\ny_{n} = {n}\n", rows_of(f"x_{n} = {n}\ny_{n} = {n}\n"), 0)
    assert kept.chars <= 1_000
    assert len(kept.chunks) <= 1_000 // len("x_1 = 1\n") + 1


def test_judge_uses_the_memo_only_when_enabled() -> None:
    text = "x = 1\ny = 2\n"
    assert front.current() is None
    kept = front.enable()
    try:
        verdict = judge(text)
        assert verdict.tree is not None and kept.compiled == 2
        assert _dump(verdict.tree) == _dump(ast.parse(text))
        # A syntax error is judged on the whole text: the same verdict as without the memo.
        broken = "x = 1\ny = (\n"
        with_memo = judge(broken)
    finally:
        front.disable()
    assert with_memo == judge(broken)


def _checks(path: Path, data: bytes) -> Iterator[Tuple[Any, ...]]:
    engine = engine_for_fixture(path)
    for fix, unsafe in ((False, False), (True, True)):
        result = engine.check(str(path), data, fix=fix, unsafe=unsafe)
        yield result.diagnostics, result.fixed_bytes, result.error, result.elsewhere


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_check_with_chunks_kept_is_a_check_without(path: Path) -> None:
    data = path.read_bytes()
    without = list(_checks(path, data))
    front.enable()
    try:
        cold = list(_checks(path, data))
        warm = list(_checks(path, data))
    finally:
        front.disable()
    assert cold == without
    assert warm == without


@settings(suppress_health_check=list(HealthCheck))
@given(scripts(), st.integers(0, 40), st.sampled_from(["x = 1\n", "# c\n", "\n", "(\n"]))
def test_an_edited_script_is_checked_as_without_chunks(source: str, at: int, row: str) -> None:
    from test_properties import ENGINE

    lines = source.splitlines(keepends=True)
    lines.insert(min(at, len(lines)), row)
    edited_source = "".join(lines)
    expected = [ENGINE.check("gen.py", text.encode()) for text in (source, edited_source)]
    front.enable()
    try:
        found = [ENGINE.check("gen.py", text.encode()) for text in (source, edited_source)]
    finally:
        front.disable()
    for a, b in zip(found, expected):
        assert (a.diagnostics, a.error) == (b.diagnostics, b.error)


def test_a_long_docstring_at_column_0_is_kept_too() -> None:
    """Rows of a string at column 0 look like statements: they are joined once, kept as
    refused, and an edit elsewhere compiles only its chunk (review of #29: the joins were
    counted per check, so such a document was compiled whole on every edit)."""
    prose = "".join(f"line {n} of the module's description\n" for n in range(40))
    rows = [f"value_{n} = helper({n})\n" for n in range(100)]
    text = f'"""Title.\n\n{prose}"""\n' + "".join(rows)
    kept = Front()
    assert _same_as_whole(kept, text) is not None
    for edit in range(3):
        rows[50] = f"value_50 = helper({edit + 1000})\n"
        before = kept.compiled
        assert _same_as_whole(kept, f'"""Title.\n\n{prose}"""\n' + "".join(rows)) is not None
        assert kept.compiled - before <= 1
