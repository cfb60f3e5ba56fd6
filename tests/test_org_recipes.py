"""docs/org-audit.md's recipes: the GitHub Actions workflow is valid against the workflow
schema check-jsonschema ships (offline), the page shows the same workflow as the example file,
no expression is pasted into a script, and the Batch Changes spec is well-formed YAML."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any, List

import pytest

from conftest import ROOT

yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema (the test extra)")

PAGE = ROOT / "docs" / "org-audit.md"
WORKFLOW = ROOT / "docs" / "examples" / "org-audit.yml"


def _load(text: str) -> Any:
    return yaml.YAML(typ="safe").load(text)


def _blocks(language: str) -> List[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", PAGE.read_text(encoding="utf-8"), re.M | re.S)


def _schema_check(path: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra")
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True, text=True,
    )


def test_the_workflow_is_valid_against_the_github_workflows_schema() -> None:
    done = _schema_check(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs-on: [[]]", 1))
    done = _schema_check(broken)
    assert done.returncode == 1, done.stdout


def test_the_page_shows_the_example_workflow() -> None:
    assert WORKFLOW.read_text(encoding="utf-8") in _blocks("yaml")


def test_the_workflow_has_its_three_jobs() -> None:
    workflow = _load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert list(jobs) == ["list", "check", "report"]
    assert jobs["check"]["strategy"]["matrix"]["repository"] == "${{ fromJSON(needs.list.outputs.repositories) }}"
    assert jobs["check"]["strategy"]["fail-fast"] is False
    uploads = [step for step in jobs["check"]["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"].endswith("sagelint.sarif")
    report = "\n".join(step.get("run", "") for step in jobs["report"]["steps"])
    assert "sagelint report sarif/*/sagelint.sarif" in report and "--output-format html" in report
    assert "--previous previous/org-report.json" in report
    assert jobs["report"]["if"] == "${{ !cancelled() }}"
    # The code search for `sagemaker` when no list is given.
    assert "gh search code sagemaker" in jobs["list"]["steps"][0]["run"]


def test_no_expression_is_written_into_a_script() -> None:
    # Inputs and matrix values reach scripts through env: an expression in a script is pasted
    # in before bash reads it, so a repository name holding `"; curl ... #` would run.
    workflow = _load(WORKFLOW.read_text(encoding="utf-8"))
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "${{" not in step.get("run", ""), step


def test_the_list_step_turns_names_into_a_json_list(tmp_path: Path) -> None:
    """The list step's script, run for real on a hand-given list (jq and bash only)."""
    if subprocess.run(["sh", "-c", "command -v jq"], capture_output=True).returncode:
        pytest.skip("jq is not installed")
    workflow = _load(WORKFLOW.read_text(encoding="utf-8"))
    script = workflow["jobs"]["list"]["steps"][0]["run"]
    output = tmp_path / "output"
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "REPOSITORIES": "acme/b  acme/a\nacme/b\n", "GITHUB_OUTPUT": str(output)},
    )
    assert done.returncode == 0, done.stderr
    assert output.read_text() == 'repositories=["acme/a","acme/b"]\n'


def test_the_batch_spec_uses_the_report_as_the_body() -> None:
    specs = [spec for spec in map(_load, _blocks("yaml")) if isinstance(spec, dict) and "changesetTemplate" in spec]
    assert len(specs) == 1
    spec = specs[0]
    assert "sagelint check . --fix" in spec["steps"][0]["run"]
    assert spec["steps"][0]["outputs"]["report"]["value"] == "${{ step.stdout }}"
    assert spec["changesetTemplate"]["body"] == "${{ outputs.report }}"
