"""What a one-file run imports (issue 29, start-up): a file without SageMaker text loads no
engine, rule, surface, reporter helper or LibCST; a run loads only the reporter its
--output-format names. Checked in a fresh process through `sys.modules`, never timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from conftest import ROOT
from test_cli import BAD

_PROBE = (
    "import json, sys\n"
    "from sagelint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "sys.stdout.flush()\n"
    "print()\n"
    "print(json.dumps([code, sorted(sys.modules)]))\n"
)

REPORTERS = {
    "sagelint.reporters.text", "sagelint.reporters.json_format", "sagelint.reporters.sarif",
    "sagelint.reporters.ci", "sagelint.reporters.junit", "sagelint.reporters.rdjson",
    "sagelint.reporters.html", "sagelint.reporters.markdown", "sagelint.reporters.audit",
}


def _modules(cwd: Path, *args: str) -> List[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "check", "--no-cache", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code in (0, 1), done.stdout + done.stderr
    return list(modules)


def test_a_file_without_sagemaker_text_loads_no_engine(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import os\n\nprint(os.getcwd())\n")
    modules = set(_modules(tmp_path, "plain.py"))
    heavy = {"libcst", "sagelint.engine", "sagelint.rules", "sagelint.surfaces",
             "sagelint.fixes", "sagelint.mask", "sagelint.notebook", "tempfile"}
    assert not modules & heavy, modules & heavy
    assert not modules & REPORTERS - {"sagelint.reporters.text"}


def test_only_the_chosen_reporter_is_imported(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(BAD)
    modules = set(_modules(tmp_path, "--output-format", "json", "deploy.py"))
    assert "libcst" in modules  # the file has findings: the engine ran
    assert modules & REPORTERS == {"sagelint.reporters.json_format"}


@pytest.mark.slow  # a quick local run skips it: pytest -m "not slow"
def test_startup_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "startup.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "startup.py"), "--runs", "1", "--repeat", "1",
         "--dense-files", "4", "--small-lines", "200", "--large-lines", "1200",
         "--json", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())["results"]
    for key in ("plain_one_file_to_click", "gated_one_file_to_click",
                "findings_one_file_to_floor", "growth_per_line", "growth_per_line_default_gc"):
        assert results[key] > 0, key
    assert 0 <= results["engine_share_on_files_without_finding"] <= 1
    assert not results["plain_imports"]["libcst"]
