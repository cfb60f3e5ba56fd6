"""Jupyter notebooks: masking IPython syntax, positions, writing fixes back in the notebook's
own layout, bad notebooks, and the command line on .ipynb files.

The stored notebooks in fixtures/notebooks/ and fixtures/examples/ (checked by test_fixtures) cover a cross-cell
env, a model deployed in a later `%%time` cell, `%%writefile` and `%%bash` cells, an R kernel,
a cell that does not parse and a minified notebook; here the tests build their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES, engine_for
from sagelint.notebook import cell_magics, mask_cell
from test_cli import no_traceback, sagelint

NOTEBOOKS = FIXTURES / "notebooks"

SETUP = "import sagemaker\nfrom sagemaker.pytorch import PyTorchModel\n"
MODEL = (
    'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",\n'
    '                     py_version="py310", env=env)\n'
)
ENV = 'env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300}\n'
DEPLOY = 'predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")\n'


def notebook(*sources: str, language: str = "python", as_string: bool = False) -> Dict[str, Any]:
    cells: List[Dict[str, Any]] = []
    for number, source in enumerate(sources, 1):
        cells.append({
            "cell_type": "markdown" if source.startswith("# ") else "code",
            "execution_count": number,
            "metadata": {"tags": [f"cell{number}"]},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
            "source": source if as_string else source.splitlines(keepends=True),
        })
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for key in ("execution_count", "outputs"):
                del cell[key]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "k", "language": language, "name": "k"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(document: Dict[str, Any], **options: Any) -> bytes:
    return (json.dumps(document, **{"indent": 1, "ensure_ascii": False, **options}) + "\n").encode()


def check(data: bytes, fix: bool = False, path: str = "nb.ipynb"):  # type: ignore[no-untyped-def]
    return engine_for().check(path, data, fix=fix)


def places(result: Any) -> List[str]:
    return [f"{d.place} {d.code}" for d in result.diagnostics]


# -- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "%pip install sagemaker",
        "!aws s3 ls",
        "?PyTorchModel",
        "PyTorchModel??",
        "model.deploy?",
        "files = !ls",
        "result = %timeit -o f()",
        "a, b = !echo 1 2",
        "!",
    ],
)
def test_ipython_lines_are_masked_to_the_same_length(line: str) -> None:
    masked = mask_cell(1, line + "\nx = 1\n")
    first, second = masked.text.splitlines()
    assert len(first) == len(line) and first != line
    assert second == "x = 1"
    compile(masked.text, "<cell>", "exec")


def test_escapes_in_blocks_and_continuations_keep_the_cell_valid() -> None:
    source = (
        "for name in files:\n"
        "    !echo $name\n"
        "%pip install \\\n"
        "    sagemaker boto3\n"
        "if True:\n"
        "    x = (a\n"
        "% b)\n"
        '    s = """\n'
        "!not an escape inside a string\n"
        '"""\n'
    )
    masked = mask_cell(1, source)
    lines = masked.text.splitlines()
    assert lines[1] == "    _#cho $name"
    assert lines[3] == "    #agemaker boto3"
    assert lines[6] == "% b)"  # a modulo continuing a bracket is Python
    assert lines[8] == "!not an escape inside a string"
    compile(masked.text, "<cell>", "exec")
    assert masked.restore(masked.text) == source


@given(st.lists(st.sampled_from([
    "x = 1", "%time f()", "!ls", "  !ls", "obj?", "y = (", ")", "z = !cat f", "# c", "",
    '"""', "def f():", "    return 1", "%pip install \\", "  more", "a = [1,", "% 2]",
])))
def test_masking_keeps_every_row_and_its_length(lines: List[str]) -> None:
    source = "\n".join(lines)
    masked = mask_cell(1, source)
    assert [len(line) for line in masked.text.splitlines()] == [
        len(line) for line in (source if source.endswith("\n") else source + "\n").splitlines()
    ]
    assert masked.restore(masked.text) == source


# -- positions -------------------------------------------------------------------------------


def test_names_bound_in_earlier_cells_resolve_and_positions_are_per_cell() -> None:
    data = dumps(notebook(SETUP, "# Deploy", "!nvidia-smi\n" + ENV, MODEL, "%%time\n" + DEPLOY))
    result = check(data)
    assert places(result) == [
        "cell 3:2:42 SM103",
        "cell 5:2:13 SM201",
        "cell 5:2:13 SM202",
    ]
    assert "(used by PyTorchModel(...) at cell 4, line 1)" in result.diagnostics[0].message
    assert result.cells is not None and result.cells[3].startswith("!nvidia-smi")


def test_other_cell_magics_are_not_python_and_non_python_kernels_are_skipped() -> None:
    bash = "%%bash\nsagemaker deploy --now\n" + DEPLOY
    assert places(check(dumps(notebook(SETUP, ENV + MODEL, bash)))) == ["cell 2:1:42 SM103"]
    assert check(dumps(notebook(SETUP, ENV + MODEL, DEPLOY, language="R"))).diagnostics == ()


def test_writefile_cell_is_its_own_module() -> None:
    script = "%%writefile inference.py\n" + SETUP + ENV + MODEL
    # The notebook's `env` is not the script's: the script's own env is what is reported.
    result = check(dumps(notebook(SETUP, 'env = {"X": "1"}', script)))
    assert places(result) == ["cell 3:4:42 SM103"]


def test_a_cell_that_does_not_parse_is_reported_and_the_others_are_checked() -> None:
    result = check(dumps(notebook(SETUP, "def broken(:\n", ENV + MODEL)))
    assert places(result) == ["cell 2:1:12 SM001", "cell 3:1:42 SM103"]


def test_noqa_inside_a_cell() -> None:
    result = check(dumps(notebook(SETUP, ENV.rstrip("\n") + "  # noqa: SM103\n" + MODEL)))
    assert result.diagnostics == ()


def test_top_level_await_is_valid_in_a_notebook() -> None:
    result = check(dumps(notebook(SETUP, "await asyncio.sleep(1)\n" + ENV + MODEL)))
    assert places(result) == ["cell 2:2:42 SM103"]


# -- writing back ----------------------------------------------------------------------------


def _fixed(data: bytes) -> bytes:
    result = check(data, fix=True)
    assert result.error is None
    assert result.fixed_bytes is not None
    again = check(result.fixed_bytes, fix=True)
    assert again.fixed_bytes is None, "a second --fix changed the notebook"
    return result.fixed_bytes


def test_fixes_in_two_cells_change_only_those_sources() -> None:
    document = notebook(SETUP, ENV, MODEL, DEPLOY)
    fixed = json.loads(_fixed(dumps(document)))
    changed = [n for n, (a, b) in enumerate(zip(document["cells"], fixed["cells"]), 1) if a != b]
    assert changed == [2, 4]
    assert fixed["cells"][1]["source"] == ['env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}\n']
    for before, after in zip(document["cells"], fixed["cells"]):
        assert list(before) == list(after)  # key order
        assert before["outputs"] == after["outputs"] and before["metadata"] == after["metadata"]
    assert fixed["metadata"] == document["metadata"]


@pytest.mark.parametrize(
    "options",
    [
        {"indent": 1},
        {"indent": 4},
        {"indent": None, "separators": (",", ":")},
        {"indent": 2, "ensure_ascii": True},
    ],
    ids=["nbformat", "indent-4", "minified", "ascii-escaped"],
)
def test_fixed_notebook_keeps_its_layout(options: Dict[str, Any]) -> None:
    document = notebook(SETUP, "# Café ☕", ENV + "print('naïve')\n", MODEL)
    fixed_document = json.loads(_fixed(dumps(document, **options)))
    fixed_document["cells"][2]["source"] = document["cells"][2]["source"]
    # Apart from the fixed source, the text is what the same writer makes of the same data.
    assert dumps(fixed_document, **options) == dumps(document, **options)
    text = _fixed(dumps(document, **options)).decode()
    expected = dumps(document, **options).decode().replace(
        '"SAGEMAKER_MODEL_SERVER_TIMEOUT\\": 300', '"SAGEMAKER_MODEL_SERVER_TIMEOUT\\": \\"300\\"'
    )
    assert text == expected


def test_crlf_bom_and_string_sources_are_kept() -> None:
    document = notebook(SETUP, ENV + MODEL, as_string=True)
    data = b"\xef\xbb\xbf" + dumps(document).replace(b"\n", b"\r\n")
    fixed = _fixed(data)
    assert fixed.startswith(b"\xef\xbb\xbf") and fixed.count(b"\r\n") == data.count(b"\r\n")
    assert b"\n" not in fixed.replace(b"\r\n", b"")
    source = json.loads(fixed.decode("utf-8-sig"))["cells"][1]["source"]
    assert isinstance(source, str) and '"300"' in source


def test_a_notebook_with_nothing_to_fix_is_left_byte_identical(tmp_path: Path) -> None:
    for name in ("examples/deploy_notebook.fixed.ipynb", "notebooks/r_kernel.ipynb"):
        target = tmp_path / Path(name).name
        target.write_bytes((FIXTURES / name).read_bytes())
        result = sagelint("check", "--isolated", "--fix", target.name, cwd=tmp_path)
        no_traceback(result)
        assert target.read_bytes() == (FIXTURES / name).read_bytes()


def test_masked_lines_a_fix_would_touch_leave_the_cell_unfixed() -> None:
    from sagelint.notebook import Program

    cell = mask_cell(1, "!ls\nx = 1\n")
    assert cell.restore("x = 1\n") is None
    assert Program([cell]).split("!ls\nx = 1\n") is None  # the boundary is gone


# -- bad notebooks and the command line ------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"cells": [sagemaker', "not a notebook: invalid JSON at line 1 column 12"),
        (b'["sagemaker"]', "not a notebook: JSON without a `cells` list"),
        (b'{"cells": [{"cell_type": "code", "source": 3}], "sagemaker": 1}',
         "not a notebook: cell 1 has no text `source`"),
        (b"\xff\xfe sagemaker", "not a notebook: not UTF-8"),
    ],
)
def test_a_bad_notebook_is_one_clear_error(content: bytes, message: str) -> None:
    result = check(content)
    assert result.error is not None and message in result.error.message
    assert "\n" not in result.error.message


def test_cli_walks_notebooks_reports_cells_and_goes_on_after_a_bad_one(tmp_path: Path) -> None:
    (tmp_path / "a_bad.ipynb").write_text('{"cells": [sagemaker')
    (tmp_path / "deploy.ipynb").write_bytes(dumps(notebook(SETUP, ENV + MODEL, DEPLOY)))
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "other.ipynb").write_bytes(dumps(notebook(SETUP, ENV + MODEL)))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sagelint]\nextend-exclude = ["skip/"]\nper-file-ignores = {"*.ipynb" = ["SM202"]}\n'
    )
    result = sagelint("check", "--output-format", "concise", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert "error: a_bad.ipynb: not a notebook: invalid JSON" in result.stderr
    assert result.stdout.splitlines()[:2] == [
        "deploy.ipynb:cell 2:1:42: SM103 [*] env value of `SAGEMAKER_MODEL_SERVER_TIMEOUT` is "
        "int `300`: the API accepts only strings (used by PyTorchModel(...) at cell 2, line 2)",
        "deploy.ipynb:cell 3:1:13: SM201 [*] `model.deploy(...)` does not set "
        "`container_startup_health_check_timeout`: the container's first health check may give "
        "up before the model has loaded; set it to at least 600 s",
    ]
    assert "SM202" not in result.stdout and "other.ipynb" not in result.stdout


def test_cli_formats_point_into_the_notebook_file(tmp_path: Path) -> None:
    (tmp_path / "deploy.ipynb").write_bytes(dumps(notebook(SETUP, ENV + MODEL)))
    file_line = '    "env = {\\"SAGEMAKER_MODEL_SERVER_TIMEOUT\\": 300}\\n",'
    file_row = dumps(notebook(SETUP, ENV + MODEL)).decode().splitlines().index(file_line) + 1
    # Columns count the file's characters: the escaped quotes before `300` take two each.
    file_column = file_line.index("300") + 1
    items = json.loads(sagelint("check", "--output-format", "json", cwd=tmp_path).stdout)
    assert [(i["cell"], i["location"], i["noqa_row"]) for i in items] == [
        (2, {"row": 1, "column": 42}, 1)
    ]
    sarif = json.loads(sagelint("check", "--output-format", "sarif", cwd=tmp_path).stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "deploy.ipynb"
    assert location["region"] == {
        "startLine": file_row, "endLine": file_row,
        "startColumn": file_column, "endColumn": file_column + 3,
    }
    github = sagelint("check", "--output-format", "github", cwd=tmp_path).stdout
    assert (
        f"file=deploy.ipynb,line={file_row},col={file_column},endLine={file_row},"
        f"endColumn={file_column + 3}::SM103 "
    ) in github
    assert "[cell 2, line 1]" in github
    full = sagelint("check", cwd=tmp_path).stdout
    assert 'deploy.ipynb:cell 2:1:42: SM103' in full
    assert '1 | env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300}' in full


def test_cli_diff_shows_cells_and_stdin_fix_prints_the_notebook(tmp_path: Path) -> None:
    data = dumps(notebook(SETUP, ENV + MODEL))
    (tmp_path / "deploy.ipynb").write_bytes(data)
    diff = sagelint("check", "--diff", "deploy.ipynb", cwd=tmp_path)
    assert diff.returncode == 1
    assert "--- deploy.ipynb:cell 2\n+++ deploy.ipynb:cell 2\n" in diff.stdout
    assert '+env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}' in diff.stdout
    assert (tmp_path / "deploy.ipynb").read_bytes() == data
    piped = sagelint(
        "check", "--fix", "--stdin-filename", "deploy.ipynb", "-", cwd=tmp_path,
        stdin=data.decode(),
    )
    fixed: Optional[Dict[str, Any]] = json.loads(piped.stdout)
    assert fixed is not None and '"300"' in "".join(fixed["cells"][1]["source"])


CELLS = [
    SETUP, ENV, MODEL, DEPLOY, "%%time\n" + DEPLOY, "# Notes", "%pip install sagemaker\n",
    "!ls\n" + ENV, "%%bash\necho sagemaker\n", "model?\n", "def broken(:\n",
    "%%writefile serve.py\n" + SETUP + ENV + MODEL, "x = 1", "",
]
LAYOUTS = [{"indent": 1}, {"indent": None, "separators": (",", ":")}, {"ensure_ascii": True}]


@given(
    st.lists(st.sampled_from(CELLS), min_size=1, max_size=8),
    st.sampled_from(LAYOUTS),
    st.booleans(),
)
def test_fixing_any_notebook_keeps_it_a_notebook(
    sources: List[str], layout: Dict[str, Any], as_string: bool
) -> None:
    document = notebook(*sources, as_string=as_string)
    data = dumps(document, **layout)
    result = check(data, fix=True)
    assert result.error is None
    if result.fixed_bytes is None:
        return
    fixed = json.loads(result.fixed_bytes)
    assert len(fixed["cells"]) == len(document["cells"])
    for before, after in zip(document["cells"], fixed["cells"]):
        assert {k: v for k, v in before.items() if k != "source"} == {
            k: v for k, v in after.items() if k != "source"
        }
        assert isinstance(after["source"], type(before["source"]))
    assert check(result.fixed_bytes, fix=True).fixed_bytes is None


def test_a_model_built_in_a_later_cell_is_not_the_one_deployed() -> None:
    """RULES.md: `.deploy()` is checked when its receiver was built in the same scope or an
    earlier cell; a notebook's cells run top to bottom, so a later cell's model is another."""
    result = check(dumps(notebook(SETUP, "%%time\n" + DEPLOY, ENV + MODEL)))
    assert places(result) == ["cell 3:1:42 SM103"]
    script = engine_for().check("x.py", (SETUP + DEPLOY + ENV + MODEL).encode())
    assert [d.code for d in script.diagnostics] == ["SM103"]


# -- cells as IPython reads them -----------------------------------------------------------------


@pytest.mark.parametrize(
    "source,names",
    [
        ("%%time\n%%bash\nls\n", ["time", "bash"]),
        ("\n\n  %%bash\nls\n", ["bash"]),
        ("%% name\nnot python\n", [""]),
        ("%%\n", [""]),
        ("%%capture\n%%timeit\nx = 1\n", ["capture", "timeit"]),
        ("%%bash\n%%time\n", ["bash"]),  # a bash cell's body is bash
        ("x = 1\n%%bash\n", []),
    ],
)
def test_cell_magics_as_ipython_reads_them(source: str, names: List[str]) -> None:
    assert cell_magics(source) == names


@pytest.mark.parametrize(
    "source,masked",
    [
        ("pip install sagemaker --upgrade\n", True),
        ("rm -rf code/x\n", True),
        ("ls -la\n", True),  # the whole cell: IPython runs the alias
        ("x = 1\nls -la\n", False),  # also Python, and not alone: IPython runs it as Python
        ("x = 1\nconda install -y numpy\n", True),
        ("pip = 3\n", False),
        ("env\n", False),
        ("cd(path)\n", False),
        ("matplotlib.use('Agg')\n", False),
        ("deploy model now\n", False),  # not a magic: a syntax error IPython reports too
    ],
)
def test_automagic_lines_are_masked_only_when_ipython_runs_them(source: str, masked: bool) -> None:
    cell = mask_cell(1, source)
    assert bool(cell.masked) is masked
    assert [len(line) for line in cell.text.splitlines()] == [
        len(line) for line in source.splitlines()
    ]


def test_an_indented_cell_is_checked_and_reported_at_its_own_columns() -> None:
    indented = "".join(" " + line for line in (SETUP + ENV + MODEL).splitlines(keepends=True))
    result = check(dumps(notebook(indented)))
    assert places(result) == ["cell 1:3:43 SM103"]  # one column right of the unindented 42
    fixed = check(dumps(notebook(indented)), fix=True)
    assert fixed.fixed_bytes is not None
    cell = json.loads(fixed.fixed_bytes)["cells"][0]["source"]
    assert cell[2] == ' env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}\n'


def test_a_cell_that_still_does_not_parse_says_it_is_a_notebook_cell() -> None:
    result = check(dumps(notebook(SETUP, "#at the margin\n    y = 2\n", ENV + MODEL)))
    assert places(result) == ["cell 2:2:4 SM001", "cell 3:1:42 SM103"]
    assert result.diagnostics[0].message == "cannot parse this notebook cell: unexpected indent"


# -- fix edits in JSON, each in its own cell -------------------------------------------------


def _cell_sources(document: Dict[str, Any]) -> List[str]:
    return [
        source if isinstance(source, str) else "".join(source)
        for source in (cell.get("source", "") for cell in document["cells"])
    ]


def _offset(text: str, row: int, column: int) -> int:
    """The offset of a 1-based (row, column) in a cell's text; the row after the last line
    is the end of the text."""
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: row - 1]) + column - 1


def _apply_json_edits(sources: List[str], items: List[Dict[str, Any]]) -> List[str]:
    """What a tool reading only the JSON output makes of the safe fixes: each edit applied to
    the cell it names, at its row and column in that cell."""
    edits: Dict[int, List[Dict[str, Any]]] = {}
    for item in items:
        fix = item["fix"]
        if fix is not None and fix["applicability"] == "safe":
            for edit in fix["edits"]:
                edits.setdefault(edit["cell"], []).append(edit)
    out = list(sources)
    for cell, in_cell in edits.items():
        text = out[cell - 1]
        spans = [
            (
                _offset(text, e["location"]["row"], e["location"]["column"]),
                _offset(text, e["end_location"]["row"], e["end_location"]["column"]),
                e["content"],
            )
            for e in in_cell
        ]
        for start, end, content in sorted(spans, reverse=True):
            text = text[:start] + content + text[end:]
        out[cell - 1] = text
    return out


def test_json_fix_edits_name_their_own_cell_and_applying_them_is_what_fix_does(
    tmp_path: Path,
) -> None:
    """A fix whose edit is in an earlier cell (the env dict) than its diagnostic (the model)
    says so in JSON: applying the edits by their own cells gives `--fix`'s cells exactly."""
    fixture = NOTEBOOKS / "env_in_earlier_cells.ipynb"
    target = tmp_path / fixture.name
    target.write_bytes(fixture.read_bytes())
    outputs = []
    for _ in range(2):  # the second run is served from the cache: the cells must survive it
        reported = sagelint(
            "check", "--isolated", "--exit-zero", "--output-format", "json", target.name,
            cwd=tmp_path,
        )
        no_traceback(reported)
        outputs.append(reported.stdout)
    assert outputs[0] == outputs[1]
    items = json.loads(outputs[0])
    moved = [
        (item["cell"], edit["cell"])
        for item in items for edit in item["fix"]["edits"] if edit["cell"] != item["cell"]
    ]
    assert sorted(set(moved)) == [(6, 3), (7, 4)]  # (a wrapping fix has several edits)
    document = json.loads(fixture.read_bytes())
    applied = _apply_json_edits(_cell_sources(document), items)
    fixed = sagelint("check", "--isolated", "--fix", "--exit-zero", target.name, cwd=tmp_path)
    no_traceback(fixed)
    assert "2 fixed" in fixed.stdout + fixed.stderr
    assert applied == _cell_sources(json.loads(target.read_bytes()))
    assert applied != _cell_sources(document)


def test_json_fix_edits_in_a_script_have_no_cell(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(SETUP + ENV + MODEL)
    reported = sagelint(
        "check", "--isolated", "--output-format", "json", "deploy.py", cwd=tmp_path
    )
    edits = [edit for item in json.loads(reported.stdout) if item["fix"]
             for edit in item["fix"]["edits"]]
    assert edits and all(edit["cell"] is None for edit in edits)


def test_the_html_report_shows_no_diff_of_an_edit_in_another_cell(tmp_path: Path) -> None:
    """The report has the diagnostic's cell at hand, not the dict's: it must not show the
    dict's edit made on the model's lines (`role=role,,`), only the fix's title."""
    fixture = NOTEBOOKS / "env_in_earlier_cells.ipynb"
    (tmp_path / fixture.name).write_bytes(fixture.read_bytes())
    report = sagelint(
        "check", "--isolated", "--exit-zero", "--output-format", "html", fixture.name,
        cwd=tmp_path,
    )
    no_traceback(report)
    assert "to the env" in report.stdout
    assert '<pre class="df">' not in report.stdout
