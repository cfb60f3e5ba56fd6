"""Every fixture file: its diagnostics match its `# expect:` markers exactly, and its fixes
match the `.fixed.py` (safe) and `.unsafe-fixed.py` (safe and unsafe) snapshots
(`.fixed.ipynb` / `.unsafe-fixed.ipynb` for notebooks, compared byte for byte).

A rule fixture (`fixtures/rules/SM109*.py`) runs with only its own rule selected, so it marks
only its rule's findings and a new rule never has to quieten another rule's fixture; every other
fixture (examples, surfaces, bindings, notebooks, precision, settings) runs with the rules that
are on by default. A fixture with a sibling `.toml` runs with those settings too (a rule
fixture's `extend-select` adds rules beside its own). Adding a case is adding lines to a
fixture file.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest

from conftest import FIXTURES, expected_markers, notebook_markers, reported
from sagelint.config import ConfigFile, load_config, resolve_settings
from sagelint.engine import Engine

SNAPSHOTS = (".fixed", ".unsafe-fixed")


def fixture_files() -> List[Path]:
    return sorted(
        path
        for pattern in ("*.py", "*.ipynb")
        for path in FIXTURES.rglob(pattern)
        if not path.stem.endswith(SNAPSHOTS)
    )


def named_code(path: Path) -> Optional[str]:
    """The rule a fixture is named after (`SM401_pipeline.py`: SM401), if any."""
    stem = path.name[:5]
    return stem if stem.startswith("SM") and stem[2:].isdigit() else None


def _config(path: Path) -> Optional[ConfigFile]:
    config_path = path.with_suffix(".toml")
    return load_config(config_path) if config_path.exists() else None


def engine_for_fixture(path: Path) -> Engine:
    """What a fixture's markers, snapshots and golden output pin: a rule fixture's own rule
    alone; any other fixture the rules on by default, plus the rule it is named after
    (`notebooks/SM402_writefile.ipynb`). The sibling `.toml` is applied."""
    code = named_code(path)
    if code and path.parent.name == "rules":
        return Engine(resolve_settings(_config(path), select=(code,)), strict_fixes=True)
    return every_rule_engine_for_fixture(path)


def every_rule_engine_for_fixture(path: Path) -> Engine:
    """The rules on by default plus the one the fixture is named after: for the tests that
    compare two ways of checking a fixture (pruned or whole, gated or not), where more rules
    test more."""
    code = named_code(path)
    return Engine(
        resolve_settings(_config(path), extend_select=(code,) if code else ()), strict_fixes=True
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
    pruned = every_rule_engine_for_fixture(path)
    whole = Engine(pruned.settings, prune=False, strict_fixes=True)
    for fix in (False, True):
        a = pruned.check(str(path), data, fix=fix, unsafe=True)
        b = whole.check(str(path), data, fix=fix, unsafe=True)
        assert (a.diagnostics, a.fixed_bytes) == (b.diagnostics, b.fixed_bytes)


RULE_FIXTURES = [path for path in fixture_files() if path.parent.name == "rules" and named_code(path)]
# SM217 is silent on SDK v2's config class when SM603, SM604 or SM609 runs and reports its
# import (RULES.md SM2, "Who owns a value"): alone, it reports the class itself.
DEFERS_TO_OTHER_RULES = {"SM217"}


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.name)
def test_a_rule_finds_the_same_alone_as_beside_every_rule(path: Path) -> None:
    """Rule fixtures run their rule alone: that hides nothing only while a rule's findings
    and fixes do not depend on which other rules run."""
    code = named_code(path)
    if code in DEFERS_TO_OTHER_RULES:
        pytest.skip(f"{code} leaves a root cause to the rule that reports it when that one runs")
    data = path.read_bytes()
    alone = engine_for_fixture(path).check(str(path), data).diagnostics
    beside = every_rule_engine_for_fixture(path).check(str(path), data).diagnostics
    assert [d for d in beside if d.code == code] == list(alone)
