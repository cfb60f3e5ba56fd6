"""Output formats: golden files for json and sarif over the fixtures (the public contract),
the SARIF structure GitHub code scanning requires, and the CI formats.

The golden files hold each fixture as its own test checks it (a rule fixture with its rule
alone, the examples with the rules on by default), so adding a rule adds its fixture's
results and changes no other line; a test checks that the command prints the same for the
examples. Regenerate them deliberately with `SAGELINT_UPDATE_GOLDEN=1 python -m pytest
tests/test_formats.py`, and review the diff.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import io
from typing import Any, Callable, Dict, List

import pytest

from conftest import ROOT
from sagelint.files import Selection, discover
from sagelint.reporters import ReportOptions
from sagelint.reporters.json_format import report_json
from sagelint.reporters.sarif import sarif_document
from sagelint.runner import RunResult
from test_cli import BAD, sagelint
from test_fixtures import engine_for_fixture

GOLDEN = Path(__file__).parent / "golden"
FIXTURE_ARGS = ("check", "--isolated", "fixtures/rules", "fixtures/examples", "--extend-select", "SM109")
GOLDEN_FOLDERS = ("fixtures/rules", "fixtures/examples")


def _golden(name: str, produced: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SAGELINT_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(produced)
    assert path.exists(), f"no golden file {path}: run with SAGELINT_UPDATE_GOLDEN=1"
    assert produced == path.read_text(), f"{name} changed: review, then regenerate"


def _fixture_run(folders: tuple = GOLDEN_FOLDERS) -> RunResult:
    """Every file `check` finds in `folders` (snapshots and the training scripts the
    fixtures name too), in its order, each checked with its fixture test's rules."""
    outcome = RunResult()
    for name in discover(folders, Selection(ROOT)):
        path = ROOT / name
        outcome.files.append(engine_for_fixture(path).check(name, path.read_bytes()))
    return outcome


def _json(outcome: RunResult) -> str:
    stream = io.StringIO()
    report_json(outcome, stream, ReportOptions())
    return stream.getvalue()


def _sarif_without_rule_indexes(document: Dict[str, Any]) -> Dict[str, Any]:
    """The document with `ruleIndex` taken out of its results: it counts every rule before
    the result's, so a new rule would renumber most results. Each index is checked against
    the result's `ruleId` first, which the golden file keeps."""
    (run,) = document["runs"]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for item in run["results"]:
        assert ids[item.pop("ruleIndex")] == item["ruleId"]
    return _without_machine_facts(document)


def _without_machine_facts(document: Dict[str, Any]) -> Dict[str, Any]:
    """What differs between checkouts and runs replaced by placeholders (the folder, the
    repository's name, the times): the golden file keeps where they are, not what they are.
    `versionControlProvenance` is left out: a checkout outside git, or on a detached HEAD
    (CI), has none or no branch (tests/test_org_report.py checks it)."""
    for run in document["runs"]:
        run.pop("versionControlProvenance", None)
        run["originalUriBaseIds"]["SRCROOT"]["uri"] = "file:///<checkout>/"
        run["properties"]["repositoryName"] = "<repository>"
        # The command's settings: the runs made in this process have none.
        run["properties"].pop("settingsFingerprint", None)
        for invocation in run["invocations"]:
            invocation.pop("startTimeUtc", None)  # only the command knows when it started
            invocation["endTimeUtc"] = "<endTimeUtc>"
    return document


def test_json_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the paths that results and SM402 see
    _golden("fixtures.json", _json(_fixture_run()))


def test_sarif_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    document = _sarif_without_rule_indexes(sarif_document(_fixture_run()))
    _golden("fixtures.sarif", json.dumps(document, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize(
    "output_format, normalise",
    [
        ("json", lambda text: json.loads(text)),
        ("sarif", lambda text: _sarif_without_rule_indexes(json.loads(text))),
    ],
)
def test_the_command_prints_what_the_golden_files_hold(
    monkeypatch: pytest.MonkeyPatch, output_format: str, normalise: Callable[[str], Any]
) -> None:
    """The golden files are made in this process; the command gives the same output for
    the examples (checked with the rules on by default by both)."""
    result = sagelint("check", "--isolated", "fixtures/examples", "--output-format", output_format,
                      cwd=ROOT)
    assert result.returncode == 1
    monkeypatch.chdir(ROOT)
    examples = _fixture_run(("fixtures/examples",))
    produced = _json(examples) if output_format == "json" else json.dumps(sarif_document(examples))
    expected: List[Any] = [normalise(produced)]
    assert [normalise(result.stdout)] == expected


def test_sarif_has_what_github_code_scanning_requires() -> None:
    result = sagelint(*FIXTURE_ARGS, "--output-format", "sarif", cwd=ROOT)
    document = json.loads(result.stdout)
    assert document["version"] == "2.1.0" and "sarif-2.1.0" in document["$schema"]
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sagelint" and driver["version"] and driver["informationUri"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids)) and "SM201" in ids
    for rule in driver["rules"]:
        assert rule["name"] and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
    assert run["results"]
    prints = set()
    for item in run["results"]:
        assert ids[item["ruleIndex"]] == item["ruleId"]
        assert item["level"] in ("error", "warning") and item["message"]["text"]
        (location,) = item["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri.startswith("fixtures/") and "\\" not in uri and not uri.startswith("/")
        region = physical["region"]
        assert 1 <= region["startLine"] <= region["endLine"]
        if uri.endswith(".ipynb"):  # the place in the notebook file's own text
            assert "[cell " in item["message"]["text"]
        assert region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
        prints.add((uri, item["partialFingerprints"]["sagelint/v2"]))
    assert len(prints) == len(run["results"]), "fingerprints must tell a file's results apart"


def test_sarif_fingerprints_survive_lines_added_above(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    first = json.loads(sagelint("check", "bad.py", "--output-format", "sarif", cwd=tmp_path).stdout)
    (tmp_path / "bad.py").write_text("# a comment\n\n" + BAD)
    second = json.loads(sagelint("check", "bad.py", "--output-format", "sarif", cwd=tmp_path).stdout)

    def prints(document: dict) -> list:
        return [r["partialFingerprints"]["sagelint/v2"] for r in document["runs"][0]["results"]]

    assert prints(first) == prints(second)
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in second["runs"][0]["results"]]
    assert lines == [5, 6, 6]


def test_github_annotations(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD.replace('py_version="py310")', 'py_version="py310",\n)'))
    result = sagelint("check", "bad.py", "--output-format", "github", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::warning title=sagelint (SM101),file=bad.py,line=3,endLine=4::SM101 ")
    assert "col=" not in lines[0]  # spans two lines: no columns
    assert lines[1].startswith(
        "::warning title=sagelint (SM201),file=bad.py,line=5,col=1,endLine=5,endColumn=68::SM201 "
    )


def test_gitlab_code_quality(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    items = json.loads(sagelint("check", "bad.py", "--output-format", "gitlab", cwd=tmp_path).stdout)
    assert [item["check_name"] for item in items] == ["SM101", "SM201", "SM202"]
    first = items[0]
    assert first["description"].startswith("SM101 ")
    assert first["severity"] in ("info", "minor", "major", "critical", "blocker")
    assert first["location"]["path"] == "bad.py" and first["location"]["lines"]["begin"] == 3
    assert len({item["fingerprint"] for item in items}) == 3


def _rdjson_position(position: Dict[str, Any]) -> None:
    assert set(position) <= {"line", "column"} and "line" in position
    assert all(type(value) is int and value >= 1 for value in position.values())


def _rdjson_shape(document: Dict[str, Any]) -> None:
    """What reviewdog's DiagnosticResult message allows, checked strictly: the field names
    and types of reviewdog.proto, severities by name, 1-based positions."""
    assert set(document) == {"source", "diagnostics"}
    assert document["source"]["name"] == "sagelint"
    for item in document["diagnostics"]:
        assert set(item) <= {"message", "location", "severity", "code", "suggestions"}
        assert isinstance(item["message"], str) and item["message"]
        assert item["severity"] in ("ERROR", "WARNING", "INFO")
        assert set(item["code"]) <= {"value", "url"} and item["code"]["value"].startswith("SM")
        assert set(item["location"]) == {"path", "range"}
        assert isinstance(item["location"]["path"], str)
        assert set(item["location"]["range"]) <= {"start", "end"}
        for position in item["location"]["range"].values():
            _rdjson_position(position)
        for suggestion in item.get("suggestions", []):
            assert set(suggestion) == {"range", "text"} and isinstance(suggestion["text"], str)
            for position in suggestion["range"].values():
                _rdjson_position(position)


def _apply_rdjson(data: bytes, suggestion: Dict[str, Any]) -> bytes:
    """Apply a suggestion as reviewdog does: lines 1-based, columns in UTF-8 bytes, the end
    exclusive."""
    starts = [0] + [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]

    def offset(position: Dict[str, int]) -> int:
        return starts[position["line"] - 1] + position["column"] - 1

    where = suggestion["range"]
    return data[: offset(where["start"])] + suggestion["text"].encode() + data[offset(where["end"]) :]


def _apply_all(data: bytes, suggestions: List[Dict[str, Any]]) -> bytes:
    """A diagnostic's suggestions (disjoint), from the last to the first."""
    for suggestion in sorted(suggestions, key=lambda s: (s["range"]["start"]["line"],
                                                         s["range"]["start"]["column"]), reverse=True):
        data = _apply_rdjson(data, suggestion)
    return data


def test_rdjson_for_reviewdog(tmp_path: Path) -> None:
    # Characters outside ASCII before the findings: reviewdog counts columns in UTF-8 bytes.
    source = BAD.replace("s3://b/model", "s3://b/modèle-𐐀")
    (tmp_path / "bad.py").write_text(source, encoding="utf-8")
    (tmp_path / "nb.ipynb").write_bytes((ROOT / "fixtures/examples/deploy_notebook.ipynb").read_bytes())
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "rdjson", "bad.py",
                      "nb.ipynb", "gone.py", cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    _rdjson_shape(document)
    items = document["diagnostics"]
    assert items[0] == {
        "message": "no such file or directory",
        "location": {"path": "gone.py", "range": {"start": {"line": 1, "column": 1}}},
        "severity": "ERROR",
        "code": {"value": "SM000"},
    }
    script = [item for item in items if item["location"]["path"] == "bad.py"]
    assert [item["code"]["value"] for item in script] == ["SM101", "SM201", "SM202"]
    line = source.splitlines()[2]
    assert script[0]["location"]["range"] == {
        "start": {"line": 3, "column": line.index("PyTorchModel") + 1},
        "end": {"line": 3, "column": len(line.encode()) + 1},  # exclusive, in bytes
    }
    assert all(item["severity"] == "WARNING" for item in script)
    # A safe fix is a suggestion that, applied as reviewdog applies it, is the fix.
    # (Here the line grows past 88 characters: the arguments go one per line.)
    fixed = _apply_all(source.encode(), script[0]["suggestions"]).decode()
    assert fixed.splitlines()[2:9] == [
        "model = PyTorchModel(",
        '    model_data="s3://b/modèle-𐐀.tar.gz",',
        '    role="r",',
        '    framework_version="2.1",',
        '    py_version="py310",',
        '    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"},',
        ")",
    ]
    # Suggestions change only the layout and add the argument: never the user's own text.
    assert all("s3://" not in suggestion["text"] for suggestion in script[0]["suggestions"])
    compile(fixed, "bad.py", "exec")
    (tmp_path / "bad.py").write_text(fixed, encoding="utf-8")
    after = json.loads(sagelint("check", "--isolated", "--no-cache", "--output-format", "rdjson",
                                "bad.py", cwd=tmp_path).stdout)
    assert [item["code"]["value"] for item in after["diagnostics"]] == ["SM201", "SM202"]
    # A notebook: whole lines of the .ipynb file (no columns), no suggestions.
    notebook = [item for item in items if item["location"]["path"] == "nb.ipynb"]
    assert notebook and all(
        set(item["location"]["range"]["start"]) == {"line"} and "suggestions" not in item
        and "[cell " in item["message"]
        for item in notebook
    )


def test_junit(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text("import sagemaker\n")
    root = ET.fromstring(sagelint("check", ".", "--output-format", "junit", cwd=tmp_path).stdout)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "bad.py" and suite.get("failures") == "3"
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [
        "org.sagelint.SM101", "org.sagelint.SM201", "org.sagelint.SM202"
    ]
    assert all(case.find("failure") is not None for case in cases)
    clean = ET.fromstring(sagelint("check", "good.py", "--output-format", "junit", cwd=tmp_path).stdout)
    assert clean.get("failures") == "0"


def test_json_lines_match_json(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    whole = json.loads(sagelint("check", "bad.py", "--output-format", "json", cwd=tmp_path).stdout)
    lines = sagelint("check", "bad.py", "--output-format", "json-lines", cwd=tmp_path).stdout
    assert [json.loads(line) for line in lines.splitlines()] == whole


def test_statistics(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(BAD)
    result = sagelint("check", ".", "--statistics", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "2\tSM101\t[*] model-env-missing (2 fixable)",
        "2\tSM201\t[*] startup-timeout-missing (2 fixable)",
        "2\tSM202\t[*] download-timeout-missing (2 fixable)",
        "6\t\t    total (6 fixable)",
    ]
    rows = json.loads(sagelint("check", ".", "--statistics", "--output-format", "json", cwd=tmp_path).stdout)
    assert rows[0] == {"code": "SM101", "name": "model-env-missing", "count": 2, "fixable": 2}
    assert rows[-1] == {"code": None, "name": "total", "count": 6, "fixable": 6}
    clean = sagelint("check", "--isolated", ".", "--statistics", "--ignore", "SM", cwd=tmp_path)
    assert clean.stdout.splitlines() == ["0\t\t    total (0 fixable)"]


@pytest.mark.parametrize("variable,colored", [("FORCE_COLOR", True), ("NO_COLOR", False)])
def test_color_follows_the_environment(tmp_path: Path, variable: str, colored: bool) -> None:
    import subprocess
    import sys

    (tmp_path / "bad.py").write_text(BAD)
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env[variable] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "bad.py"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60,
    )
    assert ("\x1b[" in result.stdout) is colored
    no_color = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--no-color", "bad.py"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60,
    )
    assert "\x1b[" not in no_color.stdout


def test_stdin_round_trip(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.sagelint]\nper-file-ignores = { 'legacy/*.py' = ['SM2'] }\n"
    )
    checked = sagelint("check", "--stdin-filename", "deploy/new.py", "--output-format", "concise", "-",
                       cwd=tmp_path, stdin=BAD)
    assert checked.returncode == 1
    assert "deploy/new.py:3:9: SM101" in checked.stdout and "SM201" in checked.stdout
    ignored = sagelint("check", "--stdin-filename", "legacy/old.py", "--output-format", "concise", "-",
                       cwd=tmp_path, stdin=BAD)
    assert "SM101" in ignored.stdout and "SM201" not in ignored.stdout
    fixed = sagelint("check", "--fix", "--stdin-filename", "deploy/new.py", "-", cwd=tmp_path, stdin=BAD)
    assert fixed.returncode == 0
    compile(fixed.stdout, "new.py", "exec")
    assert 'env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}' in fixed.stdout
    assert "Found" not in fixed.stdout and "Found 3 problems (3 fixed, 0 remaining)." in fixed.stderr
    again = sagelint("check", "--fix", "--stdin-filename", "deploy/new.py", "-", cwd=tmp_path,
                     stdin=fixed.stdout)
    assert again.stdout == fixed.stdout
