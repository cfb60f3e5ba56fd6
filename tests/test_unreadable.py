"""Paths that cannot be read, at any depth or named explicitly, through the real command: one
line on standard error each, the other files checked, exit code 1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from test_cli import BAD, no_traceback



def _reads_whatever_the_mode() -> bool:
    """Whether this user opens a file of mode 000 (root does)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("")
        probe.chmod(0)
        try:
            probe.open().close()
        except PermissionError:
            return False
        return True


# Root reads whatever the mode says; without the capabilities that allow it (setpriv, where
# it exists), root meets permission errors like anyone else, and so can the tests.
DROP_CAPABILITIES = [
    "setpriv", "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search", "--",
]
PRIVILEGED = _reads_whatever_the_mode()
CAN_DROP = PRIVILEGED and shutil.which("setpriv") is not None and subprocess.run(
    [*DROP_CAPABILITIES, "true"], capture_output=True, check=False
).returncode == 0
needs_permission_errors = pytest.mark.skipif(
    PRIVILEGED and not CAN_DROP,
    reason="running as root, which reads whatever the mode says, and setpriv cannot drop that",
)


def _check(tmp_path: Path, *args: str) -> Tuple[int, List[str], List[str]]:
    command = [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache",
               "--output-format", "concise", *args]
    if CAN_DROP:
        command = [*DROP_CAPABILITIES, *command]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            check=False, env=env)
    no_traceback(result)
    stdout = [line for line in result.stdout.splitlines() if ": SM" in line]
    return result.returncode, stdout, result.stderr.splitlines()


def test_dangling_symlinks_named_and_found(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "gone.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "named.py").symlink_to(tmp_path / "nowhere.py")
    code, found, errors = _check(tmp_path, "named.py", "bad.py")
    assert code == 1 and errors == ["error: named.py: cannot read: No such file or directory"]
    assert any(line.startswith("bad.py:3:9: SM101") for line in found)
    code, found, errors = _check(tmp_path, ".")
    assert code == 1 and len(found) == 3
    assert "error: deep/er/gone.py: cannot read: No such file or directory" in errors
    assert "error: named.py: cannot read: No such file or directory" in errors


def test_a_missing_path_is_reported_and_the_rest_checked(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    code, found, errors = _check(tmp_path, "missing.py", "bad.py")
    assert code == 1 and errors == ["error: missing.py: no such file or directory"]
    assert any(line.startswith("bad.py:3:9: SM101") for line in found)


def test_unreadable_gitignore_is_reported_and_the_rest_checked(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.py").write_text(BAD)
    (tmp_path / "sub" / ".gitignore").symlink_to(tmp_path / "no-such-gitignore")
    code, found, errors = _check(tmp_path, ".")
    assert code == 1 and len(found) == 3
    assert errors == [
        "error: sub/.gitignore: cannot read: No such file or directory",
    ]
    # Named explicitly with --force-exclude (what pre-commit passes): the same line.
    code, found, errors = _check(tmp_path, "--force-exclude", "sub/bad.py")
    assert code == 1 and len(found) == 3
    assert errors == ["error: sub/.gitignore: cannot read: No such file or directory"]


def test_an_invalid_gitignore_line_is_a_warning_and_the_others_apply(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "skipped.py").write_text(BAD)
    (tmp_path / ".gitignore").write_text("skipped.py\n!\n")
    code, found, errors = _check(tmp_path, ".")
    assert code == 1 and {line.split(":")[0] for line in found} == {"bad.py"}
    assert errors == ["warning: .gitignore:2: invalid pattern '!': ignored"]
    (tmp_path / "bad.py").write_text("print('clean')\n")
    assert _check(tmp_path, ".")[0] == 0  # a warning alone does not fail the run


@needs_permission_errors
def test_unreadable_file_named_explicitly(tmp_path: Path) -> None:
    (tmp_path / "secret.py").write_text(BAD)
    (tmp_path / "secret.py").chmod(0)
    (tmp_path / "bad.py").write_text(BAD)
    code, found, errors = _check(tmp_path, "secret.py", "bad.py")
    assert code == 1 and len(found) == 3
    assert errors == ["error: secret.py: cannot read: Permission denied"]


@needs_permission_errors
def test_unreadable_folder_at_depth_and_a_file_inside_one(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    locked = tmp_path / "a" / "locked"
    locked.mkdir(parents=True)
    (locked / "inner.py").write_text(BAD)
    (tmp_path / "a" / ".gitignore").write_text("x\n")
    (tmp_path / "a" / ".gitignore").chmod(0)
    locked.chmod(0)
    try:
        code, found, errors = _check(tmp_path, ".")
        assert code == 1 and len(found) == 3
        assert "error: a/locked: cannot read folder: Permission denied" in errors
        assert "error: a/.gitignore: cannot read: Permission denied" in errors
        code, found, errors = _check(tmp_path, "a/locked/inner.py", "bad.py")
        assert code == 1 and len(found) == 3
        assert "error: a/locked/inner.py: cannot read: Permission denied" in errors
    finally:
        locked.chmod(0o755)
