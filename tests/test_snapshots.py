"""What users see, pinned per fixture file: the `concise` output of every fixture (every
folder of fixtures/), with the settings the fixture tests use (a rule fixture's own rule
alone, its sibling `.toml`). Markers pin only code and row; these pin the message, the column, whether
`--fix` can fix it and the summary line.

Regenerate deliberately with `SAGELINT_UPDATE_GOLDEN=1 python -m pytest tests/test_snapshots.py`
(the same switch as the json/sarif golden files) and review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from conftest import FIXTURES, expected_markers
from sagelint.reporters import ReportOptions
from sagelint.reporters.text import report_concise
from sagelint.runner import RunResult
from test_fixtures import engine_for_fixture, fixture_files

SNAPSHOTS = Path(__file__).parent / "golden" / "concise"


def concise(path: Path) -> str:
    result = engine_for_fixture(path).check(str(path), path.read_bytes())
    result.path = path.relative_to(FIXTURES).as_posix()  # the same on every machine
    stream = io.StringIO()
    report_concise(RunResult([result]), stream, ReportOptions())
    return stream.getvalue()


def snapshot_path(path: Path) -> Path:
    return SNAPSHOTS / f"{path.relative_to(FIXTURES).as_posix()}.txt"


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_concise_output_matches_its_snapshot(path: Path) -> None:
    produced = concise(path)
    snapshot = snapshot_path(path)
    if os.environ.get("SAGELINT_UPDATE_GOLDEN"):
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(produced, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot}: run with SAGELINT_UPDATE_GOLDEN=1"
    assert produced == snapshot.read_text(encoding="utf-8")


def test_every_snapshot_belongs_to_a_fixture() -> None:
    wanted = {snapshot_path(path) for path in fixture_files()}
    assert set(SNAPSHOTS.rglob("*.txt")) == wanted


# Other files there are what the fixtures name: the `train.py` their entry points use (SM402).
RULE_FIXTURES = [
    path for path in fixture_files() if path.parent.name == "rules" and path.name[:2] == "SM"
]


@pytest.mark.parametrize("path", RULE_FIXTURES, ids=lambda p: p.name)
def test_every_rule_fixture_marks_its_own_code(path: Path) -> None:
    """A fixture that only shows where its rule stays silent would pass with the rule
    broken or never run (bugbear's rule): each one also holds a case that fires."""
    code = path.name[:5]
    marked = {marker_code for _, _, marker_code in expected_markers(path.read_text("utf-8"))}
    assert code in marked, f"{path.name} has no `# expect: {code}` line"
