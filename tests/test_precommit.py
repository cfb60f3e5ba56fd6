"""The pre-commit hooks, for real: a throwaway repository whose .pre-commit-config.yaml points
at this checkout runs `pre-commit run --all-files` with each hook.

pre-commit installs sagelint from this checkout's HEAD commit into its own environment, so the
test needs pre-commit (`.ci/run` installs it), git, and the package registry; it is skipped,
with the reason, where pre-commit is not installed or this checkout has no commit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from test_cli import BAD, GOOD

# The same script as a notebook: the hooks cover `jupyter` files too.
NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": BAD.splitlines(keepends=True)}
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    },
    indent=1,
) + "\n"


def _pre_commit_available() -> bool:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return False
    return True


def _has_commit() -> bool:
    probe = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True)
    return probe.returncode == 0


pytestmark = [
    pytest.mark.slow,  # pre-commit builds an environment with sagelint in it: about a minute
    pytest.mark.skipif(not _pre_commit_available(), reason="pre-commit is not installed (.ci/run installs it)"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not _has_commit(), reason="this checkout has no commit for pre-commit to install"),
]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _repository(tmp_path: Path, hook: str, files: dict) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "ci@example.com")
    _git(repo, "config", "user.name", "CI")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: HEAD\n    hooks:\n      - id: {hook}\n"
    )
    for name, text in files.items():
        (repo / name).write_text(text)
    _git(repo, "add", ".")
    return repo


def _run(repo: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo, capture_output=True, text=True, env=env, timeout=600,
    )


def test_check_hook_fails_on_a_bad_script_and_passes_on_a_good_one(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    bad = _repository(tmp_path / "bad", "sagelint", {"deploy.py": BAD, "deploy.ipynb": NOTEBOOK})
    result = _run(bad, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "deploy.py:3:9: SM101" in result.stdout
    assert "deploy.ipynb:cell 1:3:9: SM101" in result.stdout
    good = _repository(tmp_path / "good", "sagelint", {"deploy.py": GOOD})
    result = _run(good, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_fix_hook_rewrites_the_bad_script(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = _repository(tmp_path, "sagelint-fix", {"deploy.py": BAD, "deploy.ipynb": NOTEBOOK})
    result = _run(repo, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr  # files were modified
    fixed = (repo / "deploy.py").read_text()
    assert 'env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}' in fixed
    assert "container_startup_health_check_timeout=600" in fixed
    cell = json.loads((repo / "deploy.ipynb").read_text())["cells"][0]["source"]
    assert "".join(cell) == fixed
    _git(repo, "add", ".")
    assert _run(repo, pre_commit_home).returncode == 0
