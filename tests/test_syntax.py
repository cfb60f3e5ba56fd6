"""SM001 "which Python": code some supported Python accepts is not a syntax error, and
`target-version` narrows that to one Python. Other Pythons are simulated: `judge` takes the
version of the compiler it runs on, and a tree from a newer Python is written by hand."""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import lint
from sagelint.config import SettingsError, load_config
from sagelint.engine import Engine
from sagelint.analysis.syntax import TARGET_VERSIONS, _reuses_its_quote, first_newer_construct, judge
from test_cli import sagelint
from test_fixtures import engine_for_fixture, fixture_files

PEP_701 = 'x = f"{d["k"]}"\n'  # Python 3.12
MATCH = "match x:\n    case 1:\n        pass\n"  # Python 3.10
RUNNING = sys.version_info[:2]


def test_code_only_a_newer_python_accepts_is_not_a_syntax_error() -> None:
    if RUNNING >= (3, 12):
        pytest.skip("this Python reads PEP 701 f-strings itself")
    assert judge(PEP_701).rejection is None
    assert judge(PEP_701, target=(3, 12)).rejection is None
    # A target no newer than this Python: CPython's verdict stands.
    rejection = judge(PEP_701, target=RUNNING).rejection
    assert rejection is not None and rejection[0] == 1


def test_code_only_a_newer_python_accepts_is_parsed_by_libcst_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if RUNNING >= (3, 12):
        pytest.skip("this Python reads PEP 701 f-strings itself")
    import libcst

    from sagelint.config import Settings
    from sagelint.engine import Engine

    source = (
        "from sagemaker.pytorch import PyTorchModel\n"
        + PEP_701
        + 'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",'
        ' py_version="py310", entry_point="i.py", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300})\n'
    )
    parses = []
    real = libcst.parse_module
    monkeypatch.setattr(libcst, "parse_module", lambda text: parses.append(text) or real(text))
    result = Engine(Settings.build()).check("newer.py", source.encode())
    assert [d.code for d in result.diagnostics] == ["SM103"]  # checked, not SM001
    assert parses == [source]


def test_code_no_python_accepts_is_a_syntax_error_whatever_the_target() -> None:
    for target in (None, (3, 9), (3, 14)):
        assert judge("def broken(:\n    pass\n", target=target).rejection == (1, 12, "invalid syntax")


@pytest.mark.parametrize("running", [(3, 11), (3, 13), (3, 14)])
def test_a_target_older_than_the_running_python_reports_newer_constructs(running: tuple) -> None:
    rejection = judge(MATCH, target=(3, 9), running=running).rejection
    assert rejection == (1, 1, "a `match` statement needs Python 3.10 (target-version is py39)")
    assert judge(MATCH, target=(3, 10), running=running).rejection is None
    assert judge(MATCH, running=running).rejection is None


def test_on_a_newer_python_a_pep_701_f_string_is_newer_than_py311() -> None:
    # The tree Python 3.12 gives for PEP_701, written by hand (this Python may not read it).
    fstring = ast.JoinedStr(values=[], lineno=1, col_offset=4, end_lineno=1, end_col_offset=15)
    tree = ast.Module(
        body=[ast.Assign(targets=[ast.Name("x")], value=fstring, lineno=1, col_offset=0)],
        type_ignores=[],
    )
    found = first_newer_construct(tree, PEP_701, (3, 11))
    assert found is not None and found[:2] == (1, 5) and "needs Python 3.12" in found[2]
    assert first_newer_construct(tree, PEP_701, (3, 12)) is None


@pytest.mark.parametrize(
    "line,newer",
    [
        ('f"{d["k"]}"', True),
        ("f'{d['k']}'", True),
        ('f"{d[\'k\']}"', False),
        ('f"a" "b{1}"', False),  # an implicit concatenation, not one f-string
        ('f"{{"', False),
        ('f"""{d["k"]}"""', False),
        ('rf"{x}\\"', False),
    ],
)
def test_which_f_strings_reuse_their_quote(line: str, newer: bool) -> None:
    node = ast.JoinedStr(values=[], lineno=1, col_offset=0, end_lineno=1, end_col_offset=len(line))
    assert _reuses_its_quote(node, [line]) is newer


def test_a_file_with_newer_syntax_is_still_checked() -> None:
    if RUNNING >= (3, 12):
        pytest.skip("this Python reads PEP 701 f-strings itself")
    source = (
        "import sagemaker\n"
        'name = f"{cfg["n"]}"\n'
        'sagemaker.Model(image_uri="i", env={"K": 300})\n'
    )
    assert [d.code for d in lint(source).diagnostics] == ["SM103"]
    assert [d.code for d in lint(source, target_version="py311").diagnostics] == ["SM001"]


@pytest.mark.parametrize("target", [TARGET_VERSIONS[0], TARGET_VERSIONS[-1]])
def test_the_fixture_suite_under_the_oldest_and_newest_target(target: str) -> None:
    """Every fixture is judged as without a target, except a fixture with syntax newer than
    the target: that is one SM001."""
    for path in fixture_files():
        if path.stem in ("newer_syntax", "target_version"):
            continue
        default = engine_for_fixture(path)
        targeted = Engine(replace(default.settings, target_version=target))
        data = path.read_bytes()
        got = targeted.check(str(path), data).diagnostics
        text = data.decode("utf-8")
        tree = judge(text).tree if path.suffix == ".py" else None
        newer = tree is not None and first_newer_construct(tree, text, (3, int(target[3:])))
        if newer:
            assert [d.code for d in got] == ["SM001"], path
        else:
            assert got == default.check(str(path), data).diagnostics, path


def test_target_version_setting_and_option(tmp_path: Path) -> None:
    config = tmp_path / "sagelint.toml"
    config.write_text('target-version = "py27"\n')
    with pytest.raises(SettingsError, match="target-version.*py39"):
        load_config(config)
    script = tmp_path / "s.py"
    script.write_text("import sagemaker\n" + MATCH)
    result = sagelint("check", "--isolated", "--no-cache", "--target-version", "py39", str(script), cwd=tmp_path)
    assert result.returncode == 1
    assert "s.py:2:1: SM001" in result.stdout and "needs Python 3.10" in result.stdout
    assert sagelint("check", "--isolated", "--no-cache", str(script), cwd=tmp_path).returncode == 0
    bad = sagelint("check", "--isolated", "--target-version", "py2", str(script), cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
