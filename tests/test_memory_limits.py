"""Memory is bounded by the size limits (bench/memory.py measures it): what LibCST would be
given past pruning is limited, and so is the code CPython's compiler is given; large files in
a pooled run are still checked. Through the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sagelint.analysis.syntax import MAX_PARSED_CHARS
from sagelint.programs import MAX_CODE_BYTES
from test_cli import BAD, no_traceback, sagelint


def _padding(line: str, chars: int) -> str:
    """Lines `line.format(i)` until they hold more than `chars` characters."""
    rows, total, number = [], 0, 0
    while total <= chars:
        row = line.format(number) + "\n"
        rows.append(row)
        total += len(row) - row.count(" ") - 1
        number += 1
    return "".join(rows)


def test_code_that_reaches_sagemaker_beyond_the_limit_is_not_checked(tmp_path: Path) -> None:
    # Every padding line uses `model`, which a SageMaker call binds: pruning keeps them all.
    (tmp_path / "dense.py").write_text(BAD + _padding('model.tag_{0} = "v{0}"', MAX_PARSED_CHARS))
    (tmp_path / "bad.py").write_text(BAD)
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "concise", ".",
                      cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "dense.py" in errors[0], result.stderr
    assert f"more than sagelint analyses ({MAX_PARSED_CHARS // 1024} KB): not checked" in errors[0]
    assert "bad.py:" in result.stdout and "dense.py:" not in result.stdout


def test_a_large_file_that_pruning_shrinks_is_checked(tmp_path: Path) -> None:
    # As long, but nothing reads what the SageMaker calls bind: LibCST sees only those.
    (tmp_path / "sparse.py").write_text(BAD + _padding("row_{0} = {0}", MAX_PARSED_CHARS))
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "concise",
                      "sparse.py", cwd=tmp_path)
    no_traceback(result)
    assert "error:" not in result.stderr
    assert "sparse.py:4:" in result.stdout


def test_a_notebook_with_too_much_code_is_not_checked(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": BAD + "x = 1\n" * (MAX_CODE_BYTES // 6 + 1)}
    notebook = {"cells": [cell], "metadata": {"kernelspec": {"language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "big.ipynb").write_text(json.dumps(notebook))
    result = sagelint("check", "--isolated", "--no-cache", "big.ipynb", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    assert f"its code: 3.0 MB is larger than {MAX_CODE_BYTES // (1024 * 1024)} MB: not checked" \
        in result.stderr


def test_large_files_in_a_pooled_run_are_checked_in_order(tmp_path: Path) -> None:
    # A pool of two workers for the small files; the large ones are checked by the parent
    # process, and every result still lands with its file.
    names = []
    for number in range(10):
        name = f"f{number}.py"
        text = BAD if number % 4 else BAD + _padding("row_{0} = {0}", 600 * 1024)
        (tmp_path / name).write_text(text)
        names.append(name)
    env = {**os.environ, "SAGELINT_JOBS": "2"}
    result = subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--isolated", "--no-cache",
         "--output-format", "json", "."],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300,
    )
    no_traceback(result)
    assert result.returncode == 1 and "error:" not in result.stderr, result.stderr
    found = json.loads(result.stdout)
    # In the order of the files, as a run without a pool reports them.
    files = list(dict.fromkeys(Path(item["filename"]).name for item in found))
    assert files == names
    per_file = {name: [d["code"] for d in found if Path(d["filename"]).name == name]
                for name in names}
    assert len({tuple(codes) for codes in per_file.values()}) == 1  # the same findings each
