"""SM6's admitted set: which SageMaker SDK releases a file runs with (sagelint.sdk_versions),
read from small project folders; the setting, notebook install cells, `--sdk-version`,
`--show-settings`, the cache, and the release index generator. No network."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

import libcst as cst
import pytest
from packaging.version import Version

from sagelint.cache import Cache
from sagelint.config import Settings, SettingsError
from sagelint.engine import Engine
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.sdk_versions import (
    UNKNOWN,
    Admitted,
    FileSdk,
    Finder,
    conda_spec,
    environment_items,
    poetry_spec,
    releases_of,
    setting_specifier,
)
from test_cli import sagelint

ROOT = Path(__file__).resolve().parent.parent
ALL = releases_of("sagemaker")
V3 = frozenset(v for v in ALL if v.major == 3)


def between(low: str, high: Optional[str] = None) -> FrozenSet[Version]:
    return frozenset(
        v for v in ALL if v >= Version(low) and (high is None or v < Version(high))
    )


def exactly(*versions: str) -> FrozenSet[Version]:
    return frozenset(Version(v) for v in versions)


def project(tmp_path: Path, files: Dict[str, str]) -> Path:
    """A repository (it has `.git`, where the walk stops) holding these files."""
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def admitted(folder: Path, root: Optional[Path] = None) -> Admitted:
    return Finder().for_folder(folder, root or folder).admitted


# -- requirements files ----------------------------------------------------------------------


def test_requirements_with_includes_and_constraints(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "requirements.txt": "-r base.txt\n--constraint constraints.txt\nnumpy\n",
        "base.txt": "sagemaker>=2.100\n",
        "constraints.txt": "sagemaker<3\n",
    })
    found = admitted(root)
    assert found.releases == between("2.100", "3")
    assert found.origin == "declaration"
    assert found.majors() == {2}
    assert found.source is not None and found.source[1] == 1


def test_requirements_include_cycle_stops(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "requirements.txt": "-r requirements-dev.txt\nsagemaker==2.200.0\n",
        "requirements-dev.txt": "-r requirements.txt\n",
    })
    assert admitted(root).releases == exactly("2.200.0")


def test_requirements_lines_as_pip_reads_them(tmp_path: Path) -> None:
    """Comments, options lines, a continuation, extras, markers and hashes."""
    root = project(tmp_path, {"requirements.txt": (
        "# the SDK\n"
        "--index-url https://example.com/simple\n"
        "numpy==1.26.0 --hash=sha256:00\n"
        "sagemaker[local]==2.200.0 ; python_version >= \"3.9\" \\\n"
        "    --hash=sha256:abc  # pinned\n"
        "pandas#not-a-comment-here\n"
    )})
    found = admitted(root)
    assert found.releases == exactly("2.200.0")
    assert found.source is not None and found.source[1] == 4


def test_requirements_folder_and_in_files(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "requirements/prod.txt": "sagemaker>=2.200\n",
        "requirements.in": "sagemaker<2.210\n",
    })
    assert admitted(root).releases == between("2.200", "2.210")


@pytest.mark.parametrize("line", [
    "-e git+https://github.com/aws/sagemaker-python-sdk.git#egg=sagemaker",
    "sagemaker @ https://example.com/sagemaker-2.200.0-py3-none-any.whl",
    "git+https://github.com/aws/sagemaker-python-sdk.git@v2.200.0#egg=sagemaker",
    "./dist/sagemaker-2.200.0-py3-none-any.whl",
])
def test_editable_url_or_vcs_sagemaker_is_unknown(tmp_path: Path, line: str) -> None:
    root = project(tmp_path, {"requirements.txt": f"numpy\n{line}\n"})
    found = admitted(root)
    assert found.releases is None and found.origin == "unknown"
    assert found.source is not None and found.source[1] == 2  # says where, for --show-settings


def test_editable_of_another_project_says_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "-e .\nsagemaker==2.257.7\n"})
    assert admitted(root).releases == exactly("2.257.7")


# -- pyproject.toml dialects -----------------------------------------------------------------


def test_pep621_dependencies_and_optional_groups_intersect(tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": (
        '[project]\nname = "x"\ndependencies = ["sagemaker>=2"]\n'
        '[project.optional-dependencies]\nold = ["sagemaker<2.200"]\n'
    )})
    found = admitted(root)
    assert found.releases == between("2", "2.200")
    assert found.source is not None and found.source[1] in (3, 5)


@pytest.mark.parametrize("text", [
    '[dependency-groups]\ndev = ["sagemaker==3.27.0", {include-group = "x"}]\n',
    '[tool.uv]\ndev-dependencies = ["sagemaker==3.27.0"]\n',
    '[tool.pdm.dev-dependencies]\ntest = ["sagemaker==3.27.0"]\n',
    '[tool.poetry.group.dev.dependencies]\nsagemaker = "3.27.0"\n',
    '[tool.poetry.dev-dependencies]\nsagemaker = "==3.27.0"\n',
])
def test_pyproject_groups(tmp_path: Path, text: str) -> None:
    root = project(tmp_path, {"pyproject.toml": text})
    assert admitted(root).releases == exactly("3.27.0")


@pytest.mark.parametrize("constraint, expected", [
    ('"^2.200"', between("2.200", "3")),
    ('{version = "~2.200", extras = ["local"]}', between("2.200", "2.201")),
    ('"2.257.*"', between("2.257", "2.258")),
    ('">=2.250 <2.252"', between("2.250", "2.252")),
    ('"*"', frozenset(ALL)),
    ('[{version = "^2.250", python = "<3.10"}, {version = "^3.0", python = ">=3.10"}]',
     between("2.250")),
])
def test_poetry_constraints(tmp_path: Path, constraint: str, expected: FrozenSet[Version]) -> None:
    root = project(tmp_path, {"pyproject.toml": (
        f'[tool.poetry.dependencies]\npython = "^3.10"\nsagemaker = {constraint}\n'
    )})
    found = admitted(root)
    assert found.releases == expected
    assert found.source is not None and found.source[1] == 3


def test_poetry_git_dependency_is_unknown(tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": (
        '[tool.poetry.dependencies]\n'
        'sagemaker = {git = "https://github.com/aws/sagemaker-python-sdk.git"}\n'
    )})
    assert admitted(root).releases is None


@pytest.mark.parametrize("text, expected", [
    ("^2.200", ">=2.200,<3"), ("~2.200", ">=2.200,<2.201"), ("^0.5", ">=0.5,<0.6"),
    ("2.*", "==2.*"), ("2.200.1", "==2.200.1"), (">=2,<3", ">=2,<3"), ("~=2.200", "~=2.200"),
])
def test_poetry_spec(text: str, expected: str) -> None:
    spec = poetry_spec(text)
    assert spec is not None and len(spec) == 1
    assert str(spec[0]) == ",".join(sorted(expected.split(",")))


# -- lock files ------------------------------------------------------------------------------


def test_poetry_lock_beats_the_manifest(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "pyproject.toml": '[tool.poetry.dependencies]\nsagemaker = "^2.200"\n',
        "poetry.lock": (
            '[[package]]\nname = "numpy"\nversion = "1.26.0"\n\n'
            '[[package]]\nname = "sagemaker"\nversion = "2.257.7"\n'
        ),
    })
    found = admitted(root)
    assert found.releases == exactly("2.257.7")
    assert found.source is not None and found.source[0].endswith("poetry.lock")
    assert found.source[1] == 6


def test_uv_lock_of_a_v3_project(tmp_path: Path) -> None:
    root = project(tmp_path, {"uv.lock": (
        'version = 1\n[[package]]\nname = "sagemaker"\nversion = "3.27.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        '[[package]]\nname = "sagemaker-core"\nversion = "2.27.0"\n'
    )})
    assert admitted(root).releases == exactly("3.27.0")


def test_pipfile_and_its_lock(tmp_path: Path) -> None:
    root = project(tmp_path, {"Pipfile": '[packages]\nsagemaker = ">=2.200,<3"\n'})
    assert admitted(root).releases == between("2.200", "3")
    (root / "Pipfile.lock").write_text(json.dumps({
        "_meta": {}, "default": {"sagemaker": {"version": "==2.230.0"}}, "develop": {},
    }))
    assert admitted(root).releases == exactly("2.230.0")


# -- setup.cfg, setup.py ---------------------------------------------------------------------


def test_setup_cfg(tmp_path: Path) -> None:
    root = project(tmp_path, {"setup.cfg": (
        "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    numpy\n"
        "    sagemaker>=2.200  # the SDK\n\n[options.extras_require]\nold = sagemaker<2.210\n"
    )})
    found = admitted(root)
    assert found.releases == between("2.200", "2.210")


@pytest.mark.parametrize("text, expected", [
    ('from setuptools import setup\nsetup(name="x", install_requires=["sagemaker>=3"])\n', V3),
    ('import setuptools\nREQS = ["sagemaker>=3"]\nsetuptools.setup(install_requires=REQS)\n', V3),
    ('from setuptools import setup\nsetup(install_requires=[], '
     'extras_require={"v2": ["sagemaker==2.200.0"]})\n', exactly("2.200.0")),
    # computed: setup.py alone says nothing
    ('from setuptools import setup\nREQS = open("r.txt").read().split()\n'
     'setup(install_requires=REQS)\n', None),
    ('from setuptools import setup\nREQS = ["sagemaker>=3"]\nREQS = REQS + ["numpy"]\n'
     'setup(install_requires=REQS)\n', None),
    ('from setuptools import setup\nsetup(install_requires=["sagemaker>=3", *EXTRA])\n', None),
])
def test_setup_py(tmp_path: Path, text: str, expected: Optional[FrozenSet[Version]]) -> None:
    root = project(tmp_path, {"setup.py": text})
    assert admitted(root).releases == expected


# -- environment.yml -------------------------------------------------------------------------


def test_environment_file_conda_and_pip(tmp_path: Path) -> None:
    root = project(tmp_path, {"environment.yml": (
        "name: train\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10  # py\n"
        "  - conda-forge::sagemaker-python-sdk=2.200\n  - pip\n"
    )})
    assert admitted(root).releases == between("2.200", "2.201")


def test_environment_file_pip_list(tmp_path: Path) -> None:
    root = project(tmp_path, {"environment.yaml": (
        "dependencies:\n- python=3.11\n- pip:\n  - 'sagemaker==3.27.0'\n  - -r extra.txt\n"
        "variables:\n  X: 1\n"
    ), "extra.txt": "sagemaker-train\n"})
    assert admitted(root).releases == exactly("3.27.0")


def test_environment_flow_lists() -> None:
    text = 'dependencies: [python=3.11, "sagemaker==2.257.7"]\n'
    assert [item for _, item, _ in environment_items(text)] == ["python=3.11", "sagemaker==2.257.7"]
    text = "dependencies:\n  - numpy\n  - pip: [\"sagemaker==3.27.0\"]\n"
    assert environment_items(text) == [(2, "numpy", False), (3, "sagemaker==3.27.0", True)]


@pytest.mark.parametrize("item, expected", [
    ("sagemaker=2.200", between("2.200", "2.201")),
    ("sagemaker==2.200.0", exactly("2.200.0")),
    ("sagemaker 2.200.*", between("2.200", "2.201")),
    ("sagemaker>=2.250,<2.252", between("2.250", "2.252")),
    ("sagemaker=2.200|2.201", between("2.200", "2.202")),
])
def test_conda_spec(item: str, expected: FrozenSet[Version]) -> None:
    mention = conda_spec(item, Path("environment.yml"), 1)
    assert mention is not None and mention.spec is not None
    assert frozenset(v for v in ALL if any(s.contains(v) for s in mention.spec)) == expected


# -- what decides, and what says nothing -----------------------------------------------------


def test_no_pin_is_unknown(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "numpy\n", "pyproject.toml": "[project]\n"})
    found = admitted(root)
    assert found == UNKNOWN
    assert found.majors() == {2, 3}
    assert found.considered() == between("2")


def test_v3_part_alone_means_v3(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker-train\n"})
    assert admitted(root).releases == V3


def test_sagemaker_core_below_2_says_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker-core<2\n"})
    assert admitted(root) == UNKNOWN


def test_empty_intersection_is_unknown(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker==2.257.7\nsagemaker-train\n"})
    found = admitted(root)
    assert found.releases is None and found.origin == "unknown"
    assert "no release" in found.text and found.source is not None


def test_nearest_folder_decides_and_the_walk_stops_at_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "requirements.txt").write_text("sagemaker==2.200.0\n")
    root = project(outside / "repo", {
        "requirements.txt": "sagemaker<3\n",
        "jobs/train/requirements.txt": "sagemaker>=3\n",
        "jobs/other/x.py": "",
    })
    assert admitted(root / "jobs" / "train", root).releases == V3
    assert admitted(root / "jobs" / "other", root).releases == between("1", "3")
    bare = project(tmp_path / "bare", {})
    assert admitted(bare).releases is None


def test_finder_sees_an_edit(tmp_path: Path) -> None:
    """The language server's engine lives long: a changed declaration is read again."""
    root = project(tmp_path, {"requirements.txt": "sagemaker==2.200.0\n"})
    finder = Finder()
    assert finder.for_folder(root, root).admitted.releases == exactly("2.200.0")
    (root / "requirements.txt").write_text("sagemaker==2.201.0 \n")
    assert finder.for_folder(root, root).admitted.releases == exactly("2.201.0")


# -- the setting -----------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("3", V3), ("2.257", between("2.257", "2.258")), (">=2.200,<3", between("2.200", "3")),
    ("==2.257.7", exactly("2.257.7")), ("~=2.200", between("2.200", "3")),
])
def test_setting(tmp_path: Path, value: str, expected: FrozenSet[Version]) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker==2.100.0\n"})
    found = FileSdk(str(root / "x.py"), value, root, Finder()).base()
    assert found.releases == expected and found.origin == "setting"
    assert found.text == f'sdk-version = "{value}"'


@pytest.mark.parametrize("value", ["", "banana", ">=2,<", "3.x"])
def test_setting_validation(value: str) -> None:
    with pytest.raises(ValueError):
        setting_specifier(value)
    with pytest.raises(SettingsError, match="sdk-version"):
        Settings.build(sdk_version=value)


# -- notebooks -------------------------------------------------------------------------------


def notebook(path: Path, cells: Sequence[str]) -> Path:
    document = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": source}
            for source in cells
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


ESTIMATOR = (
    "from sagemaker.estimator import Estimator\n"
    'est = Estimator(image_uri="img", role="r", instance_count=1,'
    ' instance_type="ml.m5.large")\n'
)


def cells_of(sources: Sequence[str]) -> List[Tuple[int, str]]:
    return list(enumerate(sources, 1))


def test_install_cells_set_a_for_the_cells_after_them(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker==3.*\n"})
    sources = [
        "import os",
        '%pip install -q "sagemaker>=2,<3"',
        "x = 1",
        "!pip install -U sagemaker==2.257.7 numpy",
        "y = 2",
        "%pip install numpy",  # another package: changes nothing
        "z = 3",
    ]
    sdk = FileSdk(str(root / "nb.ipynb"), None, root, Finder(), cells_of(sources))
    assert sdk.at_cell(1).releases == V3 and sdk.at_cell(1).origin == "declaration"
    assert sdk.at_cell(2).releases == V3  # the install cell itself: before it runs
    assert sdk.at_cell(3).releases == between("2", "3")
    assert sdk.at_cell(3).origin == "notebook"
    assert sdk.at_cell(3).cell == 2 and sdk.at_cell(3).where().endswith(
        "nb.ipynb, cell 2, line 1")
    assert sdk.at_cell(5).releases == exactly("2.257.7")
    assert sdk.at_cell(7).releases == exactly("2.257.7")


@pytest.mark.parametrize("line, expected", [
    ("!python -m pip install 'sagemaker>=3'", V3),
    ("!{sys.executable} -m pip install sagemaker-serve", V3),
    ("pip install sagemaker --upgrade", frozenset(ALL)),  # automagic, no specifier
    ("%conda install -c conda-forge sagemaker-python-sdk=2.200", between("2.200", "2.201")),
    ("%pip install -r reqs/nb.txt", exactly("2.230.0")),
    ("!pip install sagemaker==2.257.7 sagemaker-train", None),  # empty: unknown
    # unquoted, the shell redirects `>=2.200` and pip installs the newest release
    ("!pip install sagemaker>=2.200 -q", frozenset(ALL)),
    ("%pip install 'sagemaker>=2.200,<3' && echo done  # v2", between("2.200", "3")),
    ("!pip install -e git+https://github.com/aws/sagemaker-python-sdk.git#egg=sagemaker", None),
])
def test_install_line_forms(
    tmp_path: Path, line: str, expected: Optional[FrozenSet[Version]]
) -> None:
    root = project(tmp_path, {"nbs/reqs/nb.txt": "sagemaker==2.230.0\n"})
    sdk = FileSdk(str(root / "nbs" / "nb.ipynb"), None, root, Finder(),
                  cells_of([line, "x = 1"]))
    assert sdk.at_cell(2).releases == expected
    assert sdk.installs()


def test_setting_overrides_install_cells(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    sdk = FileSdk(str(root / "nb.ipynb"), "3", root, Finder(),
                  cells_of(["%pip install sagemaker==2.257.7", "x = 1"]))
    assert sdk.at_cell(2).releases == V3 and sdk.at_cell(2).origin == "setting"


# -- through the engine: RuleContext.sdk_versions --------------------------------------------


class Probe(Rule):
    """Records what `ctx.sdk_versions` says at each call."""

    code = "SM999"
    name = "probe"

    def __init__(self) -> None:
        self.seen: List[Admitted] = []

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for call in ctx.resolver.index.calls:
            if isinstance(call.func, cst.Name) and call.func.value == "Estimator":
                self.seen.append(ctx.sdk_versions(call))
        return iter(())


def probe_engine(**settings: Any) -> Tuple[Engine, Probe]:
    engine = Engine(Settings.build(**settings))
    probe = Probe()
    engine.rules.append(probe)
    return engine, probe


def test_engine_answers_per_file_and_records_the_inputs(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker>=2.200,<3\n"})
    script = root / "train.py"
    script.write_text(ESTIMATOR)
    engine, probe = probe_engine(root=root)
    result = engine.check(str(script), script.read_bytes())
    assert [a.releases for a in probe.seen] == [between("2.200", "3")]
    assert str(root) in result.sdk_inputs


def test_engine_answers_per_notebook_cell(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    path = notebook(root / "nb.ipynb", [
        ESTIMATOR, "%pip install sagemaker==2.257.7", ESTIMATOR.replace("est =", "est2 ="),
    ])
    engine, probe = probe_engine(root=root)
    engine.check(str(path), path.read_bytes())
    assert [a.releases for a in probe.seen] == [None, exactly("2.257.7")]


def test_files_that_never_ask_cost_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker==2.200.0\n"})
    script = root / "train.py"
    script.write_text(ESTIMATOR)
    # SM6's import rules ask for every file that imports from sagemaker: without them no
    # rule asks here.
    settings = Settings.build(root=root, ignore=("SM6",))
    result = Engine(settings).check(str(script), script.read_bytes())
    assert result.sdk_inputs == ()


def test_cache_entry_goes_stale_when_a_declaration_changes(tmp_path: Path) -> None:
    root = project(tmp_path, {"requirements.txt": "sagemaker==2.200.0\n"})
    script = root / "train.py"
    script.write_text(ESTIMATOR)
    engine, _probe = probe_engine(root=root)
    result = engine.check(str(script), script.read_bytes())
    cache = Cache(tmp_path / "cache", engine.settings, source="test")
    cache.put(str(script), "digest", result)
    cache.save()
    assert Cache(tmp_path / "cache", engine.settings, source="test").get(
        str(script), "digest") is not None
    (root / "requirements.txt").write_text("sagemaker>=3\n")
    assert Cache(tmp_path / "cache", engine.settings, source="test").get(
        str(script), "digest") is None
    (root / "requirements.txt").write_text("sagemaker==2.200.0\n")
    (root / "requirements-dev.txt").write_text("sagemaker<3\n")  # a new declaration file
    assert Cache(tmp_path / "cache", engine.settings, source="test").get(
        str(script), "digest") is None


def test_the_setting_is_part_of_the_cache_key(tmp_path: Path) -> None:
    from sagelint.cache import settings_fingerprint

    assert settings_fingerprint(Settings.build(sdk_version="2")) != settings_fingerprint(
        Settings.build(sdk_version="3"))


# -- the command line ------------------------------------------------------------------------


SHOWN = """\
train.py
  configuration: pyproject.toml
  select = ["ALL"]
  extend-select = []
  ignore = []
  per-file-ignores = []
  exclude = (the default excludes)
  extend-exclude = []
  respect-gitignore = true
  output-format = "full"
  fix = false
  unsafe-fixes = false
  server-timeout-floor = 300
  startup-timeout-floor = 600
  download-timeout-floor = 600
  keep-alive-max = 3600
  timeout-env-keys = ["SAGEMAKER_MODEL_SERVER_TIMEOUT", "MODEL_SERVER_TIMEOUT", \
"TS_DEFAULT_RESPONSE_TIMEOUT", "MMS_DEFAULT_RESPONSE_TIMEOUT", "SAGEMAKER_TS_RESPONSE_TIMEOUT"]
  extend-model-classes = []
  extend-estimator-classes = []
  extra-instance-types = []
  baseline = (unset)
  fail-on = "warning"
  target-version = (unset)
  docs-url = "https://github.com/sagelint/sagelint/blob/main/docs/rules/"
  line-length = 88
  sarif-category = (unset)
  sdk-version = (unset)
  admitted SDK releases: 58 releases, 2.200.0 to 2.257.7 (2.x) from declaration: \
sagemaker>=2.200,<3 at requirements.txt:2
"""


@pytest.fixture
def cli_project(tmp_path: Path) -> Path:
    root = project(tmp_path, {
        "pyproject.toml": "[tool.sagelint]\n",
        "requirements.txt": "numpy\nsagemaker>=2.200,<3\n",
        "train.py": ESTIMATOR,
        "legacy/.sagelint.toml": 'sdk-version = "3"\n',
        "legacy/old.py": ESTIMATOR,
    })
    notebook(root / "nb.ipynb", ["import os", "%pip install sagemaker==2.257.7", ESTIMATOR])
    return root


def test_show_settings_output_is_pinned(cli_project: Path) -> None:
    count = len(between("2.200", "3"))
    result = sagelint("check", "--no-cache", "--show-settings", "train.py", cwd=cli_project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == SHOWN.replace("58 releases", f"{count} releases")


def test_show_settings_per_file_config_and_notebook_cells(cli_project: Path) -> None:
    result = sagelint("check", "--no-cache", "--show-settings", ".", cwd=cli_project)
    assert result.returncode == 0, result.stderr
    blocks = {block.splitlines()[0]: block for block in result.stdout.split("\n\n")}
    legacy = blocks[str(Path("legacy") / "old.py")]
    assert f"configuration: {Path('legacy') / '.sagelint.toml'}" in legacy
    assert 'sdk-version = "3"' in legacy
    assert 'from setting: sdk-version = "3"' in legacy
    nb = blocks["nb.ipynb"]
    assert "admitted SDK releases: " in nb and "requirements.txt:2" in nb
    assert ("admitted SDK releases after cell 2: 2.257.7 (2.x) from notebook: "
            "sagemaker==2.257.7 at nb.ipynb, cell 2, line 1") in nb


def test_sdk_version_option_overrides(cli_project: Path) -> None:
    result = sagelint("check", "--no-cache", "--show-settings", "--sdk-version", ">=3",
                      "train.py", cwd=cli_project)
    assert result.returncode == 0, result.stderr
    assert 'sdk-version = ">=3"' in result.stdout
    assert 'from setting: sdk-version = ">=3"' in result.stdout


def test_sdk_version_option_checks(cli_project: Path) -> None:
    result = sagelint("check", "--no-cache", "--sdk-version", "3", "train.py", cwd=cli_project)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["banana", "", ">=2,<"])
def test_bad_sdk_version_option_is_one_line_and_exit_2(cli_project: Path, value: str) -> None:
    result = sagelint("check", "--no-cache", "--sdk-version", value, "train.py", cwd=cli_project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "sdk-version" in result.stderr
    assert result.stdout == ""


def test_bad_sdk_version_in_configuration_is_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path, {"sagelint.toml": "sdk-version = 3\n", "x.py": "import os\n"})
    result = sagelint("check", "--no-cache", "x.py", cwd=root)
    assert result.returncode == 2
    assert "sdk-version: expected a string" in result.stderr
    (root / "sagelint.toml").write_text('sdk-version = "three"\n')
    result = sagelint("check", "--no-cache", "x.py", cwd=root)
    assert result.returncode == 2 and "sdk-version" in result.stderr


# -- the release index -----------------------------------------------------------------------


def load_generator():  # noqa: ANN201 - a module loaded from a path
    spec = importlib.util.spec_from_file_location(
        "gen_sdk_releases", ROOT / "scripts" / "gen_sdk_releases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_sdk_releases"] = module
    spec.loader.exec_module(module)
    return module


def test_release_index_is_what_the_saved_pip_output_gives() -> None:
    generator = load_generator()
    saved = ROOT / "scripts" / "sdk_releases" / "pip-index.txt"
    assert generator.main(["--from", str(saved), "--check"]) == 0


def test_release_index_generator_reads_pip_output(tmp_path: Path) -> None:
    generator = load_generator()
    text = "".join(
        f"{dist} (2.1.0)\nAvailable versions: 2.1.0, 2.0.0, 1.10.0\n"
        for dist in generator.DISTRIBUTIONS
    )
    index, releases = generator.parse(text)
    assert index == generator.PYPI and releases["sagemaker"] == ("2.1.0", "2.0.0", "1.10.0")
    out = tmp_path / "out.py"
    assert generator.main(["--from", str(_write(tmp_path / "in.txt", text)), "--output",
                           str(out), "--date", "2026-01-01"]) == 0
    namespace: Dict[str, Any] = {}
    exec(out.read_text(), namespace)  # noqa: S102 - the generated module is data
    assert namespace["RELEASES"]["sagemaker"] == ("1.10.0", "2.0.0", "2.1.0")


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_release_index_has_every_generation() -> None:
    majors = {v.major for v in ALL}
    assert {1, 2, 3} <= majors
    assert Version("1.72.1") in ALL and Version("2.257.7") in ALL and Version("3.27.0") in ALL


def test_language_server_knows_the_declaration_files() -> None:
    from sagelint.server import _declaration

    for name in ("requirements-dev.txt", "requirements/prod.txt", "uv.lock", "Pipfile",
                 "setup.py", "environment.yml", "deps.in"):
        assert _declaration(f"file:///repo/{name}"), name
    for name in ("notes.txt", "train.py", "data/requirements.csv"):
        assert not _declaration(f"file:///repo/{name}"), name


def test_pdm_editable_sagemaker_is_unknown(tmp_path: Path) -> None:
    root = project(tmp_path, {"pyproject.toml": (
        '[project]\ndependencies = ["numpy"]\n[tool.pdm.dev-dependencies]\n'
        'dev = ["-e git+https://github.com/aws/sagemaker-python-sdk.git#egg=sagemaker"]\n'
    )})
    found = admitted(root)
    assert found.releases is None and found.source is not None and found.source[1] == 4
