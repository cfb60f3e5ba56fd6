"""The cache cannot be used to hide findings, through the real command: a cache that git
tracks (committed to the repository, or restored from it) is not used, with one warning;
an entry of the wrong shape is a miss, never a crash."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from test_cli import BAD, sagelint

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _sagelint(repo: Path) -> subprocess.CompletedProcess:
    return sagelint("check", "--isolated", "--output-format", "concise", "deploy.py", cwd=repo,
                    env={"SAGELINT_CACHE_DIR": str(repo / ".sagelint_cache")})


def _codes(result: subprocess.CompletedProcess) -> List[str]:
    return sorted(line.split()[1] for line in result.stdout.splitlines() if ": SM" in line)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   cwd=repo, check=True, capture_output=True, timeout=60)


def _edit_entries(repo: Path, change: Callable[[Dict[str, Any]], None]) -> None:
    """Rewrite every cache entry the way someone planting a cache would."""
    for file in (repo / ".sagelint_cache").rglob("*.json"):
        entries = json.loads(file.read_text())
        for entry in entries.values():
            change(entry["result"])
        file.write_text(json.dumps(entries))


def _hide_everything(result: Dict[str, Any]) -> None:
    result["diagnostics"] = []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "deploy.py").write_text(BAD)
    found = _sagelint(tmp_path)  # fills the cache with the file's true result
    assert found.returncode == 1 and _codes(found) == ["SM101", "SM201", "SM202"]
    _edit_entries(tmp_path, _hide_everything)
    return tmp_path


def test_a_planted_cache_that_git_does_not_track_is_used(repo: Path) -> None:
    # The control: what a planted cache does when it is used. This is why a tracked one
    # must not be.
    assert _codes(_sagelint(repo)) == []


@needs_git
def test_a_cache_committed_to_the_repository_is_not_used(repo: Path) -> None:
    _git(repo, "init", "-q")
    _git(repo, "add", "-f", "deploy.py", ".sagelint_cache")  # -f: its own .gitignore says *
    _git(repo, "commit", "-q", "-m", "planted")
    result = _sagelint(repo)
    assert result.returncode == 1 and _codes(result) == ["SM101", "SM201", "SM202"]
    assert result.stderr.count("is tracked by git, so the cache is not used") == 1, result.stderr
    # Nor written: the committed files stay as they were.
    status = subprocess.run(["git", "status", "--porcelain", "--", ".sagelint_cache"],
                            cwd=repo, capture_output=True, text=True, timeout=60)
    assert status.stdout == ""


@needs_git
def test_a_cache_in_a_repository_that_does_not_track_it_is_used(tmp_path: Path) -> None:
    # The repository exists before the cache is filled: a cached result records where the
    # SDK version was looked for (up to the repository root), and `git init` afterwards
    # would rightly make it stale.
    (tmp_path / "deploy.py").write_text(BAD)
    _git(tmp_path, "init", "-q")
    assert _codes(_sagelint(tmp_path)) == ["SM101", "SM201", "SM202"]
    _edit_entries(tmp_path, _hide_everything)
    _git(tmp_path, "add", "deploy.py")
    _git(tmp_path, "commit", "-q", "-m", "code only")
    result = _sagelint(tmp_path)
    assert _codes(result) == [] and "tracked by git" not in result.stderr


@pytest.mark.parametrize(
    "malform",
    [
        lambda r: r["diagnostics"][0].update(message=5),
        lambda r: r["diagnostics"][0].update(location=["1", 1]),
        lambda r: r["diagnostics"][0].update(location=[10_000, 1]),
        lambda r: r["diagnostics"][0].update(cell=3),
        lambda r: r.update(cells=["not", "a", "table"]),
        lambda r: r.update(source=7),
    ],
    ids=["message", "row-type", "row-range", "cell", "cells", "source"],
)
def test_a_malformed_entry_is_a_miss_not_a_crash(tmp_path: Path, malform: Callable) -> None:
    (tmp_path / "deploy.py").write_text(BAD)
    assert _codes(_sagelint(tmp_path)) == ["SM101", "SM201", "SM202"]

    def hide_and_break(result: Dict[str, Any]) -> None:
        # Keep one finding, to be malformed: a miss checks the file again, all three return.
        result["diagnostics"] = result["diagnostics"][:1]
        malform(result)

    _edit_entries(tmp_path, hide_and_break)
    result = _sagelint(tmp_path)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.returncode == 1 and _codes(result) == ["SM101", "SM201", "SM202"]
