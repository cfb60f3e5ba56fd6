"""Every fixture file: its diagnostics match its `# expect:` markers exactly, and its fixes
match the `.fixed.py` (safe) and `.unsafe-fixed.py` (safe and unsafe) snapshots
(`.fixed.ipynb` / `.unsafe-fixed.ipynb` for notebooks, compared byte for byte).

A fixture named after a rule (`SM109_*.py`) runs with that rule selected, so opt-in rules can
have fixtures; a fixture with a sibling `.toml` runs with those settings. Adding a case is
adding lines to a fixture file.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest

from conftest import FIXTURES, expected_markers, notebook_markers, reported
from sagelint.config import load_config, resolve_settings
from sagelint.engine import Engine

SNAPSHOTS = (".fixed", ".unsafe-fixed")


def fixture_files() -> List[Path]:
    return sorted(
        path
        for pattern in ("*.py", "*.ipynb")
        for path in FIXTURES.rglob(pattern)
        if not path.stem.endswith(SNAPSHOTS)
    )


def _own_code(path: Path) -> tuple:
    stem = path.name[:5]
    return (stem,) if stem.startswith("SM") and stem[2:].isdigit() else ()


def engine_for_fixture(path: Path) -> Engine:
    """The fixture's own rule selected, and its sibling `.toml` (sagelint keys) applied."""
    config_path = path.with_suffix(".toml")
    config = load_config(config_path) if config_path.exists() else None
    return Engine(
        resolve_settings(config, extend_select=_own_code(path)), strict_fixes=True
    )


def _snapshot(path: Path, kind: str) -> Optional[bytes]:
    snapshot = path.with_name(path.stem + kind + path.suffix)
    return snapshot.read_bytes() if snapshot.exists() else None


def _markers(path: Path, data: bytes) -> object:
    if path.suffix == ".ipynb":
        return notebook_markers(data)
    return expected_markers(data.decode("utf-8"))


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_diagnostics_match_markers(path: Path) -> None:
    data = path.read_bytes()
    result = engine_for_fixture(path).check(str(path), data)
    assert result.error is None, result.error
    assert reported(result.diagnostics) == _markers(path, data), "\n".join(
        f"{d.place} {d.code} {d.message}" for d in result.diagnostics
    )


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixture_fixes_match_snapshots(path: Path) -> None:
    source = path.read_bytes()
    engine = engine_for_fixture(path)
    safe_expected = _snapshot(path, ".fixed")
    unsafe_expected = _snapshot(path, ".unsafe-fixed")
    for unsafe, expected in ((False, safe_expected), (True, unsafe_expected or safe_expected)):
        result = engine.check(str(path), source, fix=True, unsafe=unsafe)
        fixed = result.fixed_bytes if result.fixed_bytes is not None else source
        if expected is None:
            assert fixed == source, f"fixes apply but {path.name} has no snapshot"
            continue
        assert fixed.decode("utf-8") == expected.decode("utf-8")
        assert fixed == expected
        # A second --fix changes nothing, and no fix of that kind is left unapplied.
        again = engine.check(str(path), fixed, fix=True, unsafe=unsafe)
        assert again.fixed_bytes is None
        assert not [
            d for d in again.diagnostics
            if d.fix and (unsafe or d.fix.applicability.value == "safe")
        ]
    if unsafe_expected is not None:
        assert unsafe_expected != (safe_expected or source), "unsafe snapshot adds nothing"


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_pruning_gives_the_whole_file_results(path: Path) -> None:
    """Statement pruning (sagelint.analysis.prune) changes no diagnostic and no fix of any fixture."""
    data = path.read_bytes()
    pruned = engine_for_fixture(path)
    whole = Engine(pruned.settings, prune=False, strict_fixes=True)
    for fix in (False, True):
        a = pruned.check(str(path), data, fix=fix, unsafe=True)
        b = whole.check(str(path), data, fix=fix, unsafe=True)
        assert (a.diagnostics, a.fixed_bytes) == (b.diagnostics, b.fixed_bytes)
