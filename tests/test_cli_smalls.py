"""Issue 30's smaller points, through the real command: inserted arguments wrapped at
`line-length`, `--sarif-category` and GitHub's SARIF limits."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from sagelint.model import Diagnostic, FileResult, Location, Severity
from sagelint.reporters import ReportOptions
from sagelint.reporters import sarif
from sagelint.runner import RunResult
from test_cli import BAD, no_traceback, sagelint

ONE_LINE = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(model_data="s3://b/model.tar.gz", role="r", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}, framework_version="2.1", py_version="py310")
if model:
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
short = model.deploy(instance_type="ml.m5.large")
"""


def test_a_fix_wraps_a_call_that_would_exceed_the_line_length(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(ONE_LINE)
    result = sagelint("check", "--isolated", "--no-cache", "--fix", "deploy.py", cwd=tmp_path)
    no_traceback(result)
    fixed = (tmp_path / "deploy.py").read_text()
    assert fixed.splitlines()[4:] == [
        "    predictor = model.deploy(",
        "        initial_instance_count=1,",
        '        instance_type="ml.m5.large",',
        "        container_startup_health_check_timeout=600,",
        "        model_data_download_timeout=600,",
        "    )",
        "short = model.deploy(",
        '    instance_type="ml.m5.large",',
        "    container_startup_health_check_timeout=600,",
        "    model_data_download_timeout=600,",
        ")",
    ]
    compile(fixed, "deploy.py", "exec")
    again = sagelint("check", "--isolated", "--no-cache", "--fix", "deploy.py", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "deploy.py").read_text() == fixed


def test_a_call_inside_an_f_string_is_not_wrapped(tmp_path: Path) -> None:
    """Before Python 3.12 a replacement field of a one-line f-string may not span lines: the
    fix stays on the line, however long, and the fixed file compiles here (3.9-3.11 too)."""
    source = (
        "from sagemaker.pytorch import PyTorchModel\n"
        "print(f\"{PyTorchModel(model_data=uri, role=role, entry_point='inference.py', "
        "framework_version='2.1')}\")\n"
    )
    (tmp_path / "show.py").write_text(source)
    result = sagelint("check", "--isolated", "--no-cache", "--fix", "show.py", cwd=tmp_path)
    no_traceback(result)
    fixed = (tmp_path / "show.py").read_text()
    assert fixed != source and len(fixed.splitlines()) == 2
    assert "'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'" in fixed
    compile(fixed, "show.py", "exec")


def test_line_length_setting_decides_where_a_fix_wraps(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(
        "from sagemaker.pytorch import PyTorchModel\n"
        'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env={"A": "1"})\n'
    )
    (tmp_path / "pyproject.toml").write_text("[tool.sagelint]\nline-length = 120\n")
    wide = sagelint("check", "--no-cache", "--diff", "deploy.py", cwd=tmp_path)
    assert '+model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env={"A": "1", ' \
        '"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})\n' in wide.stdout
    # The default, 88: the line (118 characters) would exceed it.
    narrow = sagelint("check", "--isolated", "--no-cache", "--diff", "deploy.py", cwd=tmp_path)
    assert narrow.returncode == 1
    assert "\n".join([
        '+model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env={',
        '+    "A": "1",',
        '+    "SAGEMAKER_MODEL_SERVER_TIMEOUT": "300",',
        "+})",
    ]) in narrow.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.sagelint]\nline-length = 0\n")
    bad = sagelint("check", "--no-cache", "deploy.py", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith(
        "line-length: expected a whole number of characters from 1 to 320, got 0"
    )
    no_traceback(bad)


def _automation(result: subprocess.CompletedProcess) -> object:
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)["runs"][0].get("automationDetails")


def test_sarif_category_fills_automation_details(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    sarif_args = ("check", "--no-cache", "--output-format", "sarif", "bad.py")
    assert _automation(sagelint(*sarif_args, "--isolated", cwd=tmp_path)) is None
    # A bare name is a category (GitHub reads up to the last `/`); `category/run-id` stays.
    named = sagelint(*sarif_args, "--isolated", "--sarif-category", "serving", cwd=tmp_path)
    assert _automation(named) == {"id": "serving/"}
    with_run = sagelint(*sarif_args, "--isolated", "--sarif-category", "serving/2026-12-07",
                        cwd=tmp_path)
    assert _automation(with_run) == {"id": "serving/2026-12-07"}
    # The configuration key, and the command line over it.
    (tmp_path / "pyproject.toml").write_text('[tool.sagelint]\nsarif-category = "training"\n')
    assert _automation(sagelint(*sarif_args, cwd=tmp_path)) == {"id": "training/"}
    assert _automation(sagelint(*sarif_args, "--sarif-category", "cli", cwd=tmp_path)) == {
        "id": "cli/"
    }
    bad = sagelint(*sarif_args, "--sarif-category", " ", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("sagelint: --sarif-category: ")
    assert bad.stdout == ""
    (tmp_path / "pyproject.toml").write_text('[tool.sagelint]\nsarif-category = ""\n')
    empty = sagelint(*sarif_args, cwd=tmp_path)
    assert empty.returncode == 2 and "sarif-category: expected a non-empty category" in empty.stderr
    no_traceback(empty)


def test_github_limits_say_what_happens_and_what_to_do() -> None:
    assert sarif.github_limits(5_000, 10 * 1024 * 1024) == []
    (shown,) = sarif.github_limits(5_001, 1000)
    assert shown.startswith("the SARIF run has 5,001 results: GitHub code scanning shows only "
                            "5,000 of them (the most severe); ")
    (rejected,) = sarif.github_limits(25_001, 1000)
    assert "rejects a run of more than 25,000" in rejected
    for warning in (shown, rejected):
        assert "`--select`" in warning and "`--baseline FILE --update-baseline`" in warning
    (large,) = sarif.github_limits(10, 11 * 1024 * 1024)
    assert large.startswith("the SARIF file is 11.0 MB gzip-compressed: GitHub code scanning "
                            "rejects uploads over 10 MB; ")
    assert len(sarif.github_limits(30_000, 20 * 1024 * 1024)) == 2


def _outcome(findings: int) -> RunResult:
    start, end = Location(1, 1), Location(1, 5)
    diagnostics = tuple(
        Diagnostic("SM201", "startup-timeout-missing", "m", Severity.WARNING, start, end)
        for _ in range(findings)
    )
    outcome = RunResult()
    outcome.files.append(FileResult("a.py", diagnostics, source="x = 1\n"))
    return outcome


def test_the_sarif_report_warns_on_stderr_past_a_limit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sarif, "GITHUB_SHOWN_RESULTS", 2)
    stream = io.StringIO()
    sarif.report_sarif(_outcome(2), stream, ReportOptions())
    assert capsys.readouterr().err == ""
    sarif.report_sarif(_outcome(3), stream, ReportOptions())
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("warning: the SARIF run has 3 results: GitHub code scanning shows only 2")
    # Above the size limit, the gzip-compressed size is what counts.
    monkeypatch.setattr(sarif, "GITHUB_MAX_GZIP_BYTES", 100)
    sarif.report_sarif(_outcome(1), io.StringIO(), ReportOptions())
    assert "MB gzip-compressed" in capsys.readouterr().err
