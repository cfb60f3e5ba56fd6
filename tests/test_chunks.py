"""The chunked LibCST parse (sagelint.analysis.chunks) gives what `libcst.parse_module` gives:
deep-equal, the same code, header, footer and configuration, on every fixture, on generated
code, after edits, on pruned texts, on odd layouts and under wrong hints; and it reuses the
chunks an edit did not touch."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, List, Optional, Sequence

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from sagelint.analysis.chunks import ChunkedParser, cut_offsets
from test_prune import _python_fixtures
from sagelint.analysis.prune import prune, rows_of

CONFIG = ("default_indent", "default_newline", "has_trailing_newline", "encoding")
TRIGGERS = ("sagemaker", "boto3", "aws_cdk")


def starts_of(text: str) -> List[int]:
    """The hints the engine passes: the first row of each top-level statement of CPython's
    tree, its decorators included."""
    return [
        min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        for node in ast.parse(text.removeprefix("\ufeff")).body
    ]


def _nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def check(
    text: str, starts: Sequence[int], parser: Optional[ChunkedParser] = None
) -> ChunkedParser:
    """The chunked parse equals the whole parse (or raises as it does), and holds no node
    twice."""
    parser = parser if parser is not None else ChunkedParser()
    try:
        whole = cst.parse_module(text)
    except Exception as exc:  # whatever LibCST raises, the chunked parse raises
        with pytest.raises(type(exc)):
            parser.parse(text, starts)
        return parser
    module = parser.parse(text, starts)
    assert module.deep_equals(whole)
    assert module.code == whole.code
    for name in CONFIG:
        assert getattr(module, name) == getattr(whole, name), name
    ids = [id(node) for node in _nodes(module)]
    assert len(ids) == len(set(ids)), "a node held twice"
    return parser


@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_parses_as_a_whole(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        starts = starts_of(text)
    except SyntaxError:
        return
    parser = check(text, starts)
    assert parser.refused == 0  # the hints were right: the text was parsed in chunks
    misses = parser.misses
    assert parser.parse(text, starts).code == text
    assert parser.misses == misses  # all from the memo


@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_pruned_fixture_parses_as_a_whole(path: Path) -> None:
    """The engine parses the pruned text with the original text's hints: pruned statements'
    rows are blank (or hold `...`)."""
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return
    pruned = prune(text, tree, TRIGGERS)
    if pruned is not None:
        check(pruned, starts_of(text))


@given(hypothesmith.from_grammar())
def test_generated_modules_parse_as_a_whole(source: str) -> None:
    try:
        starts = starts_of(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
        return
    check(source, starts)


@settings(suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(hypothesmith.from_node())
def test_generated_trees_parse_as_a_whole(source: str) -> None:
    try:
        starts = starts_of(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        starts = []
    check(source, starts)


@given(hypothesmith.from_grammar(), st.lists(st.integers(0, 40), max_size=12))
def test_any_hints_give_the_whole_parse(source: str, starts: List[int]) -> None:
    check(source, starts)


# ----- layouts ---------------------------------------------------------------------------

BETWEEN = (
    "import os\n"
    "\n"
    "def f():\n"
    "    x = 1\n"
    "    # owned by the block\n"
    "\n"
    "# owned by g\n"
    "      # deeper: the block's footer\n"
    "  # less deep: g's\n"
    "\n"
    "@decorator\n"
    "# between decorators\n"
    "@other(1)\n"
    "def g():\n"
    "    pass\n"
    "        # deeper\n"
    "\n"
    "  # indented, then blank\n"
    "\n"
    "y = 2  # trailing\n"
    "# the module's footer\n"
    "    # indented in the footer\n"
)

LAYOUTS = {
    "between": BETWEEN,
    "crlf": BETWEEN.replace("\n", "\r\n"),
    "cr": BETWEEN.replace("\n", "\r"),
    "tabs": "import os\nclass C:\n\tdef m(self):\n\t\treturn 1\n\n\nx = C()\nif x:\n\tpass\n",
    "no trailing newline": "import os\ndef f():\n    return 1\nx = f()",
    "crlf, no trailing newline": "import os\r\ndef f():\r\n    return 1\r\nx = f()",
    "ends in a block": "x = 1\ndef f():\n    return 1",
    "only comments": "# a\n\n# b\n    # c\n",
    "comments then code": "#!/usr/bin/env python\n# coding: utf-8\n\n\"\"\"Doc.\"\"\"\nimport os\n",
    "form feeds": "import os\n\x0c\ndef f():\n    pass\n\x0c\n\x0cx = 1\ny = 2\n",
    "truncated footer": "x = 1\n\n  # c\ny = 1\n\n  # d\n",
    "two indents": "def f():\n  return 1\ndef g():\n    return 2\ndef h():\n\treturn 3\n",
    "indent only in else": "if a: pass\nelse:\n  b = 1\ndef g():\n    return 2\n",
    "indent only in handler": (
        "x = 1\ntry: pass\nexcept E:\n   y = 1\nfinally: pass\ndef g():\n    return 2\n"
    ),
    "match": "x = 1\nmatch x:\n  case 1:\n    pass\ndef g():\n    return 2\n",
    "first chunk without block": "x = 1\ny = 2\ndef f():\n  return 1\ndef g():\n  return 2\n",
    "simple suites only": "if a: pass\nwhile b: c()\nx = 1\n",
    "mixed newlines": "x = 1\ny = 2\r\ndef f():\r\n    return 1\r\nz = 3\rw = 4\n",
    "bom": "\ufeffimport os\nx = 1\n",
    "semicolons": "x = 1; y = 2\nz = 3;\n",
    "continuation": "x = 1 + \\\n2\ny = 3\n",
    "async": "async def f():\n    await g()\nasync def h():\n    async with a:\n        pass\n",
    "empty": "",
    "blank": "\n\n",
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layouts(name: str) -> None:
    text = LAYOUTS[name]
    starts = starts_of(text)
    parser = check(text, starts)
    check(text, starts, parser)  # from the memo
    if len(starts) > 1 and name != "continuation":
        assert parser.refused == 0


def test_cr_rows_are_rows() -> None:
    text = "x = 1\ry = 2\rdef f():\r    pass\rz = 3\r"
    parser = check(text, [1, 2, 3, 5])
    assert parser.misses >= 4 and parser.refused == 0


STATEMENTS = [
    "x = 1",
    "x = 1; y = 2  # trailing",
    "def f():\n{i}return 1",
    "class C:\n{i}def m(self):\n{i}{i}pass\n{i}{i}{i}# deeper",
    "@d\n# between\n@e(1)\ndef g():\n{i}pass",
    "if a: pass\nelse:\n{i}b = 1",
    "if a: pass\nelif b: pass",
    "try:\n{i}pass\nexcept E:\n{i}pass\nfinally: pass",
    "match v:\n{i}case 1:\n{i}{i}pass",
    's = """\n# not a comment\nnot = code\n"""',
    "f(\n  1,\n# inside\n)",
    "if a:\n{i}pass\n{i}# tail comment\n\n{i}{i}# deeper",
    "while x: y()",
    "async def h():\n{i}async with a:\n{i}{i}await z",
    "x = 1 + \\\n  2",
]
GAPS = ["", "# c", "  # c", "    # c", "        # deep", "\t# t", "   ", "\x0c", "\x0c# ff"]


@st.composite
def layouts(draw: st.DrawFn) -> str:
    """Statements with blocks indented in several ways, comment and blank lines between
    them at every depth, one or several kinds of line break, a trailing line break or not."""
    parts = []
    for _ in range(draw(st.integers(1, 7))):
        parts.extend(draw(st.lists(st.sampled_from(GAPS), max_size=3)))
        indent = draw(st.sampled_from(["    ", "  ", "\t", "   "]))
        parts.append(draw(st.sampled_from(STATEMENTS)).replace("{i}", indent))
    parts.extend(draw(st.lists(st.sampled_from(GAPS), max_size=3)))
    rows = "\n".join(parts).split("\n")
    breaks = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    text = ""
    for row in rows:
        text += row + (draw(st.sampled_from(["\n", "\r\n", "\r"])) if breaks == "mixed" else breaks)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


@given(layouts(), st.lists(st.integers(0, 40), max_size=6))
def test_generated_layouts_parse_as_a_whole(text: str, extra: List[int]) -> None:
    try:
        starts = starts_of(text)
    except SyntaxError:
        starts = []
    parser = check(text, starts + extra)
    if not extra and len(starts) > 1:
        # Right hints never make LibCST refuse a chunk... unless LibCST reads the text
        # otherwise than CPython (then the whole parse decided and check() compared).
        assert parser.refused == 0 or not _parses(text)
    check(text, starts, parser)  # again, from the memo


def _parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except Exception:
        return False
    return True


# ----- hints ------------------------------------------------------------------------------

WRONG_HINTS = [
    ('x = """\nnot = code\n"""\ny = 1\n', [1, 2, 3, 4]),  # inside a string
    ("x = f(\n1,\n)\ny = 1\n", [1, 2, 3, 4]),  # inside a bracket
    ("if a:\n    b = 1\nelse:\n    b = 2\n", [1, 3]),  # an else
    ("try:\n    pass\nexcept E:\n    pass\nfinally:\n    pass\n", [1, 3, 5]),
    ("@decorator\ndef f():\n    pass\n", [1, 2]),  # between a decorator and its definition
    ("if a: \\\nprint(1)\ny = 2\n", [1, 2, 3]),  # a continued line that `pass` would end
    ("x = 1 + \\\ny\n", [1, 2]),
    ("def f():\n    a = 1\n# column 0\n    b = 2\n", [1, 3]),  # a comment row in a body
    ("def f():\n    a = 1\n    b = 2\n", [1, 2, 3]),  # indented rows
    ("x = 1\ny = 2\n", [0, -3, 2, 2, 99]),  # out of range, repeated
    ("x = '''\n'''; y = '''\nz = 1\n'''\n", [1, 3]),
    ("class C:\n    pass\n\n\ndef f(): ...\n", [1, 4]),  # a blank row
    ("x = [\ny for y in z]\n", [2]),
    ("s = 'a\\\nb = 1'\nt = 2\n", [1, 2, 3]),  # a continued one-quote string
]


@pytest.mark.parametrize("text, starts", WRONG_HINTS)
def test_wrong_hints_give_the_whole_parse(text: str, starts: List[int]) -> None:
    check(text, starts)


def test_a_text_libcst_refuses_raises_as_the_whole_parse_does() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        ChunkedParser().parse("x = 1\ny = (\nz = 2\n", [1, 2, 3])
    with pytest.raises(cst.ParserSyntaxError):
        ChunkedParser().parse("x = 1\n)\n", [1, 2])


def test_cuts_are_only_made_where_a_statement_can_start() -> None:
    text = "a = 1\n  b\n# c\n\n\\\nd = 1 \\\ne\nf\n"
    assert cut_offsets(text, list(range(10))) == [text.index("\\\n"), text.index("f\n")]


# ----- duplicates, edits, the memo --------------------------------------------------------

def test_repeated_chunks_hold_their_own_nodes() -> None:
    piece = "def f(x):\n    return x + 1\n\n"
    text = "import os\n" + piece * 3 + "y = f(1)\n"
    starts = starts_of(text)
    parser = check(text, starts)
    module = parser.parse(text, starts)
    first, second, third = module.body[1:4]
    assert second.deep_equals(third)  # (the first has no blank line before it)
    assert first is not second and second is not third
    check(text, starts, parser)


def test_an_edit_reparses_only_the_chunk_it_changed() -> None:
    path = max(_python_fixtures(), key=lambda p: len(starts_of_or_none(p) or ()))
    text = path.read_text(encoding="utf-8") + "\nLAST = 1\n"
    starts = starts_of(text)
    assert len(starts) > 10
    parser = ChunkedParser()
    before = parser.parse(text, starts)
    misses = parser.misses
    edited = text.replace("\nLAST = 1\n", "\nLAST = 2\n")
    check(edited, starts_of(edited), parser)
    assert parser.misses == misses + 1  # the last chunk only
    assert parser.hits >= len(starts) - 1
    after = parser.parse(edited, starts_of(edited))
    assert sum(a is b for a, b in zip(before.body, after.body)) >= len(starts) // 2

    # A comment line inserted between two statements, a space typed in the middle statement's
    # first row, a statement added at the end, the last statement spread over two rows.
    rows = rows_of(edited)
    middle = starts_of(edited)[len(starts) // 2]
    typed = list(rows)
    typed[middle - 1] = typed[middle - 1].rstrip("\n") + " \n"
    rows.insert(middle - 1, "# a new comment\n")
    changes = (
        "".join(rows),
        "".join(typed),
        edited + "ADDED = 3\n",
        edited.replace("LAST = 2", "LAST = (\n  2)"),
    )
    for changed in changes:
        misses = parser.misses
        check(changed, starts_of(changed), parser)
        assert 1 <= parser.misses - misses <= 2


def starts_of_or_none(path: Path) -> Optional[List[int]]:
    try:
        return starts_of(path.read_text(encoding="utf-8"))
    except SyntaxError:
        return None


def test_the_memo_is_bounded_by_entries() -> None:
    text = "".join(f"x{n} = {n}\n" for n in range(50))
    parser = ChunkedParser(max_entries=10)
    check(text, starts_of(text), parser)
    assert len(parser) == 10
    # The oldest went first: the last chunks are still held, the first ones parse again.
    misses = parser.misses
    check(text, starts_of(text), parser)
    assert parser.misses - misses == 50


def test_the_memo_is_bounded_by_characters() -> None:
    text = "".join(f"x{n + 100} = {n}\n" for n in range(100))  # 9 or 10 characters a row
    parser = ChunkedParser(max_chars=200)
    check(text, starts_of(text), parser)
    assert parser.chars == 200 and len(parser) == 20  # the last 20 rows, 10 characters each
    big = ChunkedParser(max_chars=5)
    check(text, [], big)  # one chunk longer than the bound: parsed, never held
    assert len(big) == 0 and big.chars == 0
    parser.clear()
    assert len(parser) == 0 and parser.chars == 0
