"""Configuration files read at a known path (#28, sagelint.analysis.config_files): the loads,
paths and formats that give known values, where a finding about such a value is reported,
and what stays unknown. The fixture project is fixtures/projects/config."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from hypothesis import given, strategies as st

from conftest import FIXTURES, ROOT
from sagelint.analysis.config_files import Datum, parse, parse_json, parse_toml, parse_yaml
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.model import Diagnostic
from test_cli import sagelint

HEADER = """\
import json
import os
import tomllib
from pathlib import Path

import tomli
import yaml
from sagemaker.pytorch import PyTorch

"""
TRAIN = (
    'PyTorch(entry_point="s3://code/train.py", role="r", framework_version="2.1", '
    'py_version="py310", instance_count=1, instance_type="ml.m5.xlarge", max_run={value})\n'
)
JSON = '{\n  "title": "ranker",\n  "job": {\n    "max_run": 3000000\n  }\n}\n'
YAML = "# settings\ntitle: ranker\njob:\n  max_run: 3000000\n"
TOML = 'title = "ranker"\n\n[job]\nmax_run = 3000000\n'
FILES = {"settings.json": JSON, "settings.yaml": YAML, "settings.toml": TOML}


def plain(datum: Optional[Datum]) -> object:
    """A Datum as the plain data the loader would build (lines dropped)."""
    assert datum is not None
    if datum.kind == "map":
        return {key: plain(value) for key, _, value in datum.entries}
    if datum.kind == "list":
        return [plain(item) for item in datum.items]
    return datum.value if datum.kind == "scalar" else "<unknown>"


def lines(datum: Datum, keys: Tuple[object, ...] = ()) -> Dict[Tuple[object, ...], int]:
    out = {keys: datum.line}
    for key, key_line, value in datum.entries:
        out[keys + (key, "key")] = key_line
        out.update(lines(value, keys + (key,)))
    for i, item in enumerate(datum.items):
        out.update(lines(item, keys + (i,)))
    return out


def check(folder: Path, script: str, name: str = "train.py") -> List[Diagnostic]:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script)
    engine = Engine(Settings.build(root=folder), strict_fixes=True)
    return list(engine.check(str(path), path.read_bytes()).diagnostics)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


# -- formats: the values a loader builds, and the line of each ---------------------------------
def test_json_values_and_lines() -> None:
    text = '{\n  "a": {"b": [1, 2.5, "x\\n\\u00e9"],\n        "c": null},\n  "d": true,\n  "a2": -1e3\n}'
    datum = parse_json(text)
    assert plain(datum) == json.loads(text)
    assert datum is not None
    found = lines(datum)
    assert found[("a", "key")] == 2 and found[("a", "b", 2)] == 2
    assert found[("a", "c")] == 3 and found[("d",)] == 4 and found[("a2",)] == 5


def test_json_that_json_refuses_is_nothing_and_nan_is_unknown() -> None:
    assert parse_json('{"a": 1,}') is None
    assert parse("json", b'\xef\xbb\xbf{"a": 1}') is None  # json.load refuses a BOM
    assert plain(parse("yaml", b"\xef\xbb\xbfa: 1")) == {"a": 1}
    assert parse_json("") is None
    assert plain(parse_json('{"a": NaN, "b": -Infinity, "c": 1}')) == {
        "a": "<unknown>", "b": "<unknown>", "c": 1,
    }


def test_json_duplicate_keys_keep_both_entries_in_order() -> None:
    datum = parse_json('{"a": 1,\n "a": 2}')
    assert datum is not None and [(k, line) for k, line, _ in datum.entries] == [("a", 1), ("a", 2)]


def test_templated_strings_are_unknown() -> None:
    assert plain(parse_json('{"a": "${TIMEOUT}", "b": "{{ t }}", "c": "{% if x %}", "d": "$5"}')) == {
        "a": "<unknown>", "b": "<unknown>", "c": "<unknown>", "d": "$5",
    }


def test_yaml_values_and_lines() -> None:
    datum = parse_yaml(YAML + "list:\n  - 1\n  - two\nwhen: 2024-01-01\n")
    assert plain(datum) == {
        "title": "ranker", "job": {"max_run": 3000000}, "list": [1, "two"], "when": "<unknown>",
    }
    assert datum is not None
    found = lines(datum)
    assert found[("job", "max_run")] == 4 and found[("list", 1)] == 7


def test_yaml_merges_objects_and_several_documents_are_unknown() -> None:
    merged = parse_yaml("base: &b\n  a: 1\njob:\n  <<: *b\n  c: 2\n")
    assert plain(merged) == {"base": {"a": 1}, "job": "<unknown>"}
    assert plain(parse_yaml("a: !!python/object:os.system ls\n")) == {"a": "<unknown>"}
    assert parse_yaml("a: 1\n---\na: 2\n") is None
    assert parse_yaml("a: [1\n") is None


def test_toml_values_and_lines() -> None:
    datum = parse_toml(TOML + "\n[job.inner]\nmax_run = 5\n")
    assert plain(datum) == {"title": "ranker", "job": {"max_run": 3000000, "inner": {"max_run": 5}}}
    assert datum is not None
    found = lines(datum)
    assert found[("title",)] == 1 and found[("job", "max_run")] == 4
    assert found[("job", "inner", "key")] == 6 and found[("job", "inner", "max_run")] == 7
    assert parse_toml("a = \n") is None


# -- loads: every form the contract names gives the value; it is reported at the load -----------
LOADS = [
    ('cfg = json.load(open("settings.json"))', "settings.json"),
    ('cfg = json.load(open(Path(__file__).parent / "settings.json"))', "settings.json"),
    ('cfg = json.loads(Path("settings.json").read_text())', "settings.json"),
    ('cfg = json.loads(open("settings.json").read())', "settings.json"),
    ('cfg = json.loads(Path("settings.json").read_bytes())', "settings.json"),
    ('with open("settings.yaml", "rb") as f:\n    cfg = yaml.safe_load(f.read())', "settings.yaml"),
    ('with open(os.path.join(os.path.dirname(__file__), "settings.json")) as f:\n'
     "    cfg = json.load(f)", "settings.json"),
    ('HERE = Path(__file__).resolve().parent\ncfg = json.load(HERE.joinpath("settings.json").open())',
     "settings.json"),
    ('cfg = yaml.safe_load(open("settings.yaml"))', "settings.yaml"),
    ('cfg = yaml.safe_load(Path("settings.yaml").read_text())', "settings.yaml"),
    ('with open("settings.yaml") as f:\n    cfg = yaml.load(f, Loader=yaml.SafeLoader)',
     "settings.yaml"),
    ('cfg = yaml.load(open("settings.yaml"), yaml.CSafeLoader)', "settings.yaml"),
    ('cfg = tomllib.load(open("settings.toml", "rb"))', "settings.toml"),
    ('cfg = tomli.load(open("settings.toml", mode="rb"))', "settings.toml"),
    ('cfg = tomllib.loads(Path("settings.toml").read_text(encoding="utf-8"))', "settings.toml"),
]


@pytest.mark.parametrize("load, name", LOADS)
def test_a_load_gives_the_files_values(project: Path, load: str, name: str) -> None:
    script = HEADER + load + "\n" + TRAIN.format(value='cfg["job"]["max_run"]')
    found = [d for d in check(project, script) if d.code == "SM313"]
    assert len(found) == 1, found
    row = HEADER.count("\n") + load.count("\n") + 1
    assert found[0].location.row == row
    line = {"settings.json": 4, "settings.yaml": 4, "settings.toml": 4}[name]
    assert f"(from {name}: job.max_run, line {line})" in found[0].message
    assert found[0].fix is None


def test_a_splat_and_get_of_the_files_mapping(project: Path) -> None:
    script = HEADER + 'cfg = json.load(open("settings.json"))\n' + (
        'PyTorch(entry_point="s3://code/train.py", role="r", framework_version="2.1", '
        'py_version="py310", instance_count=1, instance_type="ml.m5.xlarge", '
        '**cfg.get("job", {}))\n'
    )
    assert [d.code for d in check(project, script) if d.code == "SM313"] == ["SM313"]


def test_an_index_into_a_list_of_the_file(project: Path) -> None:
    (project / "settings.json").write_text('{"jobs": [\n {"max_run": 60},\n {"max_run": 3000000}\n]}')
    script = HEADER + 'cfg = json.load(open("settings.json"))\n' + "".join(
        TRAIN.format(value=f'cfg["jobs"][{i}]["max_run"]') for i in ("0", "1", "-1", "2", "True")
    )
    found = [d.message for d in check(project, script) if d.code == "SM313"]
    assert len(found) == 1 and "(from settings.json: jobs[1].max_run, line 3)" in found[0]


def test_a_relative_path_is_looked_up_in_the_folder_then_at_the_root(project: Path) -> None:
    script = HEADER + 'cfg = json.load(open("settings.json"))\n' + TRAIN.format(
        value='cfg["job"]["max_run"]'
    )
    found = [d for d in check(project, script, "jobs/train.py") if d.code == "SM313"]
    assert len(found) == 1 and "(from settings.json: job.max_run, line 4)" in found[0].message
    (project / "jobs" / "settings.json").write_text('{"job": {"max_run": 60}}')
    assert not [d for d in check(project, script, "jobs/train.py") if d.code == "SM313"]


UNKNOWN_LOADS = [
    'cfg = json.load(open("missing.json"))',
    'cfg = json.load(open(os.environ["CONFIG"]))',
    'cfg = json.load(open("settings.json"), parse_int=float)',
    'cfg = yaml.load(open("settings.yaml"), Loader=yaml.FullLoader)',
    'cfg = yaml.load(open("settings.yaml"), Loader=yaml.UnsafeLoader)',
    'cfg = yaml.full_load(open("settings.yaml"))',
    'cfg = tomllib.load(open("settings.toml"))',  # text mode: tomllib raises
    'cfg = tomllib.loads(Path("settings.toml").read_bytes())',  # bytes: tomllib raises
    'cfg = tomllib.loads(open("settings.toml", "rb").read())',
    'cfg = json.load(open("settings.json", "w"))',
    'cfg = json.load(open("../settings.json"))',  # outside the project
    'cfg = json.load(open(Path(__file__)))',  # the script itself
    '__file__ = "/elsewhere/x.py"\ncfg = json.load(open(Path(__file__).parent / "settings.json"))',
    'cfg = json.load(open("settings.json"))\ncfg["job"]["max_run"] = 60',
    'json.dump({}, open("settings.json", "w"))\ncfg = json.load(open("settings.json"))',
    'Path("settings.json").write_text("{}")\ncfg = json.load(open("settings.json"))',
    'cfg = json.load(open("settings.json"))\nif False:\n    Path("settings.json").open("w")',
    'cfg = json.load(open("settings.json"))\njob = cfg["job"]\njob.update(max_run=60)',
]


@pytest.mark.parametrize("load", UNKNOWN_LOADS)
def test_what_the_script_cannot_know_is_silent(project: Path, load: str) -> None:
    script = HEADER + load + "\n" + TRAIN.format(value='cfg["job"]["max_run"]')
    folder = project
    if "../" in load:  # a project of its own, inside the folder that holds the file
        folder = project / "inner"
        (folder / ".git").mkdir(parents=True)
    assert not [d for d in check(folder, script) if d.code == "SM313"]


def test_without_pyyaml_yaml_values_are_unknown(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # `import yaml` raises ImportError
    script = HEADER.replace("import yaml\n", "") + "import yaml\n" + (
        'cfg = yaml.safe_load(open("settings.yaml"))\n'
        'other = json.load(open("settings.json"))\n'
        + TRAIN.format(value='cfg["job"]["max_run"]')
        + TRAIN.format(value='other["job"]["max_run"]')
    )
    found = [d for d in check(project, script) if d.code == "SM313"]
    assert [d.message.split("(from ")[1].split(":")[0] for d in found] == ["settings.json"]


def test_the_file_read_is_recorded(project: Path) -> None:
    path = project / "train.py"
    path.write_text(HEADER + 'cfg = json.load(open("settings.json"))\n'
                    + TRAIN.format(value='cfg["job"]["max_run"]'))
    result = Engine(Settings.build(root=project)).check(str(path), path.read_bytes())
    assert str(project / "settings.json") in dict(result.file_reads)


def test_one_value_used_by_two_calls_is_reported_once(project: Path) -> None:
    script = HEADER + 'cfg = json.load(open("settings.json"))\n' + TRAIN.format(
        value='cfg["job"]["max_run"]'
    ) * 2
    assert [d.code for d in check(project, script) if d.code == "SM313"] == ["SM313"]


# -- property: a value the script cannot know takes away the findings about it, and only those --
ENV_KEY = "SAGEMAKER_MODEL_SERVER_TIMEOUT"
SERVE = """\
import json
from pathlib import Path

from sagemaker.pytorch import PyTorch, PyTorchModel

with open(Path(__file__).parent / "deploy.json") as f:
    cfg = json.load(f)
PyTorchModel(model_data="s3://m/model.tar.gz", role="r", framework_version="2.1",
             py_version="py310", env=cfg["env"])
PyTorch(entry_point="s3://code/train.py", role="r", framework_version="2.1", py_version="py310",
        instance_count=1, instance_type="ml.m5.xlarge", max_run=cfg["job"]["max_run"])
PyTorch(entry_point="s3://code/train.py", role="r", framework_version="2.1", py_version="py310",
        instance_count=1, instance_type="ml.m5.xlarge", max_run=3000000)
"""
VALUES = st.one_of(
    st.integers(min_value=1, max_value=4_000_000),
    st.integers(min_value=1, max_value=4000).map(str),
    st.sampled_from(["5m", "300", "600.0"]),
)


def _serve(config: Optional[Dict[str, object]]) -> List[Tuple[int, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        if config is not None:
            (root / "deploy.json").write_text(json.dumps(config, indent=2))
        return [(d.location.row, d.code, d.message) for d in check(root, SERVE, "serve.py")]


@given(timeout=VALUES, max_run=VALUES, target=st.sampled_from(["env", "job"]),
       how=st.sampled_from(["templated", "renamed", "no file"]))
def test_an_unknowable_value_takes_away_only_its_findings(
    timeout: object, max_run: object, target: str, how: str
) -> None:
    config: Dict[str, object] = {"env": {ENV_KEY: timeout}, "job": {"max_run": max_run}}
    before = _serve(config)
    if how == "no file":
        after = _serve(None)
        gone = [d for d in before if "(from deploy.json" in d[2]]
    elif how == "templated":
        section = config[target]
        assert isinstance(section, dict)
        name = ENV_KEY if target == "env" else "max_run"
        section[name] = "${VALUE}"
        after = _serve(config)
        gone = [d for d in before if f"(from deploy.json: {target}.{name}," in d[2]]
    else:  # the script reads a key the file does not have
        config = {(f"{k}_staging" if k == target else k): v for k, v in config.items()}
        after = _serve(config)  # (in place: the other values keep their lines)
        gone = [d for d in before if f"(from deploy.json: {target}." in d[2]]
    assert sorted(after) == sorted(d for d in before if d not in gone)


# -- the real command on the fixture project -------------------------------------------------
def test_the_command_reports_config_values_at_the_loads() -> None:
    result = sagelint(
        "check", "--output-format", "concise", "--no-cache",
        str((FIXTURES / "projects" / "config").relative_to(ROOT)), cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert (
        "serve_json.py:14:11: SM104 `SAGEMAKER_MODEL_SERVER_TIMEOUT` is 60 s" in out
        and "(from deploy.json: env.SAGEMAKER_MODEL_SERVER_TIMEOUT, line 8)" in out
    )
    assert "train_yaml.py:13:7: SM313" in out and "(from train.yaml: stopping.max_runtime_in_seconds, line 6)" in out
    assert "(from training.toml: stopping.max_runtime_in_seconds, line 5)" in out
    assert "Traceback" not in result.stderr


def test_sarif_points_at_the_value_in_the_configuration_file() -> None:
    result = sagelint(
        "check", "--isolated", "--no-cache", "--output-format", "sarif",
        "fixtures/projects/config/train_yaml.py", cwd=ROOT,
    )
    results = json.loads(result.stdout)["runs"][0]["results"]
    related = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]:
        [(x["physicalLocation"]["artifactLocation"]["uri"], x["physicalLocation"]["region"])
         for x in r["relatedLocations"]]
        for r in results
    }
    assert related == {
        13: [("fixtures/projects/config/train.yaml", {"startLine": 6})],
        34: [("fixtures/projects/config/training.toml", {"startLine": 5})],
    }
    try:
        from test_sarif_schema import _problems
    except pytest.skip.Exception:  # no schema package on this Python
        return
    assert _problems(json.loads(result.stdout)) == []


def test_the_related_place_survives_the_cache(project: Path) -> None:
    from sagelint.cache import well_formed
    from sagelint.model import result_from_dict, result_to_dict

    path = project / "train.py"
    path.write_text(HEADER + 'cfg = json.load(open("settings.json"))\n'
                    + TRAIN.format(value='cfg["job"]["max_run"]'))
    result = Engine(Settings.build(root=project)).check(str(path), path.read_bytes())
    again = result_from_dict(str(path), json.loads(json.dumps(result_to_dict(result))))
    assert well_formed(again) and again.diagnostics == result.diagnostics
    assert [d.related for d in again.diagnostics if d.code == "SM313"] == [
        (str(project / "settings.json"), 4)
    ]


def test_a_file_too_large_for_settings_is_unknown(project: Path) -> None:
    from sagelint.analysis.config_files import MAX_CONFIG_BYTES

    padding = " " * MAX_CONFIG_BYTES
    (project / "settings.json").write_text(JSON[:-2] + padding + "}\n")
    script = HEADER + 'cfg = json.load(open("settings.json"))\n' + TRAIN.format(
        value='cfg["job"]["max_run"]'
    )
    assert not [d for d in check(project, script) if d.code == "SM313"]


# -- files the notebook itself writes (#28) --------------------------------------------------
NOTEBOOK_LOAD = (
    "import json\nfrom sagemaker.pytorch import PyTorch\n\n"
    "cfg = json.load(open('settings.json'))\n" + TRAIN.format(value='cfg["job"]["max_run"]')
)


def _notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [
            {"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
            for c in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


@pytest.mark.parametrize("ignore", [(), ("SM402",)])  # the paths service is not needed
@pytest.mark.parametrize("first, known", [
    ("%%writefile settings.json\n{\"job\": {\"max_run\": 100}}\n", False),
    ("!aws s3 cp s3://b/settings.json settings.json\n", False),
    ("%%bash\ncurl -o settings.json https://example.com/settings.json\n", False),
    ("%sx wget https://example.com/settings.json\n", False),
    ("!aws s3 cp s3://b/labels.txt labels.txt\n", True),
])
def test_a_file_the_notebook_writes_is_unknown(
    project: Path, first: str, known: bool, ignore: Tuple[str, ...]
) -> None:
    path = project / "train.ipynb"
    path.write_text(_notebook(first, NOTEBOOK_LOAD))
    engine = Engine(Settings.build(root=project, ignore=ignore), strict_fixes=True)
    codes = [d.code for d in engine.check(str(path), path.read_bytes()).diagnostics]
    assert ("SM313" in codes) is known


@pytest.mark.parametrize("change", [
    'env = cfg.get("job")\nenv["max_run"] = 100\n',
    'env = cfg.get("job", {})\nenv.update(max_run=100)\n',
    'for name, section in cfg.items():\n    section["max_run"] = 100\n',
    'for section in cfg.values():\n    section["max_run"] = 100\n',
    'base = cfg.copy()\nbase["job"]["max_run"] = 100\n',
    'list(cfg.values())[0]["max_run"] = 100\n',
    'jobs = [s for s in cfg.values()]\njobs[0]["max_run"] = 100\n',
    'base = dict(cfg)\nbase["job"]["max_run"] = 100\n',
    'import copy\nbase = copy.copy(cfg)\nbase["job"].update(max_run=100)\n',
    'base = {**cfg}\nbase["job"]["max_run"] = 100\n',
])
def test_a_change_through_a_read_methods_result_is_seen(project: Path, change: str) -> None:
    load = "cfg = json.load(open('settings.json'))\n"
    script = HEADER + load + change + TRAIN.format(value='cfg["job"]["max_run"]')
    assert not [d for d in check(project, script) if d.code == "SM313"]
    untouched = HEADER + load + TRAIN.format(value='cfg["job"]["max_run"]')
    assert [d for d in check(project, untouched) if d.code == "SM313"]
