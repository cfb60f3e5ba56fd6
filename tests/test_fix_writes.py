"""What `--fix` writes, and what it never touches: a file changed or deleted during the run,
a read-only file or folder; hard links, owner and group kept; only written fixes counted. And
what sagelint reads: only regular files, never more than the limit + 1 byte."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, List

import pytest

import sagelint.runner as runner
from sagelint.config import Settings
from sagelint.runner import RunOptions, run
from test_cli import BAD, no_traceback, sagelint
from test_unreadable import CAN_DROP, DROP_CAPABILITIES, PRIVILEGED

FIX = ("check", "--isolated", "--no-cache", "--fix")
FINDINGS = ["SM101", "SM201", "SM202"]  # BAD's, each with a safe fix
FIXED_MARK = "SAGEMAKER_MODEL_SERVER_TIMEOUT"


def _codes(report: str, name: str) -> List[str]:
    """The codes a JSON report gives for the file called `name`."""
    return [item["code"] for item in json.loads(report) if Path(item["filename"]).name == name]


def _listed(report: str, name: str) -> List[str]:
    """The codes a concise report gives for the file called `name`."""
    lines = [line for line in report.splitlines() if line.startswith(f"{name}:")]
    return [line.split(": ")[1].split()[0] for line in lines]


def _invoke(args: List[str]) -> Any:
    """The command in this process (so that a test can step between check and write)."""
    from click.testing import CliRunner

    from sagelint.cli import main

    return CliRunner().invoke(main, args)


def _edit_before_writing(
    monkeypatch: pytest.MonkeyPatch, act: Callable[[str], None]
) -> List[str]:
    """Run `act(path)` after a file was checked and just before its fixes are written (what
    an editor saving, or git checking out, during a long run does)."""
    real = runner.write_atomic
    seen: List[str] = []

    def write(path: str, data: bytes, **kwargs: Any) -> None:
        seen.append(path)
        act(path)
        real(path, data, **kwargs)

    monkeypatch.setattr(runner, "write_atomic", write)
    return seen


# -- 1: a file changed or deleted during the run ------------------------------------------


@pytest.mark.parametrize("files", [3, 12], ids=["in process", "in a pool"])
def test_a_file_edited_or_deleted_during_the_run_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: int
) -> None:
    monkeypatch.setenv("SAGELINT_JOBS", "2")  # 12 files: checked by 2 workers
    for number in range(files):
        (tmp_path / f"f{number}.py").write_text(BAD)
    edited, deleted = tmp_path / "f0.py", tmp_path / "f1.py"

    def meanwhile(path: str) -> None:
        if path == str(edited):
            with open(edited, "a") as stream:
                stream.write("# edit\n")
        elif path == str(deleted):
            deleted.unlink()

    seen = _edit_before_writing(monkeypatch, meanwhile)
    result = _invoke([*FIX, "--output-format", "json", str(tmp_path)])
    assert str(edited) in seen and str(deleted) in seen
    assert edited.read_text() == BAD + "# edit\n"  # the edit is kept, nothing else written
    assert not deleted.exists()  # never created again
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"f{n}.py" for n in range(files) if n != 1
    )
    for number in range(2, files):
        assert FIXED_MARK in (tmp_path / f"f{number}.py").read_text()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {edited} changed during the run: not fixed",
        f"warning: {deleted} changed during the run: not fixed",
    ]
    # Their findings are reported as remaining (none counted as fixed); the others are fixed.
    assert _codes(result.stdout, "f0.py") == _codes(result.stdout, "f1.py") == FINDINGS
    assert _codes(result.stdout, "f2.py") == []
    assert result.exit_code == 1


def test_a_save_while_the_fixed_file_is_being_written_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save after the file was read again, while the fixed bytes go to the temporary
    file, is seen just before the rename: the rename does not happen."""
    import sagelint.files as files

    target = tmp_path / "f.py"
    target.write_text(BAD)
    real_keep_owner = files._keep_owner

    def save_meanwhile(temporary: str, info: os.stat_result) -> None:
        with open(target, "a") as stream:
            stream.write("# saved\n")
        real_keep_owner(temporary, info)

    monkeypatch.setattr(files, "_keep_owner", save_meanwhile)
    (result,) = run([str(target)], Settings.build(), RunOptions(fix=True)).files
    assert result.changed_during_run and result.applied_fixes == ()
    assert target.read_text() == BAD + "# saved\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.py"]


def test_the_summary_counts_a_file_changed_during_the_run_as_remaining(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(BAD)
    _edit_before_writing(
        monkeypatch, lambda path: Path(path).write_text(BAD + "x = 1\n") if "a.py" in path else None
    )
    result = _invoke([*FIX, "--output-format", "concise", str(tmp_path)])
    assert "Found 6 problems (3 fixed, 3 remaining: 0 errors, 3 warnings)." in result.stdout
    assert (tmp_path / "a.py").read_text() == BAD + "x = 1\n"


@pytest.mark.parametrize("reach", ["link", "file and folder"])
def test_a_file_reached_twice_is_fixed_not_changed_during_the_run(
    tmp_path: Path, reach: str
) -> None:
    """This run's own write is no edit of someone else's: a link to a checked file, or a file
    named with its folder, is fixed once and reported fixed twice, exit 0."""
    (tmp_path / "a.py").write_text(BAD)
    if reach == "link":
        (tmp_path / "b.py").symlink_to("a.py")
        paths = ["."]
    else:
        paths = ["a.py", "."]
    result = _run(tmp_path, "--fix", "--output-format", "concise", *paths)
    assert "changed during the run" not in result.stderr, result.stderr
    assert "Found 6 problems (6 fixed, 0 remaining)." in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "a.py").read_text() != BAD


# -- 3: read-only files, owner and group, hard links -----------------------------------------


def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    """`chmod 444` keeps --fix off a file, for root too (the mode bits decide, see
    files._require_writable), with one error line; its findings remain."""
    ro, rw = tmp_path / "ro.py", tmp_path / "rw.py"
    ro.write_text(BAD)
    rw.write_text(BAD)
    ro.chmod(0o444)
    inode = ro.stat().st_ino
    result = sagelint(*FIX, "--output-format", "concise", ".", cwd=tmp_path)
    no_traceback(result)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: ro.py: cannot write fixes: the file is read-only"]
    assert "Found 6 problems (3 fixed, 3 remaining: 0 errors, 3 warnings)." in result.stdout
    assert _listed(result.stdout, "ro.py") == FINDINGS
    assert result.returncode == 1
    assert ro.read_text() == BAD and ro.stat().st_ino == inode
    assert stat.S_IMODE(ro.stat().st_mode) == 0o444
    assert FIXED_MARK in rw.read_text()


def test_a_file_the_user_may_not_write_is_refused(tmp_path: Path) -> None:
    """A file with a write bit, but not for this user: someone else's file, checked by root
    without the capabilities that let it write anything."""
    if not PRIVILEGED:
        pytest.skip("only root can give a file to another user")
    if not CAN_DROP:
        pytest.skip("running as root, which writes whatever the mode says, and setpriv "
                    "cannot drop that")
    target = tmp_path / "theirs.py"
    target.write_text(BAD)
    target.chmod(0o644)
    os.chown(target, 12345, 12345)
    result = _unprivileged(tmp_path, *FIX, "--output-format", "json", "theirs.py")
    assert "error: theirs.py: cannot write fixes: Permission denied" in result.stderr
    assert _codes(result.stdout, "theirs.py") == FINDINGS
    assert target.read_text() == BAD


def test_hard_links_keep_sharing_the_fixed_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text(BAD)
    os.link(first, second)
    inode = first.stat().st_ino
    result = sagelint(*FIX, "first.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(3 fixed, 0 remaining)" in result.stdout
    assert FIXED_MARK in first.read_text()
    assert second.read_text() == first.read_text()
    assert first.stat().st_ino == second.stat().st_ino == inode
    assert first.stat().st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.py", "second.py"]  # no backup


def test_a_failed_write_in_place_puts_the_original_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.py", tmp_path / "second.py"
    first.write_text(BAD + "# " + "x" * 5000 + "\n")
    os.link(first, second)
    before = first.read_bytes()
    real_truncate = os.ftruncate
    calls: List[int] = []

    def full_disk_once(descriptor: int, length: int) -> None:
        calls.append(length)
        if len(calls) == 1:  # the new bytes are written over the old: then the disk fills up
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_truncate(descriptor, length)

    monkeypatch.setattr(os, "ftruncate", full_disk_once)
    (result,) = run([str(first)], Settings.build(), RunOptions(fix=True)).files
    assert result.write_error == "cannot write fixes: No space left on device"
    assert len(calls) == 2 and calls[1] == len(before)  # the new bytes, then the old ones
    assert first.read_bytes() == second.read_bytes() == before
    assert [d.code for d in result.diagnostics] == FINDINGS and result.applied_fixes == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.py", "second.py"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root may give a file to another owner")
def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "theirs.py"
    target.write_text(BAD)
    os.chown(target, 12345, 23456)
    target.chmod(0o664)
    result = sagelint(*FIX, "theirs.py", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    info = target.stat()
    assert FIXED_MARK in target.read_text()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o664)


# -- 5: fixes that cannot be written are not counted ---------------------------------------


def test_a_read_only_folder_reports_no_fix_as_applied(tmp_path: Path) -> None:
    """The rename needs a writable folder: without one, the error, and the findings stay
    (needs a user the folder's mode applies to)."""
    if PRIVILEGED and not CAN_DROP:
        pytest.skip("running as root, which writes whatever the mode says, and setpriv "
                    "cannot drop that")
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "f.py").write_text(BAD)
    folder.chmod(0o555)
    try:
        text = _unprivileged(folder, *FIX, "--output-format", "concise", "f.py")
        report = _unprivileged(folder, *FIX, "--output-format", "json", "f.py")
    finally:
        folder.chmod(0o755)
    errors = [line for line in text.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: f.py: cannot write fixes: Permission denied"]
    assert "Found 3 problems (0 fixed, 3 remaining: 0 errors, 3 warnings)." in text.stdout
    assert text.returncode == report.returncode == 1
    assert _codes(report.stdout, "f.py") == FINDINGS
    assert (folder / "f.py").read_text() == BAD
    assert sorted(p.name for p in folder.iterdir()) == ["f.py"]


def test_a_full_disk_reports_no_fix_as_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "f.py").write_text(BAD)
    real_replace = os.replace

    def full_disk(source: str, destination: str) -> None:
        if destination.endswith("f.py"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", full_disk)
    for output_format, check in (
        ("concise", lambda out: "Found 3 problems (0 fixed, 3 remaining: 0 errors, 3 warnings)." in out),
        ("json", lambda out: _codes(out, "f.py") == FINDINGS),
        ("sarif", lambda out: len(json.loads(out)["runs"][0]["results"]) == 3),
    ):
        result = _invoke([*FIX, "--output-format", output_format, str(tmp_path / "f.py")])
        assert result.exit_code == 1
        assert f"error: {tmp_path / 'f.py'}: cannot write fixes: No space left on device" in (
            result.stderr
        )
        assert check(result.stdout), (output_format, result.stdout)
    assert (tmp_path / "f.py").read_text() == BAD


# -- 4: only regular files, never more than the limit ---------------------------------------


def _special_files(folder: Path) -> None:
    os.mkfifo(folder / "fifo.py")
    os.mkfifo(folder / "fifo.ipynb")
    (folder / "zero.py").symlink_to("/dev/zero")
    (folder / "bad.py").write_text(BAD)


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command, with a timeout that a hang (the old reading of a FIFO) hits."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache", *args],
        cwd=folder, capture_output=True, text=True, timeout=60, env=env, check=False,
    )
    no_traceback(result)
    return result


def test_the_walk_skips_fifos_and_devices(tmp_path: Path) -> None:
    _special_files(tmp_path)
    result = _run(tmp_path, "--output-format", "concise", ".")
    assert result.stderr == ""
    assert _listed(result.stdout, "bad.py") == FINDINGS
    assert len([line for line in result.stdout.splitlines() if ": SM" in line]) == 3
    assert result.returncode == 1


def test_a_fifo_or_device_named_is_one_error_and_the_rest_is_checked(tmp_path: Path) -> None:
    _special_files(tmp_path)
    result = _run(tmp_path, "--output-format", "concise", "fifo.py", "zero.py", "bad.py")
    assert result.stderr.splitlines() == [
        "error: fifo.py: cannot read: not a regular file (a FIFO)",
        "error: zero.py: cannot read: not a regular file (a character device)",
    ]
    assert "bad.py:3:9: SM101" in result.stdout
    assert result.returncode == 1


def test_a_fifo_baseline_or_configuration_is_one_line(tmp_path: Path) -> None:
    _special_files(tmp_path)
    os.mkfifo(tmp_path / "baseline.json")
    os.mkfifo(tmp_path / "sagelint.toml")
    result = _run(tmp_path, "--baseline", "baseline.json", "bad.py")
    assert result.stderr.splitlines() == [
        "sagelint: baseline.json: cannot read the baseline: not a regular file (a FIFO)"
    ]
    assert result.returncode == 2
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--no-cache", "--config", "sagelint.toml",
         "bad.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env,
        check=False,
    )
    assert result.stderr.splitlines() == [
        "sagelint: sagelint.toml: cannot read: not a regular file (a FIFO)"
    ]
    assert result.returncode == 2


def test_a_huge_file_is_never_read_whole(tmp_path: Path) -> None:
    """A sparse file of 64 GB: once read whole (memory ran out), now its first 10 MB + 1 byte."""
    for name in ("huge.py", "huge_plain.py"):
        with open(tmp_path / name, "wb") as stream:
            stream.write(b"import sagemaker\n" if name == "huge.py" else b"x = 1\n")
            stream.truncate(64 * 1024**3)
    (tmp_path / "bad.py").write_text(BAD)
    result = _run(tmp_path, "--output-format", "concise", ".")
    assert result.stderr.splitlines() == [
        "error: huge.py: 65536.0 MB is larger than 10 MB: not checked"
    ]
    assert "bad.py:3:9: SM101" in result.stdout and result.returncode == 1


def _unprivileged(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command, as a user the mode bits apply to: this user when it is not root,
    else root without the capabilities that let it write anything (setpriv)."""
    command = [sys.executable, "-m", "sagelint", *args]
    if PRIVILEGED:
        command = [*DROP_CAPABILITIES, *command]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120,
                            env=env, check=False)
    no_traceback(result)
    return result


def _at_most_2_gb() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/zero and RLIMIT_AS")
def test_standard_input_is_read_bounded(tmp_path: Path) -> None:
    """Endless standard input: its first 10 MB + 1 byte are read (it was read to the end: the
    2 GB limit set here made that a MemoryError, on a machine without it the OOM killer)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    with open("/dev/zero", "rb") as endless:
        result = subprocess.run(
            [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache", "-"],
            cwd=tmp_path, stdin=endless, capture_output=True, text=True, timeout=60, env=env,
            preexec_fn=_at_most_2_gb, check=False,
        )
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    # With --fix, what cannot be checked is passed on unchanged, however long.
    source = (BAD + "#" * (11 * 1024 * 1024) + "\n").encode()
    result = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache", "--fix", "-"],
        cwd=tmp_path, input=source, capture_output=True, timeout=60, env=env, check=False,
    )
    assert result.stdout == source
    assert result.stderr.decode().splitlines()[0] == "error: -: larger than 10 MB: not checked"
