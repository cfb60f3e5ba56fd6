"""A baseline file must have the shape `--update-baseline` writes: one that lost its
findings, or holds values of the wrong type, stops the run (exit 2, one line naming what is
wrong) instead of passing as a baseline that hides nothing, or hides what it should not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import BAD, no_traceback, sagelint

ENTRY = {"path": "bad.py", "code": "SM201", "fingerprint": "0123456789abcdef", "count": 1}


def _run(tmp_path: Path, document: object) -> "tuple[int, str]":
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "baseline.json").write_text(json.dumps(document))
    result = sagelint("check", "--isolated", "--no-cache", "--baseline", "baseline.json",
                      "bad.py", cwd=tmp_path)
    no_traceback(result)
    return result.returncode, result.stderr


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"version": 1}, 'baseline.json: not a complete baseline: the "findings" list is missing'),
        ({"version": 1, "findings": None}, '"findings": expected a list, got null'),
        ({"version": 1, "findings": {"bad.py": 1}}, '"findings": expected a list, got an object'),
        ({"version": 1, "findings": ["bad.py"]}, 'finding 1: expected an object, got "bad.py"'),
        ({"version": 1, "findings": [{**ENTRY, "count": "1"}]},
         'finding 1: count: expected a whole number of at least 1, got "1"'),
        ({"version": 1, "findings": [{**ENTRY, "count": 0}]},
         "finding 1: count: expected a whole number of at least 1, got 0"),
        ({"version": 1, "findings": [{**ENTRY, "count": True}]},
         "finding 1: count: expected a whole number of at least 1, got true"),
        ({"version": 1, "findings": [ENTRY, {**ENTRY, "path": 7}]},
         "finding 2: path: expected a non-empty string, got 7"),
        ({"version": 1, "findings": [{**ENTRY, "code": ""}]},
         'finding 1: code: expected a non-empty string, got ""'),
        ({"version": 1, "findings": [{"path": "bad.py", "code": "SM201"}]},
         "finding 1: fingerprint, count missing"),
        ({"version": True, "findings": []}, "not a sagelint baseline"),
    ],
)
def test_a_malformed_baseline_is_one_line_and_exit_2(
    tmp_path: Path, document: object, says: str
) -> None:
    code, stderr = _run(tmp_path, document)
    assert code == 2, stderr
    assert stderr.count("\n") == 1 and says in stderr, stderr


def test_an_empty_findings_list_is_a_baseline_that_hides_nothing(tmp_path: Path) -> None:
    code, stderr = _run(tmp_path, {"version": 1, "findings": []})
    assert code == 1 and stderr == ""
