"""The real command, run in a subprocess as users and CI run it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from conftest import ROOT

BAD = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(model_data="s3://b/model.tar.gz", role="r", framework_version="2.1", py_version="py310")
model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
"""

GOOD = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(
    model_data="s3://b/model.tar.gz",
    role="r",
    framework_version="2.1",
    py_version="py310",
    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"},
)
model.deploy(
    initial_instance_count=1,
    instance_type="ml.m5.large",
    container_startup_health_check_timeout=600,
    model_data_download_timeout=600,
)
"""


def sagelint(
    *args: str, cwd: Path, stdin: str = "", env: Optional[Dict[str, str]] = None
) -> subprocess.CompletedProcess:
    """The real command, without colour forced on or off; `env` adds variables."""
    env = {k: v for k, v in {**os.environ, **(env or {})}.items()
           if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "sagelint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "plain.py").write_text("print('no cloud here')\n")
    return tmp_path


def test_findings_exit_1_and_clean_exit_0(project: Path) -> None:
    result = sagelint("check", "--output-format", "concise", cwd=project)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("bad.py:")]
    assert [line.split()[1] for line in lines] == ["SM101", "SM201", "SM202"]
    assert "bad.py:3:9: SM101 [*]" in result.stdout
    assert "Found 3 problems (0 errors, 3 warnings); 3 fixable with --fix." in result.stdout
    clean = sagelint("check", "good.py", "plain.py", cwd=project)
    assert clean.returncode == 0
    assert "All checks passed!" in clean.stdout
    no_traceback(result)


def test_full_format_shows_source_and_caret(project: Path) -> None:
    result = sagelint("check", "bad.py", cwd=project)
    assert "3 | model = PyTorchModel(" in result.stdout
    assert "  |         ^^^^" in result.stdout
    assert "= help: Add `env=" in result.stdout


def test_json_output_has_ruffs_shape(project: Path) -> None:
    result = sagelint("check", "bad.py", "--output-format", "json", cwd=project)
    items = json.loads(result.stdout)
    assert [item["code"] for item in items] == ["SM101", "SM201", "SM202"]
    first = items[0]
    assert set(first) == {
        "code", "name", "message", "severity", "filename", "location", "end_location",
        "cell", "fix", "noqa_row", "url",
    }
    assert first["filename"] == "bad.py"
    assert first["location"] == {"row": 3, "column": 9}
    assert first["end_location"] == {"row": 3, "column": 110}
    assert first["noqa_row"] == 3
    assert first["fix"]["applicability"] == "safe"
    # With env the line would exceed 88 characters: the edits put one argument per line,
    # touching only the gaps between them, and add env last.
    edits = [
        (edit["location"]["column"], edit["end_location"]["column"], edit["content"])
        for edit in first["fix"]["edits"]
    ]
    assert edits == [
        (22, 22, "\n    "),
        (55, 56, "\n    "),
        (65, 66, "\n    "),
        (90, 91, "\n    "),
        (109, 109, ',\n    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"},\n'),
    ]
    assert all(edit["location"]["row"] == 3 for edit in first["fix"]["edits"])


def test_fix_writes_and_second_run_is_clean(project: Path) -> None:
    result = sagelint("check", "--fix", "--show-fixes", "bad.py", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Found 3 problems (3 fixed, 0 remaining)." in result.stdout
    assert "Fixed 3 problems:" in result.stdout and "1 × SM101 (model-env-missing)" in result.stdout
    fixed = (project / "bad.py").read_text()
    compile(fixed, "bad.py", "exec")
    assert sagelint("check", "bad.py", cwd=project).returncode == 0
    again = sagelint("check", "--fix", "bad.py", cwd=project)
    assert (project / "bad.py").read_text() == fixed
    assert again.returncode == 0


def test_exit_non_zero_on_fix_and_exit_zero(project: Path) -> None:
    assert sagelint("check", "--fix", "--exit-non-zero-on-fix", "bad.py", cwd=project).returncode == 1
    assert sagelint("check", "--exit-zero", "good.py", cwd=project).returncode == 0
    (project / "bad.py").write_text(BAD)
    assert sagelint("check", "--exit-zero", "bad.py", cwd=project).returncode == 0


def test_diff_writes_nothing(project: Path) -> None:
    result = sagelint("check", "--diff", "bad.py", cwd=project)
    assert result.returncode == 1
    assert "--- bad.py" in result.stdout and "+++ bad.py" in result.stdout
    assert '+    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"},\n' in result.stdout
    assert "Would fix 3 problems." in result.stderr
    assert (project / "bad.py").read_text() == BAD
    clean = sagelint("check", "--diff", "good.py", cwd=project)
    assert clean.returncode == 0 and clean.stdout == ""


def test_unsafe_fixes_only_on_request(tmp_path: Path) -> None:
    source = GOOD.replace("container_startup_health_check_timeout=600", "container_startup_health_check_timeout=300")
    (tmp_path / "low.py").write_text(source)
    safe = sagelint("check", "--fix", "low.py", cwd=tmp_path)
    assert safe.returncode == 1 and "SM203" in safe.stdout
    assert (tmp_path / "low.py").read_text() == source
    unsafe = sagelint("check", "--fix", "--unsafe-fixes", "low.py", cwd=tmp_path)
    assert unsafe.returncode == 0
    assert "container_startup_health_check_timeout=600" in (tmp_path / "low.py").read_text()


def test_fix_keeps_crlf_encoding_bom_and_mode(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(BAD.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# modèle\n" + BAD).encode("latin-1"))
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    os.chmod(crlf, 0o755)
    result = sagelint("check", "--fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = crlf.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(os.stat(crlf).st_mode) == 0o755
    text = latin.read_bytes().decode("latin-1")
    assert "modèle" in text and "SAGEMAKER_MODEL_SERVER_TIMEOUT" in text
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".sagelint-tmp")]


def test_syntax_error_is_reported_where_cpython_says_and_run_goes_on(project: Path) -> None:
    broken = 'import sagemaker\nmodel = sagemaker.Model(\n    env={"A": "1"}\n    role="r",\n)\n'
    (project / "broken.py").write_text(broken)
    result = sagelint("check", "--output-format", "concise", cwd=project)
    try:
        compile(broken, "broken.py", "exec")
    except SyntaxError as error:
        expected = f"broken.py:{error.lineno}:{error.offset}: SM001"
    assert expected in result.stdout
    assert "bad.py:3:9: SM101" in result.stdout
    assert result.returncode == 1
    no_traceback(result)


def test_unreadable_and_undecodable_files_give_one_line(project: Path) -> None:
    (project / "latin_no_cookie.py").write_bytes("import sagemaker  # modèle\n".encode("latin-1"))
    (project / "dangling.py").symlink_to(project / "missing-target.py")
    (project / "binary.py").write_bytes(b"sagemaker\x00\xff\xfe\x00binary")
    result = sagelint("check", "--output-format", "concise", cwd=project)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    named = {line.split(":")[1].strip() for line in errors}
    assert {"latin_no_cookie.py", "dangling.py", "binary.py"} <= named
    assert "bad.py:3:9: SM101" in result.stdout
    assert result.returncode == 1
    no_traceback(result)


def test_compiler_warnings_about_the_checked_code_are_not_printed(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text('import re\npattern = re.compile("\\d+")\nx = [1]()\n' + BAD)
    result = sagelint("check", "--output-format", "concise", "bad.py", cwd=tmp_path)
    assert "SM101" in result.stdout
    assert result.stderr == ""


def test_inputs_that_crash_libcst_are_stopped_by_cpythons_compiler(tmp_path: Path) -> None:
    """LibCST's native parser overflows its stack on these and kills the process; CPython's
    compiler rejects them first, and the run goes on with the other files."""
    (tmp_path / "nested.py").write_text("import sagemaker\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    (tmp_path / "chain.py").write_text("import sagemaker\nx = " + "+".join(["a"] * 50000) + "\n")
    (tmp_path / "nul.py").write_bytes(b"import sagemaker  \x00\n")
    (tmp_path / "deep.py").write_text("import sagemaker\nx = " + "+".join(["a"] * 1500) + "\n")
    (tmp_path / "bad.py").write_text(BAD)
    result = sagelint("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "nested.py:2:205: SM001 cannot parse: too many nested parentheses" in result.stdout
    # CPython 3.11 and 3.12 refuse the chain themselves; other versions accept it and
    # sagelint's own depth limit stops it.
    assert (
        "chain.py:1:1: SM001 cannot parse: too deeply nested for the Python compiler"
        in result.stdout
        or "error: chain.py: nested more than 1000 levels deep: too deep to check"
        in result.stderr
    )
    assert "nul.py:1:19: SM001 cannot parse: source contains a null byte" in result.stdout
    assert "error: deep.py: nested more than 1000 levels deep: too deep to check" in result.stderr
    assert "bad.py:3:9: SM101" in result.stdout
    no_traceback(result)


def test_missing_path_is_one_error_line_and_the_rest_is_checked(project: Path) -> None:
    """As ruff: a path that does not exist is reported, the others are checked, exit 1."""
    missing = sagelint("check", "--output-format", "concise", "nope.py", "good.py", cwd=project)
    assert missing.returncode == 1
    assert missing.stderr.splitlines() == ["error: nope.py: no such file or directory"]
    assert "nope.py" not in missing.stdout.replace("error", "")  # no diagnostic for it
    both = sagelint("check", "--output-format", "concise", "nope/deeper.py", "bad.py", cwd=project)
    assert both.returncode == 1
    assert "error: nope/deeper.py: no such file or directory" in both.stderr
    assert "bad.py:3:9: SM101" in both.stdout
    # Machine formats carry it too, so a clean report means every file was checked.
    as_json = sagelint("check", "--output-format", "sarif", "nope.py", "good.py", cwd=project)
    notes = json.loads(as_json.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("nope.py" in json.dumps(note) for note in notes)
    assert as_json.returncode == 1
    no_traceback(missing)


def test_stdin_filename_without_dash_does_not_warn(project: Path) -> None:
    """`-` is optional with --stdin-filename: the default `.` is no path the user gave."""
    result = sagelint("check", "--output-format", "concise", "--stdin-filename", "new.py",
                      cwd=project, stdin=BAD)
    assert result.returncode == 1
    assert "warning" not in result.stderr and result.stderr == ""
    assert [line.split()[1] for line in result.stdout.splitlines() if line.startswith("new.py:")] \
        == ["SM101", "SM201", "SM202"]
    # A path the user did give is still said to be ignored.
    named = sagelint("check", "--output-format", "concise", "--stdin-filename", "new.py",
                     "bad.py", cwd=project, stdin=GOOD)
    assert named.stderr.splitlines() == ["warning: ignoring bad.py in favour of standard input"]
    assert named.returncode == 0


def test_bad_selector_exit_2(project: Path) -> None:
    bad = sagelint("check", "--select", "XY1", cwd=project)
    assert bad.returncode == 2 and "unknown rule code or prefix" in bad.stderr
    no_traceback(bad)


def test_select_and_ignore(project: Path) -> None:
    only = sagelint("check", "--select", "SM2", "--output-format", "concise", "bad.py", cwd=project)
    assert "SM101" not in only.stdout and "SM201" in only.stdout
    ignored = sagelint("check", "--ignore", "SM201,SM202", "--output-format", "concise", "bad.py", cwd=project)
    assert "SM201" not in ignored.stdout and "SM101" in ignored.stdout


def test_gitignore_is_honoured_when_walking(project: Path) -> None:
    (project / ".gitignore").write_text("generated/\n")
    (project / "generated").mkdir()
    (project / "generated" / "bad_copy.py").write_text(BAD)
    (project / ".venv").mkdir()
    (project / ".venv" / "lib.py").write_text(BAD)
    result = sagelint("check", "--output-format", "concise", ".", cwd=project)
    assert "bad_copy.py" not in result.stdout and "lib.py" not in result.stdout
    named = sagelint("check", "--output-format", "concise", "generated/bad_copy.py", cwd=project)
    assert "SM101" in named.stdout
    forced = sagelint("check", "--force-exclude", "generated/bad_copy.py", cwd=project)
    assert forced.returncode == 0


def test_rule_rules_and_version(project: Path) -> None:
    rule = sagelint("rule", "SM201", cwd=project)
    assert rule.returncode == 0
    for section in ("## What it does", "## Why is this bad?", "## Fix safety", "## Options"):
        assert section in rule.stdout
    assert sagelint("rule", "SM999", cwd=project).returncode == 2
    listing = sagelint("rules", cwd=project).stdout
    assert "SM109  env-key-not-read" in listing and "off" in listing
    version = sagelint("version", cwd=project)
    assert version.stdout.startswith("sagelint 0.")


def test_bundled_examples_show_findings() -> None:
    """Quick-start command (1) shows a newcomer real findings: in realistic scripts and a
    notebook, with no test markers or fix snapshots among them."""
    result = sagelint("check", "examples", "--no-cache", "--output-format", "concise", cwd=ROOT)
    assert result.returncode == 1, result.stderr
    findings = [line for line in result.stdout.splitlines() if ": SM" in line]
    codes: List[str] = [line.split(": ", 1)[1].split()[0] for line in findings]
    assert sorted(codes) == ["SM101", "SM103", "SM103", "SM104", "SM201", "SM201", "SM202",
                             "SM309", "SM312", "SM610"], result.stdout
    files = {line.split(":")[0] for line in findings}
    assert files == {"examples/deploy_llm.py", "examples/endpoint_boto3.py",
                     "examples/serve_notebook.ipynb", "examples/train_spot.py"}
    for example in (ROOT / "examples").rglob("*.*"):
        assert ".fixed." not in example.name and "# expect:" not in example.read_text(), example
