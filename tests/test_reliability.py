"""No input crashes sagelint, no fix corrupts a file, nothing runs: the bad-input matrix
through the real command, safe writing, the per-file time limit."""

from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path
from typing import Dict

import pytest

from sagelint.config import Settings
from sagelint.runner import RunOptions, run
from test_cli import BAD, no_traceback, sagelint

CASES: Dict[str, bytes] = {
    "empty.py": b"",
    "bom_only.py": b"\xef\xbb\xbf",
    "crlf.py": BAD.replace("\n", "\r\n").encode(),
    "mixed.py": BAD.replace("\n", "\r\n", 2).encode(),
    "tabs.py": b"import sagemaker\n\ndef deploy():\n\tm = sagemaker.pytorch.PyTorchModel(\n\t\trole='r',\n\t)\n\treturn m\n",
    "latin1.py": "# -*- coding: latin-1 -*-\n# modèle\n".encode("latin-1") + BAD.encode(),
    "no_cookie.py": "import sagemaker  # modèle\n".encode("latin-1"),
    "binary.py": b"sagemaker\x00\x01\x02\xff\xfe" * 100,
    "nul.py": b"import sagemaker\nx = 1\x00\n",
    "deep.py": b"import sagemaker\nx = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
}
EXPECTED_ERRORS = {
    "no_cookie.py": "cannot decode as utf-8",
    "binary.py": "cannot decode as utf-8",
    "huge.py": "larger than 10 MB: not checked",
    "loop.py": "cannot read:",
    "dangling.py": "cannot read:",
}


@pytest.fixture
def matrix(tmp_path: Path) -> Path:
    for name, data in CASES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "bad.py").write_text(BAD)
    huge = b"import sagemaker\n" + b"x = 1\n" * (20 * 1024 * 1024 // 6)
    (tmp_path / "huge.py").write_bytes(huge)  # 20 MB that could hold SageMaker code
    (tmp_path / "huge_plain.py").write_bytes(b"x = 1\n" * (20 * 1024 * 1024 // 6))
    (tmp_path / "package.py").mkdir()  # a directory named like a module
    (tmp_path / "package.py" / "inner.py").write_text(BAD)
    os.symlink("loop.py", tmp_path / "loop.py")
    os.symlink("nowhere.py", tmp_path / "dangling.py")
    return tmp_path


def test_bad_input_matrix(matrix: Path) -> None:
    result = sagelint("check", "--output-format", "concise", ".", cwd=matrix)
    no_traceback(result)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    for name, message in EXPECTED_ERRORS.items():
        (line,) = [e for e in errors if e.startswith(f"error: {name}: ")]
        assert message in line
    assert len(errors) == len(EXPECTED_ERRORS), result.stderr
    out = result.stdout
    assert "bad.py:3:9: SM101" in out and "package.py/inner.py:3:9: SM101" in out
    assert "crlf.py:3:9: SM101" in out and "mixed.py:3:9: SM101" in out
    assert "latin1.py:5:9: SM101" in out and "tabs.py:4:6: SM101" in out
    assert "nul.py:2:6: SM001 cannot parse: source contains a null byte" in out
    assert "deep.py:2:205: SM001 cannot parse: too many nested parentheses" in out
    for quiet in ("empty.py", "bom_only.py", "huge_plain.py"):
        assert quiet not in out and quiet not in result.stderr


def test_fixing_the_matrix_keeps_every_file_intact(matrix: Path) -> None:
    before = {name: (matrix / name).read_bytes() for name in CASES}
    result = sagelint("check", "--fix", ".", cwd=matrix)
    no_traceback(result)
    for name in ("empty.py", "bom_only.py", "no_cookie.py", "binary.py", "nul.py", "deep.py"):
        assert (matrix / name).read_bytes() == before[name], name
    crlf = (matrix / "crlf.py").read_bytes()
    assert b"SAGEMAKER_MODEL_SERVER_TIMEOUT" in crlf and b"\n" not in crlf.replace(b"\r\n", b"")
    tabs = (matrix / "tabs.py").read_text()
    assert "\t\tenv={" in tabs and "    " not in tabs  # the new argument is tab-indented too
    mixed = (matrix / "mixed.py").read_bytes()
    assert mixed.startswith(before["mixed.py"][:40])  # the CRLF lines stay CRLF
    assert not [p for p in matrix.iterdir() if p.name.endswith(".sagelint-tmp")]


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    (tmp_path / "secret.py").write_text(BAD)
    os.chmod(tmp_path / "secret.py", 0)
    (tmp_path / "bad.py").write_text(BAD)
    result = sagelint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert "error: secret.py: cannot read: Permission denied" in result.stderr
    assert "bad.py:3:9: SM101" in result.stdout
    no_traceback(result)


def test_a_file_that_disappears_during_the_run(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    outcome = run([str(tmp_path / "gone.py"), str(tmp_path / "bad.py")], Settings.build(), RunOptions())
    gone, bad = outcome.files
    assert gone.error is not None and gone.error.message.startswith("cannot read: No such file")
    assert [d.code for d in bad.diagnostics] == ["SM101", "SM201", "SM202"]


def test_a_failed_write_leaves_the_original_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bad.py"
    target.write_text(BAD)

    def full_disk(source: str, destination: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full_disk)
    outcome = run([str(target)], Settings.build(), RunOptions(fix=True))
    (result,) = outcome.files
    assert result.error is None
    assert result.write_error == "cannot write fixes: No space left on device"
    # Nothing was fixed: the findings remain, as if --fix had not been given.
    assert result.applied_fixes == () and result.fixed_bytes is None
    assert [d.code for d in result.diagnostics] == ["SM101", "SM201", "SM202"]
    assert target.read_text() == BAD
    assert [p.name for p in tmp_path.iterdir()] == ["bad.py"]


def test_mode_and_missing_final_newline_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "bad.py"
    target.write_text(BAD.rstrip("\n"))
    os.chmod(target, 0o640)
    result = sagelint("check", "--fix", "bad.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    fixed = target.read_text()
    assert "SAGEMAKER_MODEL_SERVER_TIMEOUT" in fixed and not fixed.endswith("\n")


def test_a_fix_that_would_not_parse_is_dropped_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sagelint.rules.deploy.common as deploy_rules

    def broken(ctx: object, call: object, name: str, value_code: str) -> list:
        return [(0, 0, "def (:\n")]

    monkeypatch.setattr(deploy_rules, "add_keyword", broken)
    target = tmp_path / "bad.py"
    target.write_text(BAD)
    outcome = run([str(target)], Settings.build(), RunOptions(fix=True))
    (result,) = outcome.files
    assert result.dropped_fixes == ("SM201 at 1:1", "SM202 at 1:1")
    fixed = target.read_text()
    compile(fixed, "bad.py", "exec")  # SM101's fix applied, the broken ones not
    assert "SAGEMAKER_MODEL_SERVER_TIMEOUT" in fixed and "def (" not in fixed


def test_a_file_that_takes_too_long_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sagelint.engine import Engine

    real_check = Engine.check

    def slow_on_one(self: Engine, path: str, data: bytes, **kwargs: object) -> object:
        if path.endswith("slow.py"):  # 5 s of CPU (the limit counts CPU time)
            start = time.process_time()
            while time.process_time() - start < 5:
                pass
        return real_check(self, path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "check", slow_on_one)
    (tmp_path / "slow.py").write_text(BAD)
    (tmp_path / "bad.py").write_text(BAD)
    started = time.monotonic()
    outcome = run(
        [str(tmp_path / "slow.py"), str(tmp_path / "bad.py")],
        Settings.build(),
        RunOptions(time_limit=0.2),
    )
    assert time.monotonic() - started < 4
    slow, bad = outcome.files
    assert slow.error is not None and slow.error.message == "took longer than 0.2 s to check: skipped"
    assert [d.code for d in bad.diagnostics] == ["SM101", "SM201", "SM202"]


def test_nothing_is_imported_or_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    (tmp_path / "sideeffect.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n")
    (tmp_path / "deploy.py").write_text(
        "import sideeffect\n"
        f"open({str(marker)!r}, 'w').write('executed')\n" + BAD
    )
    result = sagelint("check", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not marker.exists()
    assert not (tmp_path / "__pycache__").exists()
