"""`--output-file`: every format goes to the file instead of standard output, written
atomically, through the real command."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_cli import BAD, no_traceback, sagelint

from sagelint.cli import OUTPUT_FORMATS


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path


def _leftovers(folder: Path) -> list:
    return [p.name for p in folder.iterdir() if p.name.endswith(".sagelint-tmp")]


@pytest.mark.parametrize("output_format", OUTPUT_FORMATS)
def test_every_format_goes_to_the_file(
    project: Path, output_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The audit reports show the date: the same one in both runs, even across a minute.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    printed = sagelint("check", "bad.py", "--no-cache", "--output-format", output_format, cwd=project)
    written = sagelint(
        "check", "bad.py", "--no-cache", "--output-format", output_format,
        "--output-file", "report.out", cwd=project,
    )
    assert written.returncode == printed.returncode == 1
    assert written.stdout == ""
    assert printed.stdout.strip(), "the format printed nothing to compare with"
    assert (project / "report.out").read_text(encoding="utf-8") == printed.stdout
    assert _leftovers(project) == []
    no_traceback(written)


def test_parent_folders_are_created_and_file_is_readable(project: Path) -> None:
    result = sagelint(
        "check", "bad.py", "--output-format", "json", "--output-file", "out/deep/r.json",
        cwd=project,
    )
    assert result.returncode == 1, result.stderr
    target = project / "out" / "deep" / "r.json"
    assert [item["code"] for item in json.loads(target.read_text())] == ["SM101", "SM201", "SM202"]
    # Not the 0600 of a temporary file: a report is meant to be shared.
    assert os.stat(target).st_mode & 0o044 == 0o044 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_replaces_an_existing_report(project: Path) -> None:
    (project / "r.txt").write_text("old report\n")
    result = sagelint("check", "bad.py", "--output-format", "concise", "--output-file", "r.txt",
                      cwd=project)
    assert result.returncode == 1
    assert (project / "r.txt").read_text().startswith("bad.py:3:9: SM101")


def test_a_link_to_a_report_stays_a_link_to_the_new_report(project: Path) -> None:
    (project / "reports").mkdir()
    (project / "reports" / "r.txt").write_text("old report\n")
    (project / "latest.txt").symlink_to(Path("reports") / "r.txt")
    result = sagelint("check", "bad.py", "--output-format", "concise", "--output-file",
                      "latest.txt", cwd=project)
    assert result.returncode == 1
    assert (project / "latest.txt").is_symlink()
    assert (project / "reports" / "r.txt").read_text().startswith("bad.py:3:9: SM101")


def test_a_failed_run_leaves_the_old_report(project: Path) -> None:
    (project / "r.txt").write_text("old report\n")
    (project / "broken.json").write_text("{")  # the run fails once the files are checked
    result = sagelint("check", "bad.py", "--baseline", "broken.json", "--output-file", "r.txt",
                      cwd=project)
    assert result.returncode == 2 and "broken.json: not a baseline" in result.stderr
    assert (project / "r.txt").read_text() == "old report\n"
    assert _leftovers(project) == []
    no_traceback(result)


def test_a_directory_is_a_clear_error(project: Path) -> None:
    (project / "reports").mkdir()
    result = sagelint("check", "bad.py", "--output-file", "reports", cwd=project)
    assert result.returncode == 2
    assert "'reports' is a directory" in result.stderr  # a usage error, before any check
    no_traceback(result)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_an_unwritable_folder_is_a_clear_error(project: Path) -> None:
    locked = project / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = sagelint("check", "bad.py", "--output-file", "locked/r.txt", cwd=project)
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2
    assert result.stderr.startswith("sagelint: cannot write output file locked/r.txt:")
    no_traceback(result)


def test_a_file_under_a_file_is_a_clear_error(project: Path) -> None:
    result = sagelint("check", "bad.py", "--output-file", "bad.py/r.txt", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("sagelint: cannot write output file bad.py/r.txt:")
    assert len(result.stderr.strip().splitlines()) == 1
    no_traceback(result)


def test_no_colour_in_the_file_even_when_forced(project: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "bad.py", "--output-file", "r.txt"],
        cwd=project, env=env, capture_output=True, timeout=120, check=False,
    )
    text = (project / "r.txt").read_text()
    assert "SM101" in text and "\x1b[" not in text


def test_statistics_and_show_fixes_go_to_the_file(project: Path) -> None:
    stats = sagelint("check", "bad.py", "--statistics", "--output-file", "s.txt", cwd=project)
    assert stats.stdout == ""
    assert "SM201" in (project / "s.txt").read_text()
    fixed = sagelint("check", "bad.py", "--fix", "--show-fixes", "--output-file", "f.txt",
                     cwd=project)
    assert fixed.stdout == ""
    assert "1 × SM101 (model-env-missing)" in (project / "f.txt").read_text()


def test_stdin_fix_keeps_the_source_on_stdout(project: Path) -> None:
    result = sagelint(
        "check", "--stdin-filename", "bad.py", "--fix", "--unsafe-fixes",
        "--select", "SM101", "--output-format", "json", "--output-file", "r.json", "-",
        cwd=project, stdin=BAD,
    )
    assert "SAGEMAKER_MODEL_SERVER_TIMEOUT" in result.stdout
    compile(result.stdout, "bad.py", "exec")
    assert json.loads((project / "r.json").read_text()) == []
