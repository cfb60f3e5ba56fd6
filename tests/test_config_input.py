"""Configuration files that are odd on disk or in their bytes, and globs that cannot match
what they say, through the real command: each is one line on standard error and exit 2
(or, for a byte order mark, simply accepted)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sagelint.config import glob_problem
from test_cli import BAD, no_traceback, sagelint


def _fails_with_one_line(tmp_path: Path, *args: str, cwd: Path) -> str:
    result = sagelint("check", "--no-cache", *args, cwd=cwd)
    no_traceback(result)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr
    return result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path


def test_a_byte_order_mark_is_accepted(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b'\xef\xbb\xbf[tool.sagelint]\nselect = ["SM201"]\n')
    result = sagelint("check", "--no-cache", "--output-format", "concise", "bad.py", cwd=project)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert {line.split()[1] for line in result.stdout.splitlines() if "SM" in line[:40]} == {"SM201"}


@pytest.mark.parametrize("name", ["pyproject.toml", "sagelint.toml"])
def test_bytes_that_are_not_utf8_name_the_file_and_the_byte(project: Path, name: str) -> None:
    table = "[tool.sagelint]\n" if name == "pyproject.toml" else ""
    (project / name).write_bytes(table.encode() + b'# caf\xe9\nselect = ["SM201"]\n')
    stderr = _fails_with_one_line(project, "bad.py", cwd=project)
    offset = len(table) + 5
    assert f"{name}: not UTF-8: byte 0xe9 at offset {offset} (line {table.count(chr(10)) + 1})" in stderr


def test_a_config_named_on_the_command_line_that_is_not_utf8(project: Path) -> None:
    (project / "other.toml").write_bytes(b'select = ["SM2\xff01"]\n')
    stderr = _fails_with_one_line(project, "--config", "other.toml", "bad.py", cwd=project)
    assert "other.toml: not UTF-8: byte 0xff at offset 14" in stderr


@pytest.mark.parametrize(
    ("key", "pattern", "reason"),
    [
        ("exclude", "[a-", "unclosed `[`"),
        ("exclude", "build/[abc", "unclosed `[`"),
        ("extend-exclude", "[z-a]", "a character range runs backwards"),
        ("extend-exclude", "legacy\\\\", "a trailing `\\` escapes nothing"),
        ("exclude", "tests**", "`**` must be a whole path component"),
        ("extend-exclude", "{build,dist}/**", "`{a,b}` alternatives are not supported"),
        ("exclude", "", "a blank pattern matches nothing"),
        ("exclude", "#notes", "is a comment"),
        ("exclude", "!", "a pattern needs a name or a glob"),
    ],
)
def test_invalid_exclude_globs_are_errors(project: Path, key: str, pattern: str, reason: str) -> None:
    (project / "sagelint.toml").write_text(f'{key} = ["build/", "{pattern}"]\n')
    stderr = _fails_with_one_line(project, "bad.py", cwd=project)
    assert f"sagelint.toml: {key}: invalid glob '" in stderr and reason in stderr


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("tests/[unit/*.py", "unclosed `[`"),
        ("**.py", "`**` must be a whole path component"),
        ("!tests/**", "a negated (`!`) pattern is not supported here"),
    ],
)
def test_invalid_per_file_ignores_globs_are_errors(project: Path, pattern: str, reason: str) -> None:
    (project / "pyproject.toml").write_text(
        f'[tool.sagelint]\nper-file-ignores = {{ "{pattern}" = ["SM201"] }}\n'
    )
    stderr = _fails_with_one_line(project, "bad.py", cwd=project)
    assert f"pyproject.toml: per-file-ignores: invalid glob '{pattern}': {reason}" in stderr


def test_valid_globs_are_accepted() -> None:
    for pattern in ("build/", "legacy/**", "**/test_*.py", "a/**/b", "*.ipynb", "!keep.py",
                    "a[bc]d", "[!x]y", "[]]", "\\#literal", "\\{a,b}", "notebooks/scratch/**"):
        assert glob_problem(pattern) is None, pattern


def test_a_discovered_config_that_is_a_folder_is_an_error(project: Path) -> None:
    (project / ".sagelint.toml").mkdir()
    stderr = _fails_with_one_line(project, "bad.py", cwd=project)
    assert ".sagelint.toml: is a folder, not a configuration file" in stderr


def test_a_discovered_config_that_is_a_dangling_link_is_an_error(project: Path) -> None:
    sub = project / "sub"
    sub.mkdir()
    (sub / "bad.py").write_text(BAD)
    os.symlink("moved-away.toml", sub / "sagelint.toml")
    # Found while walking up from the file, not only from the working directory.
    stderr = _fails_with_one_line(project, "sub/bad.py", cwd=project)
    assert "sagelint.toml: is a broken symbolic link (to 'moved-away.toml')" in stderr


def test_a_config_option_naming_a_dangling_link_or_folder_is_an_error(project: Path) -> None:
    os.symlink("nowhere.toml", project / "linked.toml")
    stderr = _fails_with_one_line(project, "--config", "linked.toml", "bad.py", cwd=project)
    assert "linked.toml: is a broken symbolic link" in stderr
    (project / "folder.toml").mkdir()
    result = sagelint("check", "--config", "folder.toml", "bad.py", cwd=project)
    assert result.returncode == 2 and "folder.toml" in result.stderr and "is a directory" in result.stderr
