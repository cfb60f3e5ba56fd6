"""Shared helpers: run the engine on a source string, and locate the repository."""

from __future__ import annotations

import ast
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Set

import pytest
from hypothesis import HealthCheck, settings

from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.model import Diagnostic, FileResult

# Property tests: a short profile for CI, a long one with SAGELINT_HYPOTHESIS_PROFILE=long.
settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("SAGELINT_HYPOTHESIS_PROFILE", "ci"))

# Strict fixes: a fix builder that raises fails the test instead of the fix being dropped
# silently. Runs (in process and the CLI tests' subprocesses, which inherit it) read it where
# they build their engine; engines the tests build themselves pass `strict_fixes=True`.
os.environ["SAGELINT_STRICT_FIXES"] = "1"


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(SM\d{3}(?:\s*,\s*SM\d{3})*)")


def imported_modules(path: Path) -> Set[str]:
    """Every module a source file of `src/sagelint` imports, in any form (`import a.b`,
    `from a import b`, `from . import b`, inside functions too), as dotted names: for
    `from a import b`, both `a` and `a.b` (b may be a module)."""
    relative = path.resolve().relative_to(ROOT / "src").with_suffix("")
    package = list(relative.parts[:-1])  # a module's package; an __init__'s is its own
    out: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            out.add(module)
            out |= {f"{module}.{alias.name}" for alias in node.names}
    return out


def engine_for(*extend_select: str, **options: object) -> Engine:
    return Engine(Settings.build(extend_select=extend_select, **options), strict_fixes=True)


def lint(source: str, *extend_select: str, fix: bool = False, unsafe: bool = False,
         **options: object) -> FileResult:
    return engine_for(*extend_select, **options).check(
        "example.py", source.encode("utf-8"), fix=fix, unsafe=unsafe
    )


def codes(result: FileResult) -> List[str]:
    return [d.code for d in result.diagnostics]


def expected_markers(source: str, cell: Optional[int] = None) -> Counter:
    """(cell, row, code) triples marked `# expect: SM101, SM201` on the line a diagnostic
    starts (cell is None outside notebooks)."""
    found: Counter = Counter()
    for row, line in enumerate(source.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for code in match.group(1).split(","):
                found[(cell, row, code.strip())] += 1
    return found


def notebook_markers(data: bytes) -> Counter:
    """The `# expect:` markers of every cell of a notebook."""
    found: Counter = Counter()
    for cell, content in enumerate(json.loads(data)["cells"], start=1):
        source = content["source"]
        found += expected_markers(source if isinstance(source, str) else "".join(source), cell)
    return found


def reported(diagnostics: Iterable[Diagnostic]) -> Counter:
    return Counter((d.cell, d.location.row, d.code) for d in diagnostics)


@pytest.fixture(autouse=True, scope="session")
def temporary_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every run the tests make (in process or as a subprocess) caches in a fresh folder:
    never a result a developer's earlier run left in the working tree."""
    saved = os.environ.get("SAGELINT_CACHE_DIR")
    os.environ["SAGELINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("sagelint-cache"))
    yield
    if saved is None:
        del os.environ["SAGELINT_CACHE_DIR"]
    else:
        os.environ["SAGELINT_CACHE_DIR"] = saved


@pytest.fixture
def sample_engine() -> Engine:
    return engine_for()
