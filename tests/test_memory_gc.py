"""The collector's settings for a checking process (sagelint.memory) and that a check lets go
of its trees: neither may change what is reported, and a run must not carry one file's
LibCST tree into the next file's check."""

from __future__ import annotations

import ast
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
    # A first check: what earlier tests left in per-file memos (a tree of theirs) is let go.
    engine.check(str(source), source.read_bytes(), fix=True)
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


# Scripts and notebooks whose checks build what could hold a tree in a reference cycle:
# loops (carried bindings), attribute stand-ins of fixes, known conditions, nested scopes,
# fixes applied, other modules of a project (their analyses are memoised, not garbage).
_ACYCLIC = (
    ("rules", "SM201.py"),
    ("bindings", "control_flow.py"),
    ("bindings", "attributes_init.py"),
    ("bindings", "attributes_class_body.py"),
    ("bindings", "scopes.py"),
    ("bindings", "known_conditions.ipynb"),
    ("notebooks", "env_in_earlier_cells.ipynb"),
    ("projects/modules", "deploy.py"),
    ("projects/modules", "pass_literal.py"),
)


def test_a_check_leaves_its_trees_to_reference_counting() -> None:
    """A check's LibCST and CPython trees, pruning units and binding analyses are in no
    reference cycle: they are freed when the check ends, and the cyclic collector has none
    of them to walk (issue 29: it spent a sixth of the engine's time on them). With the collector off, every object in a
    cycle is kept; `DEBUG_SAVEALL` hands them over instead of freeing them."""
    from sagelint.analysis.bindings import Bindings, Def, Scope
    from sagelint.analysis.prune import _Unit

    engine = Engine(Settings.build(root=FIXTURES / "projects" / "modules"), strict_fixes=True)
    sources = [FIXTURES / folder / name for folder, name in _ACYCLIC]
    checked = [(str(source), source.read_bytes()) for source in sources]
    for path, data in checked:  # imports, tables and memos of other modules are built once
        engine.check(path, data, fix=True, unsafe=True)
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path, data in checked:
            result = engine.check(path, data, fix=True, unsafe=True)
            assert result.error is None, path
        gc.collect()
        kept = sorted({
            type(obj).__name__ for obj in gc.garbage
            if isinstance(obj, (cst.CSTNode, ast.AST, Bindings, Scope, Def, _Unit))
        })
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert kept == []
