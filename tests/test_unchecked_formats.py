"""Files that could not be checked are results in every machine format (not only an `error:`
line on standard error), and the XML and SARIF reports stay well-formed whatever file names
and source text hold. Through the real command."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Dict, Set, Tuple

import pytest

from test_cli import BAD

# Passes the prefilter (it names sagemaker) but is not UTF-8 and has no coding line.
UNDECODABLE = b"import sagemaker\nname = '\xff\xfe'\n"
# A notebook with a merge conflict in it: not JSON.
CONFLICTED = b'{"cells": [\n<<<<<<< HEAD\n"import sagemaker"\n'
REASON = "cannot decode as utf-8"

Found = Set[Tuple[str, str]]  # (path, code)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache", *args],
        cwd=cwd, capture_output=True, env=env, timeout=120, check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root that report paths are relative to
    (tmp_path / "clean.py").write_text("import sagemaker\nprint('nothing to report')\n")
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "broken.py").write_bytes(UNDECODABLE)
    (tmp_path / "conflict.ipynb").write_bytes(CONFLICTED)
    return tmp_path


EXPECTED = {
    ("bad.py", "SM101"), ("bad.py", "SM201"), ("bad.py", "SM202"),
    ("broken.py", "SM000"), ("conflict.ipynb", "SM000"),
}


def _json(text: str) -> Found:
    items = json.loads(text)
    (broken,) = [item for item in items if item["filename"] == "broken.py"]
    assert broken["code"] == "SM000" and broken["severity"] == "error"
    assert REASON in broken["message"] and broken["fix"] is None
    assert broken["location"] == broken["end_location"] == {"row": 1, "column": 1}
    return {(item["filename"], item["code"]) for item in items}


def _json_lines(text: str) -> Found:
    return _json(json.dumps([json.loads(line) for line in text.splitlines()]))


def _sarif(text: str) -> Found:
    (run,) = json.loads(text)["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    found = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"])
        for r in run["results"]
    }
    descriptors = run["tool"]["driver"]["notifications"]
    for note in invocation["toolExecutionNotifications"]:
        assert note["level"] == "error"
        assert descriptors[note["descriptor"]["index"]]["id"] == note["descriptor"]["id"]
        uri = note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if uri == "broken.py":
            assert REASON in note["message"]["text"]
        found.add((uri, note["descriptor"]["id"]))
    return found


def _gitlab(text: str) -> Found:
    items = json.loads(text)
    unchecked = [item for item in items if item["check_name"] == "SM000"]
    assert {item["severity"] for item in unchecked} == {"critical"}
    assert all(item["location"]["lines"]["begin"] == 1 for item in unchecked)
    assert len({item["fingerprint"] for item in items}) == len(items)
    return {(item["location"]["path"], item["check_name"]) for item in items}


def _junit(text: str) -> Found:
    root = ET.fromstring(text)
    assert (root.get("failures"), root.get("errors"), root.get("tests")) == ("3", "2", "5")
    found = set()
    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            code = case.get("name", "").removeprefix("org.sagelint.")
            error = case.find("error")
            assert (error is not None) == (code == "SM000")
            if case.get("classname") == "broken.py":
                assert error is not None and REASON in error.get("message", "")
            found.add((case.get("classname", ""), code))
    return found


def _rdjson(text: str) -> Found:
    items = json.loads(text)["diagnostics"]
    for item in items:
        if item["code"]["value"] == "SM000":
            assert item["severity"] == "ERROR" and item["location"]["range"]["start"]["line"] == 1
            if item["location"]["path"] == "broken.py":
                assert REASON in item["message"]
    return {(item["location"]["path"], item["code"]["value"]) for item in items}


ANNOTATION = re.compile(r"^::(error|warning) (?P<props>[^:]*)::(?P<code>SM\d{3}) (?P<text>.*)$")


def _github(text: str) -> Found:
    found = set()
    for line in text.splitlines():
        match = ANNOTATION.match(line)
        assert match, line
        props = dict(prop.split("=", 1) for prop in match["props"].split(","))
        if match["code"] == "SM000":
            assert line.startswith("::error ") and "line" not in props  # the whole file
            if props["file"] == "broken.py":
                assert REASON in match["text"]
        found.add((props["file"], match["code"]))
    return found


PARSERS: Dict[str, Callable[[str], Found]] = {
    "json": _json, "json-lines": _json_lines, "sarif": _sarif, "gitlab": _gitlab,
    "junit": _junit, "github": _github, "rdjson": _rdjson,
}


@pytest.mark.parametrize("output_format", sorted(PARSERS))
def test_unchecked_files_are_results_in_every_machine_format(tree: Path, output_format: str) -> None:
    result = _run(tree, ".", "--output-format", output_format)
    assert result.returncode == 1, result.stderr
    assert PARSERS[output_format](result.stdout.decode("utf-8")) == EXPECTED
    # Standard error says it as before.
    assert f"error: broken.py: {REASON}".encode() in result.stderr


def test_a_run_whose_only_file_was_not_checked_is_not_an_empty_report(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_bytes(UNDECODABLE)
    result = _run(tmp_path, "broken.py", "--output-format", "json")
    assert result.returncode == 1  # the exit code is what it was: at least 1
    (item,) = json.loads(result.stdout)
    assert item["code"] == "SM000" and item["filename"] == "broken.py"
    # --exit-zero still exits 0, and the file is still in the report.
    zero = _run(tmp_path, "broken.py", "--output-format", "json", "--exit-zero")
    assert zero.returncode == 0 and json.loads(zero.stdout) == [item]


def test_a_fully_checked_run_says_so_in_sarif(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    result = _run(tmp_path, "bad.py", "--output-format", "sarif")
    (run,) = json.loads(result.stdout)["runs"]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == []
    assert invocation["properties"] == {"filesScanned": 1, "filesNotChecked": 0}
    assert len(run["results"]) == 3
    junit = ET.fromstring(_run(tmp_path, "bad.py", "--output-format", "junit").stdout)
    assert junit.get("errors") == "0" and not list(junit.iter("error"))


# A name and values with terminal escapes, a bell, a form feed and a control-A: SM401 quotes
# the values in its messages as they are.
HOSTILE = (
    b"from sagemaker.pytorch import PyTorchModel\n\n"
    b'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", name="n\x1b[31m\x0cx",\n'
    b'                     env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})\n'
    b'model.deploy(initial_instance_count=1, instance_type="ml.m5.large", endpoint_name="e\x1b\x01p")\n'
)
FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def test_junit_and_sarif_stay_well_formed_with_control_characters(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ctl\x1b[31m.py").write_bytes(HOSTILE)
    (tmp_path / "esc\x1b.py").write_bytes(UNDECODABLE)  # not checked, and an ESC in its name
    (tmp_path / "bell\x07.py").write_text(BAD)
    if sys.platform.startswith("linux"):  # a name that is not UTF-8 (a lone surrogate in Python)
        (tmp_path / os.fsdecode(b"latin\xe9.py")).write_text(BAD)

    junit = _run(tmp_path, ".", "--output-format", "junit")
    assert junit.returncode == 1, junit.stderr
    root = ET.fromstring(junit.stdout)  # bytes: the parser checks the encoding too
    texts = [value for element in root.iter() for value in (*element.attrib.values(), element.text or "")]
    assert not any(FORBIDDEN_IN_XML.search(text) for text in texts)
    suites = {suite.get("name") for suite in root.iter("testsuite")}
    assert {"ctl\ufffd[31m.py", "esc\ufffd.py", "bell\ufffd.py"} <= suites
    messages = [failure.get("message", "") for failure in root.iter("failure")]
    assert any("n\ufffd[31m\ufffdx" in message for message in messages)
    assert any("e\ufffd\ufffdp" in message for message in messages)
    (error,) = root.iter("error")
    assert REASON in error.get("message", "")

    sarif = _run(tmp_path, ".", "--output-format", "sarif")
    assert sarif.returncode == 1, sarif.stderr
    (run,) = json.loads(sarif.stdout.decode("utf-8"))["runs"]  # strict UTF-8, valid JSON
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert {"ctl%1B%5B31m.py", "bell%07.py"} <= uris
    if sys.platform.startswith("linux"):
        assert "latin%E9.py" in uris  # the name's own bytes, percent-encoded
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "esc%1B.py"
