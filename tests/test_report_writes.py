"""A report that cannot be written says so, through the real command: one line on standard
error, exit 2, no temporary file left behind, an earlier report untouched, and never a
device replaced by a file."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from conftest import FIXTURES
from test_cli import BAD

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(
    not (FULL.exists() and stat.S_ISCHR(FULL.stat().st_mode)), reason="no /dev/full here"
)


def _run(args: List[str], cwd: Path, stdout: object = subprocess.PIPE,
         file_limit: int = 0) -> subprocess.CompletedProcess:
    def limit() -> None:  # a disk that fills up: writes past this size fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [sys.executable, "-m", "sagelint", *args], cwd=cwd, stdout=stdout,
        stderr=subprocess.PIPE, text=True, timeout=120,
        preexec_fn=limit if file_limit else None,
    )


def _one_clean_line(result: subprocess.CompletedProcess, says: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert says in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Exception ignored" not in result.stderr


def _leftovers(folder: Path) -> List[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".sagelint-tmp")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("SM201.py", "SM313.py", "SM105.py"):  # an HTML report of well over 8 KB
        (tmp_path / name).write_bytes((FIXTURES / "rules" / name).read_bytes())
    return tmp_path


def test_a_full_disk_mid_report_is_one_line_and_leaves_nothing(project: Path) -> None:
    (project / "report.html").write_text("the earlier report\n")
    result = _run(["check", "--isolated", "--no-cache", "--output-format", "html",
                   "--output-file", "report.html", "."], project, file_limit=4096)
    _one_clean_line(result, "sagelint: cannot write output file report.html: File too large")
    assert _leftovers(project) == []
    assert (project / "report.html").read_text() == "the earlier report\n"


@needs_dev_full
@pytest.mark.parametrize("output_format", ["full", "json", "sarif", "html"])
def test_standard_output_that_is_full_is_one_line_and_exit_2(
    project: Path, output_format: str
) -> None:
    with open(FULL, "w") as full:
        result = _run(["check", "--isolated", "--no-cache", "--output-format", output_format,
                       "."], project, stdout=full)
    _one_clean_line(result, "sagelint: cannot write to standard output: No space left on device")


@needs_dev_full
def test_standard_output_that_is_full_with_fix_of_standard_input(tmp_path: Path) -> None:
    with open(FULL, "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache", "--fix",
             "--stdin-filename", "bad.py", "-"],
            cwd=tmp_path, input=BAD, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )
    assert result.returncode == 2 and "cannot write to standard output" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


@needs_dev_full
@pytest.mark.parametrize("command", [["rules"], ["rule", "--all"], ["version"]])
def test_other_commands_say_so_too(tmp_path: Path, command: List[str]) -> None:
    with open(FULL, "w") as full:
        result = _run(command, tmp_path, stdout=full)
    _one_clean_line(result, "cannot write to standard output: No space left on device")


@needs_dev_full
def test_an_output_file_that_is_a_device_is_written_not_replaced(project: Path) -> None:
    # A link in the test's folder to /dev/full: renaming a temporary file over the path
    # would replace the link (as it would replace /dev/full itself, named directly).
    os.symlink(FULL, project / "report.json")
    result = _run(["check", "--isolated", "--no-cache", "--output-format", "json",
                   "--output-file", "report.json", "."], project)
    _one_clean_line(result, "cannot write output file report.json: No space left on device")
    assert (project / "report.json").is_symlink() and _leftovers(project) == []


def test_an_output_file_that_is_a_fifo_gets_the_report(project: Path) -> None:
    fifo = project / "report.pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        result = _run(["check", "--isolated", "--no-cache", "--output-format", "concise",
                       "--output-file", "report.pipe", "SM201.py"], project)
        received, _ = reader.communicate(timeout=120)
    finally:
        reader.kill()
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and ": SM201" in received
