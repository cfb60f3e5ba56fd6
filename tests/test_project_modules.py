"""Values and objects from other modules of the project (sagelint.analysis.modules), checked
as a run checks a folder: a diagnostic about a literal of an imported module is reported in
that module, once, naming every use; one about code inside an imported function is reported
there, naming the call. The fixture folder marks what the run reports in each file with
`# expect-run:` (what only a run over the project finds: the file's own check, which
`tests/test_fixtures.py` compares with `# expect:`, does not report it there) and `# expect:`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT
from sagelint.analysis import modules
from sagelint.config import resolve_settings
from sagelint.runner import RunOptions, run

PROJECT = FIXTURES / "projects" / "modules"
GOLDEN = Path(__file__).parent / "golden" / "project_modules.json"
MARKER = re.compile(r"#\s*expect(?:-run)?:\s*(SM\d{3}(?:\s*,\s*SM\d{3})*)")


def _markers(folder: Path) -> Counter[Tuple[str, int, str]]:
    found: Counter[Tuple[str, int, str]] = Counter()
    for path in sorted(folder.rglob("*.py")):
        if path.stem.endswith((".fixed", ".unsafe-fixed")):
            continue  # snapshots of fixes: what they report is none of this test's business
        name = path.relative_to(folder).as_posix()
        for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = MARKER.search(line)
            if match:
                for code in match.group(1).split(","):
                    found[(name, row, code.strip())] += 1
    return found


def _sources(folder: Path) -> List[str]:
    """The project's files, without the fixture snapshots of fixes (they call the same
    helpers: which file a merged message names first would depend on them)."""
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*.py")
        if not path.stem.endswith((".fixed", ".unsafe-fixed"))
    )


def _cli(folder: Path, *extra: str, files: Optional[List[str]] = None) -> List[Dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--output-format", "json", *extra,
         *(files if files is not None else _sources(folder))],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    out: List[Dict[str, Any]] = json.loads(done.stdout)
    return out


def _found(diagnostics: List[Dict[str, Any]]) -> Counter[Tuple[str, int, str]]:
    return Counter(
        (Path(str(d["filename"])).as_posix(), int(d["location"]["row"]), str(d["code"]))
        for d in diagnostics
        if not Path(str(d["filename"])).stem.endswith((".fixed", ".unsafe-fixed"))
    )


def test_the_project_reports_each_diagnostic_in_the_file_that_holds_it() -> None:
    diagnostics = _cli(PROJECT, "--no-cache")
    assert _found(diagnostics) == _markers(PROJECT)
    messages = {(str(d["filename"]), str(d["code"])): str(d["message"]) for d in diagnostics}
    # Every use of a literal is named, with the file it is in.
    assert messages[("config.py", "SM103")].count("PyTorchModel(...) at") >= 1
    assert "at deploy.py:" in messages[("config.py", "SM203")]
    assert "at ../deploy.py:" in messages[("settings/limits.py", "SM104")]
    assert "(through `deploy_endpoint(...)` at deploy.py:" in messages[("deploy_utils.py", "SM201")]
    # No fix reaches into another module (nor adds a key to its dict from here).
    # A literal of the script passed to a function of another module is the script's own:
    # reported and fixed there, naming the call in that module that uses it.
    fixed = {(str(d["filename"]), str(d["code"])) for d in diagnostics if d["fix"] is not None}
    assert fixed == {
        (name, code) for name in ("deploy.py", "serve.py") for code in ("SM201", "SM202")
    } | {("pass_literal.py", "SM103"), ("pass_literal.py", "SM104")}
    assert "(used by PyTorchModel(...) at builders.py:7)" in messages[("pass_literal.py", "SM103")]


def test_the_project_output_matches_its_snapshot() -> None:
    text = json.dumps(_cli(PROJECT, "--no-cache"), indent=2, sort_keys=True) + "\n"
    if os.environ.get("SAGELINT_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), f"no snapshot {GOLDEN}: run with SAGELINT_UPDATE_GOLDEN=1"
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_a_module_the_run_did_not_check_gets_a_result() -> None:
    """Only deploy.py is checked: what it finds in config.py is reported in config.py."""
    found = _found(_cli(PROJECT, "--no-cache", files=["deploy.py"]))
    assert ("config.py", 3, "SM103") in found
    assert ("deploy_utils.py", 5, "SM201") in found


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(PROJECT, folder)
    (folder / ".git").mkdir()  # the project's root
    return folder


def test_noqa_of_the_holding_file_applies_and_a_cached_result_goes_stale(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    first = _found(_cli(folder, *cache))
    assert ("config.py", 3, "SM103") in first
    assert _found(_cli(folder, *cache)) == first  # from the cache: the same
    config = folder / "config.py"
    config.write_text(
        config.read_text(encoding="utf-8").replace("# expect-run: SM103", "# noqa: SM103", 1),
        encoding="utf-8",
    )
    # deploy.py did not change, but a module it read did: its cached result is stale.
    assert ("config.py", 3, "SM103") not in _found(_cli(folder, *cache))


def test_a_module_that_does_not_parse_is_unknown(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "config.py").write_text("SERVER_ENV = {\n", encoding="utf-8")
    found = _found(_cli(folder, "--no-cache"))
    assert not any(name == "config.py" for name, _, _ in found)
    assert ("deploy.py", _row(folder / "deploy.py", "env=WORKERS_ENV"), "SM102") not in found


def _row(path: Path, text: str) -> int:
    for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return row
    raise AssertionError(text)


# -- property: unrelated modules and statements change nothing ---------------------------------
_NOISE = st.sampled_from(
    [
        "UNRELATED_NUMBER = 7",
        "UNRELATED_TEXT = 'ml.c5.xlarge'",
        "UNRELATED_ENV = {'SAGEMAKER_MODEL_SERVER_TIMEOUT': 1}",
        "def unrelated_helper(value):\n    return {'OTHER': value}",
        "class UnrelatedSettings:\n    TIMEOUT = 5",
        "print('loading settings')",
        "if __name__ == '__main__':\n    print(UNRELATED_NUMBER if 'UNRELATED_NUMBER' in dir() else 0)",
    ]
)


def _run(folder: Path) -> Counter[Tuple[str, str, str, str]]:
    """What a run reports: file, code, the reported text and the message without rows."""
    paths = sorted(str(path) for path in folder.rglob("*.py"))
    result = run(paths, resolve_settings(None), RunOptions(jobs=1, time_limit=None))
    out: Counter[Tuple[str, str, str, str]] = Counter()
    for file in result.files:
        lines = Path(file.path).read_text(encoding="utf-8").splitlines()
        for d in file.diagnostics:
            text = lines[d.location.row - 1][d.location.column - 1 : d.location.column + 20]
            message = re.sub(r":\d+|line \d+", "", d.message)
            out[(Path(file.path).relative_to(folder).as_posix(), d.code, text, message)] += 1
    return out


def _insert(path: Path, statements: List[str], at: List[int]) -> None:
    """Statements put between the top-level statements of a module (never inside one)."""
    import ast

    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    starts = [node.lineno - 1 for node in ast.parse(text).body if node.lineno > 1]
    for statement, where in sorted(zip(statements, at), key=lambda p: -p[1]):
        row = sorted(starts)[where % len(starts)] if starts else len(lines)
        lines.insert(row, statement + "\n\n")
    path.write_text("".join(lines), encoding="utf-8")


@settings(max_examples=8, deadline=None)
@given(
    noise=st.lists(_NOISE, min_size=1, max_size=3),
    at=st.lists(st.integers(0, 20), min_size=3, max_size=3),
    modules_added=st.integers(0, 2),
    target=st.sampled_from(["config.py", "models.py", "settings/limits.py", "deploy_utils.py"]),
)
def test_unrelated_modules_and_statements_change_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    noise: List[str], at: List[int], modules_added: int, target: str,
) -> None:
    base = _copy(tmp_path_factory.mktemp("base"))
    expected = _run(base)
    changed = _copy(tmp_path_factory.mktemp("changed"))
    _insert(changed / target, noise, at)
    for number in range(modules_added):
        (changed / f"unrelated_{number}.py").write_text(
            "import config\n\nUNUSED = config.SERVER_ENV\n" + "\n".join(noise) + "\n",
            encoding="utf-8",
        )
    modules.forget_all()
    assert _run(changed) == expected


# -- which file an import names ------------------------------------------------------------------
def _layout(root: Path) -> Path:
    """A repository: a script folder, modules at the root, a `src/` package, a package of
    the script's own with modules."""
    (root / ".git").mkdir()
    for name, text in {
        "scripts/deploy.py": "",
        "scripts/config.py": "A = 1\n",
        "scripts/local/__init__.py": "",
        "scripts/local/values.py": "B = 2\n",
        "shared.py": "C = 3\n",
        "src/pkg/__init__.py": "",
        "src/pkg/sub/__init__.py": "",
        "src/pkg/sub/deep.py": "D = 4\n",
        "src/pkg/config.py": "F = 6\n",
        "src/namespace_only/thing.py": "E = 5\n",
        "sagemaker/__init__.py": "",  # a vendored SDK: never the project's
        "json.py": "",  # shadows the standard library: not followed
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "scripts" / "deploy.py"


@pytest.mark.parametrize(
    "dotted, level, importer, expected",
    [
        ("config", 0, "scripts/deploy.py", "scripts/config.py"),  # the script's folder first
        ("local.values", 0, "scripts/deploy.py", "scripts/local/values.py"),
        ("local", 0, "scripts/deploy.py", "scripts/local/__init__.py"),  # a package
        ("shared", 0, "scripts/deploy.py", "shared.py"),  # the root
        ("pkg.sub.deep", 0, "scripts/deploy.py", "src/pkg/sub/deep.py"),  # a src/ layout
        ("values", 1, "scripts/local/__init__.py", "scripts/local/values.py"),  # from .values
        ("", 1, "scripts/local/values.py", "scripts/local/__init__.py"),  # from . import x
        ("config", 2, "src/pkg/sub/deep.py", "src/pkg/config.py"),  # from ..config
        # Past the top-level package (`scripts` is no package): Python refuses it.
        ("config", 2, "scripts/local/values.py", None),
        # Unknown: installed packages, the SDK, the standard library, missing names,
        # a folder with no __init__.py named as a package, a relative import past a file.
        ("numpy", 0, "scripts/deploy.py", None),
        ("sagemaker", 0, "scripts/deploy.py", None),
        ("json", 0, "scripts/deploy.py", None),
        ("pkg.missing", 0, "scripts/deploy.py", None),
        ("namespace_only", 0, "scripts/deploy.py", None),
        ("", 1, "scripts/deploy.py", None),
    ],
)
def test_imports_resolve_to_project_files(
    tmp_path: Path, dotted: str, level: int, importer: str, expected: Optional[str]
) -> None:
    from sagelint.analysis.modules import module_file
    from sagelint.project import ProjectFiles

    _layout(tmp_path)
    project = ProjectFiles.for_file(str(tmp_path / importer), tmp_path)
    assert project is not None
    found = module_file(dotted, level, str(tmp_path / importer), project)
    assert found == (None if expected is None else os.path.abspath(tmp_path / expected))


def test_values_of_a_src_layout_package_and_a_relative_import(tmp_path: Path) -> None:
    """`from pkg.sub.deep import X` (src/ layout) and `from .values import Y` in a package
    the script imports are followed."""
    deploy = _layout(tmp_path)
    (tmp_path / "json.py").unlink()  # the run's own `import json` would find it (cwd)
    (tmp_path / "src/pkg/sub/deep.py").write_text(
        "ENV = {'SAGEMAKER_MODEL_SERVER_TIMEOUT': 30}\n", encoding="utf-8"
    )
    (tmp_path / "scripts/local/__init__.py").write_text(
        "from .values import ENV as LOCAL_ENV\n", encoding="utf-8"
    )
    (tmp_path / "scripts/local/values.py").write_text(
        "ENV = {'SAGEMAKER_MODEL_SERVER_TIMEOUT': 300}\n", encoding="utf-8"
    )
    deploy.write_text(
        "from sagemaker.pytorch import PyTorchModel\n"
        "from pkg.sub.deep import ENV\n"
        "from local import LOCAL_ENV\n"
        "a = PyTorchModel(model_data='s3://b/a.tar.gz', role='r', env=ENV, framework_version='2.1', py_version='py310')\n"
        "b = PyTorchModel(model_data='s3://b/b.tar.gz', role='r', env=LOCAL_ENV, framework_version='2.1',"
        " py_version='py310')\n",
        encoding="utf-8",
    )
    found = _found(_cli(tmp_path, "--no-cache", files=["scripts/deploy.py"]))
    assert found == Counter({
        ("src/pkg/sub/deep.py", 1, "SM103"): 1,
        ("src/pkg/sub/deep.py", 1, "SM104"): 1,
        ("scripts/local/values.py", 1, "SM103"): 1,
    })


# -- an object the callee's own module builds (fixtures: helpers.py, batch.py) ------------------
_MAKER = "from helpers import build_model\n\n\ndef make_model(artifact):\n    return build_model(artifact)\n"


@pytest.mark.parametrize(
    "script",
    [
        # built and deployed by helpers.py, passed in one expression
        "from helpers import build_model, deploy_endpoint\n"
        "deploy_endpoint(build_model('s3://b/m.tar.gz'), 'ml.g5.xlarge')\n",
        # the same from a function of the script, on its path
        "from helpers import build_model, deploy_endpoint\n"
        "def go(artifact):\n"
        "    model = build_model(artifact)\n"
        "    deploy_endpoint(model, 'ml.g5.xlarge')\n"
        "go('s3://b/m.tar.gz')\n",
        # built by helpers.py through a second module
        "from maker import make_model\n"
        "from helpers import deploy_endpoint\n"
        "deploy_endpoint(make_model('s3://b/m.tar.gz'), 'ml.g5.xlarge')\n",
        # through the module's name
        "import helpers\n"
        "model = helpers.build_model('s3://b/m.tar.gz')\n"
        "helpers.deploy_endpoint(model, 'ml.g5.xlarge')\n",
    ],
)
def test_a_model_the_deploying_module_builds_is_known_there(tmp_path: Path, script: str) -> None:
    """A function of helpers.py given what another function of helpers.py built (the script
    only passes it along): reported in helpers.py; deployed with the timeouts, silent."""
    (tmp_path / ".git").mkdir()
    shutil.copy(PROJECT / "helpers.py", tmp_path / "helpers.py")
    (tmp_path / "maker.py").write_text(_MAKER, encoding="utf-8")
    (tmp_path / "script.py").write_text("# sagemaker\n" + script, encoding="utf-8")
    row = _row(tmp_path / "helpers.py", "# expect-run")
    found = _found(_cli(tmp_path, "--no-cache", files=["script.py"]))
    assert found == Counter({("helpers.py", row, "SM201"): 1, ("helpers.py", row, "SM202"): 1})
    timed = script.replace("deploy_endpoint", "deploy_with_timeouts")
    (tmp_path / "script.py").write_text("# sagemaker\n" + timed, encoding="utf-8")
    assert not _found(_cli(tmp_path, "--no-cache", files=["script.py"]))


def test_analysed_modules_are_bounded_and_hold_no_tree_of_the_importer() -> None:
    import gc

    import libcst as cst

    from sagelint.engine import Engine

    engine = Engine(resolve_settings(None), strict_fixes=True)
    path = PROJECT / "deploy.py"
    marker = "# the importer's own tree"
    engine.check(str(path), path.read_bytes() + f"\n{marker}\n".encode())
    assert 0 < len(modules._MEMO) <= modules.MAX_MODULES
    gc.collect()
    alive = [
        obj for obj in gc.get_objects()
        if isinstance(obj, cst.Module) and marker in obj.code
    ]
    assert alive == []


def test_an_absolute_import_of_a_module_is_looked_up_from_the_checked_script(
    tmp_path: Path,
) -> None:
    """Python looks up `from config import X` in a module the script imports where it looks
    up the script's own imports (the script's folder first), not in that module's folder."""
    from sagelint.analysis.modules import module_file
    from sagelint.project import ProjectFiles

    script = _layout(tmp_path)
    project = ProjectFiles.for_file(str(script), tmp_path)
    assert project is not None
    module = tmp_path / "src" / "pkg" / "sub" / "deep.py"
    assert module_file("config", 0, str(module), project) == str(tmp_path / "scripts" / "config.py")


def test_a_cached_result_goes_stale_when_a_module_appears_where_python_looks_first(
    tmp_path: Path,
) -> None:
    """`from config import SERVER_ENV` in scripts/deploy.py names the root's config.py until
    a scripts/config.py appears (Python looks in the script's folder first)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "config.py").write_text(
        'SERVER_ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 30}\n', encoding="utf-8"
    )
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "deploy.py").write_text(
        "from sagemaker.pytorch import PyTorchModel\n\nfrom config import SERVER_ENV\n\n"
        'PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",\n'
        '             py_version="py310", env=SERVER_ENV)\n',
        encoding="utf-8",
    )
    cache = ["--cache-dir", str(tmp_path / "cache")]
    assert ("config.py", 1, "SM104") in _found(_cli(tmp_path, *cache, files=["scripts/deploy.py"]))
    (scripts / "config.py").write_text(
        'SERVER_ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "600"}\n', encoding="utf-8"
    )
    assert _found(_cli(tmp_path, *cache, files=["scripts/deploy.py"])) == Counter()


@pytest.mark.parametrize(
    "setting",
    ['extend-exclude = ["config.py"]', 'per-file-ignores = {"config.py" = ["SM103"]}'],
)
def test_the_settings_of_the_file_that_holds_a_diagnostic_apply(tmp_path: Path, setting: str) -> None:
    folder = _copy(tmp_path)
    (folder / "pyproject.toml").write_text(f"[tool.sagelint]\n{setting}\n", encoding="utf-8")
    found = _found(_cli(folder, "--no-cache", files=["deploy.py"]))
    assert ("config.py", 3, "SM103") not in found
    assert any(name == "deploy.py" for name, _, _ in found)  # the script's own still there


def _notebook(cells: List[str]) -> str:
    return json.dumps({
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": cell}
            for cell in cells
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


def test_a_notebook_cell_that_changes_a_module_name_makes_it_unknown(tmp_path: Path) -> None:
    """`mut_config.STARTUP = 900` in a cell: the deploy reads 900, not config's 60 (issue #28);
    without that cell the low timeout is still reported in mut_config.py."""
    folder = _copy(tmp_path)
    deploy = (
        "from sagemaker.pytorch import PyTorchModel\nimport mut_config\n"
        "model = PyTorchModel(model_data='s3://b/m.tar.gz', role='arn', framework_version='2.1',"
        " py_version='py310', env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '900'})\n"
        "model.deploy(initial_instance_count=1, instance_type='ml.g5.xlarge',"
        " container_startup_health_check_timeout=mut_config.STARTUP,"
        " model_data_download_timeout=900)\n"
    )
    (folder / "changed.ipynb").write_text(_notebook(["mut_config.STARTUP = 900\n", deploy]))
    (folder / "plain.ipynb").write_text(_notebook([deploy]))
    assert _found(_cli(folder, "--no-cache", files=["changed.ipynb"])) == Counter()
    found = _found(_cli(folder, "--no-cache", files=["plain.ipynb"]))
    assert found == Counter({("mut_config.py", 4, "SM203"): 1})


def test_a_check_that_reads_more_modules_than_the_memo_keeps_places_every_diagnostic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The memo keeps one module here; deploy.py reads several: what it finds in config.py
    is still placed there (the check holds every module it read until it ends)."""
    from sagelint.analysis import modules
    from sagelint.config import Settings
    from sagelint.engine import Engine

    monkeypatch.setattr(modules, "MAX_MODULES", 1)
    modules.forget_all()
    script = PROJECT / "deploy.py"
    result = Engine(Settings.build(root=PROJECT)).check(str(script), script.read_bytes())
    modules.forget_all()
    placed = {(os.path.basename(item.path), item.diagnostic.code) for item in result.elsewhere}
    assert ("config.py", "SM103") in placed
    assert ("deploy_utils.py", "SM201") in placed
