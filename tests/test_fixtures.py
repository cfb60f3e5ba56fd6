"""Every fixture file: its diagnostics match its `# expect:` markers exactly, and its fixes
match the `.fixed.py` (safe) and `.unsafe-fixed.py` (safe and unsafe) snapshots.

A fixture named after a rule (`SM109_*.py`) runs with that rule selected, so opt-in rules can
have fixtures. Adding a case is adding lines to a fixture file.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest

from conftest import FIXTURES, engine_for, expected_markers, reported

SNAPSHOT_SUFFIXES = (".fixed.py", ".unsafe-fixed.py")


def fixture_files() -> List[Path]:
    return sorted(
        path
        for path in FIXTURES.rglob("*.py")
        if not path.name.endswith(SNAPSHOT_SUFFIXES)
    )


def _own_code(path: Path) -> tuple:
    stem = path.name[:5]
    return (stem,) if stem.startswith("SM") and stem[2:].isdigit() else ()


def _snapshot(path: Path, suffix: str) -> Optional[str]:
    snapshot = path.with_name(path.name[: -len(".py")] + suffix)
    return snapshot.read_text(encoding="utf-8") if snapshot.exists() else None


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_diagnostics_match_markers(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    result = engine_for(*_own_code(path)).check(str(path), source.encode("utf-8"))
    assert result.error is None, result.error
    assert reported(result.diagnostics) == expected_markers(source), "\n".join(
        f"{d.location.row}:{d.location.column} {d.code} {d.message}" for d in result.diagnostics
    )


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_fixes_match_snapshots(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    engine = engine_for(*_own_code(path))
    safe_expected = _snapshot(path, ".fixed.py")
    unsafe_expected = _snapshot(path, ".unsafe-fixed.py")
    for unsafe, expected in ((False, safe_expected), (True, unsafe_expected or safe_expected)):
        result = engine.check(str(path), source.encode("utf-8"), fix=True, unsafe=unsafe)
        fixed = result.fixed_source if result.fixed_source is not None else source
        if expected is None:
            assert fixed == source, f"fixes apply but {path.name} has no snapshot"
            continue
        assert fixed == expected
        # A second --fix changes nothing, and no fix of that kind is left unapplied.
        again = engine.check(str(path), fixed.encode("utf-8"), fix=True, unsafe=unsafe)
        assert again.fixed_source is None
        assert not [
            d for d in again.diagnostics
            if d.fix and (unsafe or d.fix.applicability.value == "safe")
        ]
    if unsafe_expected is not None:
        assert unsafe_expected != (safe_expected or source), "unsafe snapshot adds nothing"
