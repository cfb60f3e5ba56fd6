"""Adopting sagelint as a CI gate, through the real command: the severity gate, output after
--fix, rule documentation as text and JSON, and option conflicts."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import BAD, no_traceback, sagelint

# A fixable deploy above a finding that has no fix: --fix adds lines above the one left.
SHIFTING = """\
from sagemaker.pytorch import PyTorch, PyTorchModel

model = PyTorchModel(
    model_data="s3://b/model.tar.gz",
    role="r", framework_version="2.1", py_version="py310",
)
model.deploy(
    initial_instance_count=1,
    instance_type="ml.m5.large",
)
est = PyTorch(entry_point="train.py", role="r", env={"A": "1"}, framework_version="2.1", py_version="py310")
"""

# Only warnings (SM101, SM201, SM202) and one error (SM103: an int env value).
WITH_ERROR = BAD.replace('py_version="py310")', 'py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300})')


def test_fail_on_error_reports_warnings_but_passes(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    default = sagelint("check", "--isolated", "bad.py", cwd=tmp_path)
    assert default.returncode == 1
    gate = sagelint("check", "--isolated", "--fail-on", "error", "bad.py", cwd=tmp_path)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    # The summary counts warnings as warnings and says why the run passes.
    assert "SM201" in gate.stdout and gate.stdout.splitlines()[-1] == (
        "Found 3 problems (0 errors, 3 warnings); 3 fixable with --fix; "
        "warnings do not fail the run (--fail-on error)."
    )
    assert default.stdout.splitlines()[-1] == (
        "Found 3 problems (0 errors, 3 warnings); 3 fixable with --fix."
    )
    (tmp_path / "worse.py").write_text(WITH_ERROR)
    failing = sagelint("check", "--isolated", "--fail-on", "error", "worse.py", cwd=tmp_path)
    assert failing.returncode == 1 and "SM103" in failing.stdout
    warning_gate = sagelint("check", "--isolated", "--fail-on", "warning", "bad.py", cwd=tmp_path)
    assert warning_gate.returncode == 1


def test_the_summary_counts_errors_and_warnings_in_every_text_format(tmp_path: Path) -> None:
    (tmp_path / "worse.py").write_text(WITH_ERROR)
    for output_format in ("full", "concise"):
        result = sagelint(
            "check", "--isolated", "--output-format", output_format, "worse.py", cwd=tmp_path
        )
        assert result.stdout.splitlines()[-1] == (
            "Found 3 problems (1 error, 2 warnings); 3 fixable with --fix."
        ), output_format
    # After --fix: what was fixed, and what remains by severity (SM108 has no fix).
    (tmp_path / "left.py").write_text(SHIFTING)
    (tmp_path / "train.py").write_text("")  # its entry point exists: no SM402
    fixed = sagelint("check", "--isolated", "--fix", "--fail-on", "error", "left.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.splitlines()[-1] == (
        "Found 4 problems (3 fixed, 1 remaining: 0 errors, 1 warning); "
        "warnings do not fail the run (--fail-on error)."
    )


def test_fail_on_from_the_configuration_and_overridden(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "sagelint.toml").write_text('fail-on = "error"\n')
    assert sagelint("check", "bad.py", cwd=tmp_path).returncode == 0
    assert sagelint("check", "--fail-on", "warning", "bad.py", cwd=tmp_path).returncode == 1


def test_unreadable_files_still_fail_with_fail_on_error(tmp_path: Path) -> None:
    (tmp_path / "broken.ipynb").write_text("{\"sagemaker\": not json")
    result = sagelint("check", "--isolated", "--fail-on", "error", "broken.ipynb", cwd=tmp_path)
    assert result.returncode == 1 and "broken.ipynb" in result.stderr


def test_isolated_with_config_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sagelint.toml").write_text("")
    (tmp_path / "bad.py").write_text(BAD)
    result = sagelint("check", "--isolated", "--config", "sagelint.toml", "bad.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "sagelint: --isolated and --config cannot be used together\n"


def test_full_format_shows_each_severity(tmp_path: Path) -> None:
    (tmp_path / "worse.py").write_text(WITH_ERROR)
    out = sagelint("check", "--isolated", "worse.py", cwd=tmp_path).stdout
    assert "^ SM103 error" in out and "^ SM201 warning" in out


def test_excerpt_and_fingerprint_after_fix_come_from_the_fixed_text(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("")  # the entry point exists (SM402)
    (tmp_path / "a.py").write_text(SHIFTING)
    fixed = sagelint("check", "--isolated", "--no-cache", "--fix", "a.py", cwd=tmp_path)
    assert fixed.returncode == 1
    assert "a.py:14:49: SM108" in fixed.stdout
    assert '14 | est = PyTorch(entry_point="train.py", role="r", env={"A": "1"}, framework_version="2.1", py_version="py310")' in fixed.stdout
    # SARIF of the --fix run of a copy and of a plain run of the fixed file agree.
    (tmp_path / "b.py").write_text(SHIFTING)
    during = sagelint("check", "--isolated", "--no-cache", "--fix", "--output-format", "sarif",
                      "b.py", cwd=tmp_path)
    after = sagelint("check", "--isolated", "--no-cache", "--output-format", "sarif", "b.py",
                     cwd=tmp_path)
    prints = [
        [r["partialFingerprints"] for r in json.loads(out.stdout)["runs"][0]["results"]]
        for out in (during, after)
    ]
    assert prints[0] == prints[1] and len(prints[0]) == 1


def test_rule_all_and_json(tmp_path: Path) -> None:
    everything = sagelint("rule", "--all", cwd=tmp_path)
    assert everything.returncode == 0
    assert "# startup-timeout-missing (SM201)" in everything.stdout
    assert "# invalid-syntax (SM001)" in everything.stdout
    one = json.loads(sagelint("rule", "SM201", "--output-format", "json", cwd=tmp_path).stdout)
    assert one["code"] == "SM201" and one["name"] == "startup-timeout-missing"
    assert one["severity"] == "warning" and one["default"] is True and one["fix"] == "safe"
    assert "## What it does" in one["explanation"]
    listed = json.loads(sagelint("rule", "--all", "--output-format", "json", cwd=tmp_path).stdout)
    assert [item["code"] for item in listed] == sorted(item["code"] for item in listed)
    assert one in listed
    table = json.loads(sagelint("rules", "--output-format", "json", cwd=tmp_path).stdout)
    assert [item["code"] for item in table] == [item["code"] for item in listed]
    assert "explanation" not in table[0] and table[0]["summary"]


def test_rule_needs_a_code_or_all(tmp_path: Path) -> None:
    for args in (("rule",), ("rule", "SM201", "--all")):
        result = sagelint(*args, cwd=tmp_path)
        assert result.returncode == 2 and "give a rule code or --all" in result.stderr
        no_traceback(result)
