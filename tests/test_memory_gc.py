"""The collector's settings for a checking process (sagelint.memory) and that a check lets go
of its trees: neither may change what is reported, and a run must not carry one file's
LibCST tree into the next file's check."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import libcst as cst

from conftest import FIXTURES
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.memory import THRESHOLDS, tune_gc
from sagelint.runner import RunOptions, run


def _live_modules() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, cst.Module))


def test_tune_gc_freezes_once_and_raises_the_thresholds() -> None:
    probe = (
        "import gc\n"
        "from sagelint.memory import tune_gc\n"
        "tune_gc(); first = gc.get_freeze_count()\n"
        "garbage = [[] for _ in range(1000)]\n"
        "tune_gc()\n"
        "print(first > 0, gc.get_freeze_count() == first, gc.get_threshold())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split("\n")[0] == f"True True {THRESHOLDS}", done.stderr


def test_a_check_keeps_no_tree_of_the_file() -> None:
    tune_gc()  # as a run does: the trees must go even with the collector tuned
    source = FIXTURES / "rules" / "SM201.py"
    engine = Engine(Settings.build())
    before = _live_modules()
    result = engine.check(str(source), source.read_bytes(), fix=True)
    assert result.applied_fixes and result.fixed_bytes is not None
    assert _live_modules() == before


def test_a_run_keeps_no_tree_between_files(tmp_path: Path) -> None:
    paths = []
    for name in ("SM201.py", "SM101.py", "SM202.py"):
        target = tmp_path / name
        target.write_bytes((FIXTURES / "rules" / name).read_bytes())
        paths.append(str(target))
    before = _live_modules()
    outcome = run(paths, Settings.build(), RunOptions(jobs=1, write=False, fix=True))
    assert outcome.diagnostics_count > 0
    assert _live_modules() == before
