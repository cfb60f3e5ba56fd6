"""A notebook's one CPython front end (issue 29): its code cells are compiled once, as the
joined module whose tree the engine reads; cells are judged alone only when that module
cannot show that each of them is valid. What is reported stays what judging every cell
alone reports: a test compares the two on drawn notebooks, including the cases where the
joined module is valid and a cell alone is not (a bracket, a string, a decorator or an
`else:` that runs on into the next cell, a trailing backslash, a `__future__` import).
"""

from __future__ import annotations

import ast
import builtins
import keyword
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import sagelint.analysis.syntax as syntax
import sagelint.engine as engine_module
from sagelint import notebook as nb
from test_notebooks import DEPLOY, ENV, MODEL, SETUP, check, dumps, notebook, places

Counts = Dict[str, int]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counts]:
    """Counts of the syntax judge's calls and of `compile` calls that compile code (not
    LibCST's `literal_eval` of a literal, which compiles in "eval" mode). A test checks once
    before it counts: a first check imports modules (which may compile their source)."""
    counts = {"judge": 0, "compile": 0}
    real_judge, real_compile = syntax.judge, builtins.compile

    def judge(*args: Any, **kwargs: Any) -> syntax.Verdict:
        counts["judge"] += 1
        return real_judge(*args, **kwargs)

    def compile_(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if mode != "eval":
            counts["compile"] += 1
        return real_compile(source, filename, mode, *args, **kwargs)

    monkeypatch.setattr(syntax, "judge", judge)  # the reader imports it when it reads
    monkeypatch.setattr(engine_module, "judge", judge)
    monkeypatch.setattr(builtins, "compile", compile_)
    yield counts


VALID = dumps(notebook(
    "!pip install -q sagemaker\n" + SETUP,
    "# Deploy",
    ENV,
    "%%time\n" + MODEL,
    "    " + DEPLOY,  # an indented cell: IPython removes the indent
    "load_ext autoreload\nx = 1\n",  # an automagic line: a cheap test, no compile
))


def _counted_check(data: bytes, counts: Counts) -> Any:
    check(data)
    counts.update(judge=0, compile=0)
    return check(data)


def test_a_valid_notebook_is_compiled_once(counted: Counts) -> None:
    result = _counted_check(VALID, counted)
    assert places(result) == ["cell 3:1:42 SM103", "cell 5:1:17 SM201", "cell 5:1:17 SM202"]
    assert counted == {"judge": 1, "compile": 1}  # the joined module, nothing per cell


def test_a_writefile_script_is_compiled_once_too(counted: Counts) -> None:
    data = dumps(notebook(SETUP + ENV, "%%writefile serve.py\nimport os\n", MODEL + DEPLOY))
    _counted_check(data, counted)
    assert counted == {"judge": 2, "compile": 2}  # the notebook's module and the script


def test_cells_are_judged_alone_when_the_module_is_rejected(counted: Counts) -> None:
    data = dumps(notebook(SETUP, "def broken(:\n", ENV + MODEL + DEPLOY))
    result = _counted_check(data, counted)
    assert places(result)[:2] == ["cell 2:1:12 SM001", "cell 3:1:42 SM103"]
    # The joined module; the cell it is rejected in and the one cell before and after it,
    # each alone; the module of the valid cells.
    assert counted["judge"] == 1 + 3 + 1


def test_a_rejected_module_is_split_at_the_cell_it_is_rejected_in(counted: Counts) -> None:
    """Not every cell alone: the cells before the rejected one and those after it are
    compiled as a module each, and show their cells valid."""
    cells = [SETUP, ENV, "x = 1\n", "y = 2\n", "def broken(:\n", "z = 3\n", "w = 4\n", MODEL + DEPLOY]
    result = _counted_check(dumps(notebook(*cells)), counted)
    assert places(result)[:2] == ["cell 2:1:42 SM103", "cell 5:1:12 SM001"]
    # The module; the cells before, that cell, the cells after; the module of the valid cells.
    assert counted["judge"] == 1 + 3 + 1


def test_a_valid_notebook_with_an_alias_line_compiles_that_line() -> None:
    """`ls -la` is Python too (`ls - la`): the line is compiled to know it, once."""
    nb._compiles.cache_clear()
    masked = nb.mask_cell(1, "ls -la\nx = 1\n")
    assert masked.masked == []  # Python, so IPython runs it as Python in a longer cell
    assert nb._compiles.cache_info().misses == 1


# -- the same verdicts as judging every cell alone -------------------------------------------

CELLS = [
    "x = 1\n",
    "def f():\n    return 1\n",
    "f(\n",
    ")\n",
    "x = '''\n",
    "'''\n",
    "@dec\n",
    "def g():\n    pass\n",
    "if x:\n    pass\n",
    "else:\n    pass\n",
    "try:\n    pass\n",
    "except E:\n    pass\n",
    "    y = 2\n",
    "# a comment\n    z = 3\n",
    "x = 1 \\\n",
    "x = 1 \\\n\n",
    "from __future__ import annotations\n",
    "from __future__ import barry_as_FLUFL\n",
    "1 <> 2\n",
    "f'{d[\"k\"]}'\n",
    "match x:\n    case 1:\n        pass\n",
    "!ls\n",
    "%%time\nx = 1\n",
    "await f()\n",
    "x = 1\r\ny = (\r\n2)\r\n",
    "a = 1\rb = (\r2)\r",
    "def h(:\n",
    "%%writefile s.py\nimport os\n",
    "%%writefile t.py\ndef broken(:\n",
    "x = [\n    1,\n",
    "]\n",
    "class C:\n",
    "    pass\n",
    "ls -la\n",
    "pip install x\nx = 1\n",
    "",
    "\n\n",
    "# only a comment\n",
]
TARGETS = [None, (3, 9), (3, 11), (3, 14)]


def _alone(book: nb.Notebook, target: Optional[Tuple[int, int]]) -> Tuple[
    List[int], List[int], List[Tuple[int, int, int, str]]
]:
    """What judging every cell alone decides: the main program's cells, the scripts'
    cells, and the invalid cells."""
    main: List[int] = []
    scripts: List[int] = []
    invalid: List[Tuple[int, int, int, str]] = []
    for number, cell in enumerate(book.cells, 1):
        if cell.get("cell_type") != "code":
            continue
        source = book.cell_source(number)
        magics = nb.cell_magics(source)
        if magics and magics[0] in nb.WRITEFILE_MAGICS:
            script = nb._writefile_cell(number, source)
            if script is not None and not nb._rejects(script, invalid, target):
                scripts.append(number)
            continue
        if magics and magics[-1] not in nb.PYTHON_CELL_MAGICS:
            continue
        if not nb._rejects(nb.mask_cell(number, source), invalid, target):
            main.append(number)
    return main, scripts, invalid


@given(
    st.lists(st.sampled_from(CELLS), min_size=1, max_size=6),
    st.sampled_from(TARGETS),
)
@example(["@dec\n", "def g():\n    pass\n"], None)
@example(["f(\n", ")\n"], None)
@example(["x = '''\n", "'''\n"], None)
@example(["if x:\n    pass\n", "else:\n    pass\n"], None)
@example(["def f():\n    return 1\n", "# a comment\n    z = 3\n"], None)
@example(["x = 1 \\\n", "x = 1\n"], None)
@example(["from __future__ import barry_as_FLUFL\n", "1 <> 2\n"], None)
@example(["x = 1\n", "match x:\n    case 1:\n        pass\n"], (3, 9))
@example(["x = 1\n", "f'{d[\"k\"]}'\n"], None)
@example(["x = 1\n", "y = 2\n", "def h(:\n", "z = 3\n", "w = 4\n"], None)
@example(["f(\n", "x = 1\n", "def h(:\n", "y = 2\n", "]\n"], None)
@example(["x = 1\n", "y = 2\n", "from __future__ import annotations\n", "z = 3\n"], None)
@example(["x = 1\n", "match x:\n    case 1:\n        pass\n", "y = 2\n", "z = 3\n"], (3, 9))
def test_the_reader_decides_as_judging_each_cell_alone(
    sources: List[str], target: Optional[Tuple[int, int]]
) -> None:
    book = nb.load(dumps(notebook(*sources)))
    parts = nb.programs(book, target)
    main, scripts, invalid = _alone(book, target)
    assert [cell.cell for cell in parts.main.cells] == main
    assert [program.cells[0].cell for program in parts.scripts] == scripts
    assert parts.invalid == invalid
    # A verdict kept for the engine is the one its judge would give the program's text.
    for program in (parts.main, *parts.scripts):
        if program.verdict is not None:
            assert _same(program.verdict, syntax.judge(program.text, nb.COMPILE_FLAGS, target))


def _same(kept: syntax.Verdict, fresh: syntax.Verdict) -> bool:
    def seen(verdict: syntax.Verdict) -> Tuple[Any, ...]:
        tree = ast.dump(verdict.tree, include_attributes=True) if verdict.tree else None
        module = verdict.module.code if verdict.module is not None else None
        return tree, verdict.rejection, module

    return seen(kept) == seen(fresh)


def test_the_cells_of_a_joined_module_that_run_on_are_judged_alone() -> None:
    """The joined module is valid, each cell alone is not: both are SM001, as IPython,
    which runs them one by one, would refuse them."""
    data = dumps(notebook(SETUP, "@dec\n", "def g():\n    pass\n", ENV + MODEL + DEPLOY))
    assert places(check(data))[:2] == ["cell 2:1:1 SM001", "cell 4:1:42 SM103"]


# -- the cheap test before compiling an automagic line ---------------------------------------


def test_no_magic_is_a_keyword() -> None:
    """`_never_python` reads a name followed by a word as no statement: true for a name that
    is not a keyword or a soft keyword (`type X = int`, `match x:`)."""
    assert not nb.AUTOMAGICS & (set(keyword.kwlist) | set(getattr(keyword, "softkwlist", [])))


def _compiles(line: str) -> bool:
    try:
        compile(line, "<line>", "exec", nb.COMPILE_FLAGS, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


@given(
    st.sampled_from(sorted(nb.AUTOMAGICS)),
    st.sampled_from([" ", "\t", "  ", " \t", "\x0c"]),
    st.text(alphabet="ab1_ '\"-+=.<>!(){}#\\:;,ifnotsadré\t", min_size=1, max_size=12),
)
@example("ls", " ", "if x else y")
@example("ls", " ", "not in y")
@example("ls", " ", "is not y")
@example("pip", " ", "install x")
@example("cd", " ", "\"dir\"")
@example("cd", " ", "ré")
@example("ls", " ", "1")
def test_a_line_judged_no_python_without_compiling_does_not_compile(
    name: str, space: str, rest: str
) -> None:
    if rest[0].isspace():
        return  # the automagic pattern puts all the white space into `space`
    if nb._never_python(space, rest):
        assert not _compiles(name + space + rest)


def test_more_code_than_the_reader_takes_is_not_compiled_joined(counted: Counts) -> None:
    """Memory: cells past the limit are judged one at a time (the reader then refuses the
    notebook), never compiled as one module."""
    book = nb.load(dumps(notebook("x = 1\n", "y = 2\n", "z = 3\n")))
    parts = nb.programs(book, None, joined_limit=10)
    assert counted["judge"] == 3 and parts.main.verdict is None
    assert [cell.cell for cell in parts.main.cells] == [1, 2, 3]


# -- masking a cell with nothing to mask -----------------------------------------------------

LINES = [
    "x = 1", "    y = 2", "", "# comment", "!ls", "%pip install x", "files = !ls", "obj?",
    "pip install sagemaker", "ls -la", "cd /tmp", "time = 3", "f(", ")", "'''", "x = '''a",
    "  %%time", "%%time", "%%bash", "print('%d' % 1)", "a != b", "run(x)", "x = 1 \\",
    "if x:", "\tpass", "help?", "t = %timeit -o f()", "load_ext autoreload", "\x0cz = 3",
]


@given(st.lists(st.sampled_from(LINES), max_size=8), st.sampled_from(["\n", "\r\n", ""]))
@example(["x = 1", "print('%d' % 1)"], "\n")
@example(["pip install sagemaker"], "\n")
@example(["f(", "!ls", ")"], "\n")
def test_a_cell_is_masked_as_when_every_line_may_be_an_escape(
    lines: List[str], end: str
) -> None:
    """The shortcut for a cell with no line to mask gives what the full reading gives."""
    source = "\n".join(lines) + end
    quick = nb.mask_cell(1, source)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nb, "_may_be_escape", lambda body: True)
        full = nb.mask_cell(1, source)
    assert (quick.text, quick.masked, quick.indented) == (full.text, full.masked, full.indented)


def test_libcst_is_asked_about_the_rejected_cell_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether a newer Python accepts what CPython refuses costs a LibCST parse: of the cell
    alone, never of the whole module the reader compiled."""
    asked: List[str] = []
    real = syntax._newer_python_accepts

    def newer(text: str, error: BaseException) -> Any:
        asked.append(text)
        return real(text, error)

    monkeypatch.setattr(syntax, "_newer_python_accepts", newer)
    book = nb.load(dumps(notebook(SETUP, ENV, "def broken(:\n", MODEL, DEPLOY)))
    parts = nb.programs(book)
    assert asked == ["def broken(:\n"]
    assert [cell.cell for cell in parts.main.cells] == [1, 2, 4, 5]
