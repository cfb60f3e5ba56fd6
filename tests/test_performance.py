"""What makes sagelint fast must not change what it reports: the prefilter keeps every
fixture, the process pool gives the same results in the same order, the cache never gives a
stale result, and a run over files without SageMaker code never imports LibCST. Speed itself
is measured by bench/, never asserted here; the benchmark runs at a tiny size to keep working.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from conftest import FIXTURES, ROOT
from sagelint.cache import Cache
from sagelint.config import Settings
from sagelint.runner import RunOptions, run
from test_cli import BAD, GOOD, sagelint
from test_fixtures import engine_for_fixture, fixture_files


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_passes_the_prefilter(path: Path) -> None:
    """The trigger set keeps every rule's recall: no fixture is skipped by the byte search."""
    assert engine_for_fixture(path).may_contain_sagemaker(path.read_bytes())


def _copies(tmp_path: Path, count: int) -> List[str]:
    sources = sorted(FIXTURES.rglob("*.py")) + sorted(FIXTURES.rglob("*.ipynb"))
    paths = []
    for number in range(count):
        source = sources[number % len(sources)]
        target = tmp_path / f"f{number:03d}{source.suffix}"
        target.write_bytes(source.read_bytes())
        paths.append(str(target))
    return paths


def _summary(outcome) -> list:  # type: ignore[no-untyped-def]
    return [
        (Path(r.path).name, r.error, r.diagnostics, r.fixed_bytes) for r in outcome.files
    ]


def test_process_pool_gives_the_inline_results_in_order(tmp_path: Path) -> None:
    paths = _copies(tmp_path, 40)
    settings = Settings.build()
    inline = run(paths, settings, RunOptions(jobs=1))
    pooled = run(paths, settings, RunOptions(jobs=2))
    assert _summary(pooled) == _summary(inline)
    assert [r.path for r in pooled.files] == paths
    assert inline.diagnostics_count > 40


def test_process_pool_fixes_files_like_inline(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    run(_copies(one, 24), Settings.build(), RunOptions(fix=True, jobs=1))
    run(_copies(two, 24), Settings.build(), RunOptions(fix=True, jobs=2))
    assert [p.read_bytes() for p in sorted(one.iterdir())] == [
        p.read_bytes() for p in sorted(two.iterdir())
    ]


def test_cache_hits_unchanged_files_and_never_returns_stale_results(tmp_path: Path) -> None:
    target = tmp_path / "deploy.py"
    target.write_text(BAD)
    cache_dir = tmp_path / "cache"
    settings = Settings.build()
    options = RunOptions(cache_dir=cache_dir)

    cold = run([str(target)], settings, options)
    assert (cache_dir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache_dir / "CACHEDIR.TAG").exists()
    cache = Cache(cache_dir, settings)
    digest = list(cache.entries.values())[0]["hash"]
    assert cache.get(str(target), digest) is not None

    warm = run([str(target)], settings, options)
    assert _summary(warm) == _summary(cold) and warm.files[0].source == cold.files[0].source

    # A changed file is checked again.
    target.write_text(GOOD)
    assert run([str(target)], settings, options).diagnostics_count == 0
    # Changed settings do not read the other settings' results.
    target.write_text(BAD)
    run([str(target)], settings, options)
    stricter = Settings.build(server_timeout_floor=900, ignore=["SM201"])
    codes = {d.code for d in run([str(target)], stricter, options).files[0].diagnostics}
    assert "SM201" not in codes and codes
    # Another version of sagelint does not read this version's cache.
    assert Cache(cache_dir, settings, version="999.0").entries == {}
    # Nor does this version with any of its source files changed.
    assert Cache(cache_dir, settings, source="0" * 16).entries == {}
    assert Cache(cache_dir, settings).entries != {}


def test_corrupt_cache_is_ignored_and_replaced(tmp_path: Path) -> None:
    target = tmp_path / "deploy.py"
    target.write_text(BAD)
    options = RunOptions(cache_dir=tmp_path / "cache")
    expected = _summary(run([str(target)], Settings.build(), options))
    cache_file = Cache(tmp_path / "cache", Settings.build()).file
    for garbage in ("{not json", '{"x": 1}', json.dumps({str(target): {"hash": "h", "result": 3}})):
        cache_file.write_text(garbage)
        assert _summary(run([str(target)], Settings.build(), options)) == expected
    entry = json.loads(cache_file.read_text())[os.path.abspath(target)]
    entry["result"]["diagnostics"] = [{"code": "SM201"}]  # an entry of another shape
    cache_file.write_text(json.dumps({os.path.abspath(target): entry}))
    assert _summary(run([str(target)], Settings.build(), options)) == expected


def test_fix_ignores_cached_results_that_have_fixes(tmp_path: Path) -> None:
    target = tmp_path / "deploy.py"
    target.write_text(BAD)
    options = RunOptions(cache_dir=tmp_path / "cache")
    run([str(target)], Settings.build(), options)
    run([str(target)], Settings.build(), RunOptions(fix=True, cache_dir=tmp_path / "cache"))
    assert target.read_text() != BAD
    again = run([str(target)], Settings.build(), options)
    assert not [d for d in again.files[0].diagnostics if d.fix is not None]


def test_cli_cache_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAGELINT_CACHE_DIR")  # conftest's temporary cache: here, the default
    (tmp_path / "deploy.py").write_text(BAD)
    first = sagelint("check", "deploy.py", cwd=tmp_path)
    assert (tmp_path / ".sagelint_cache" / ".gitignore").exists()
    second = sagelint("check", "deploy.py", cwd=tmp_path)
    assert first.stdout == second.stdout and second.returncode == 1
    elsewhere = tmp_path / "elsewhere"
    sagelint("check", "--cache-dir", str(elsewhere), "deploy.py", cwd=tmp_path)
    assert (elsewhere / "CACHEDIR.TAG").exists()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "deploy.py").write_text(BAD)
    no_cache = sagelint("check", "--no-cache", "deploy.py", cwd=fresh)
    assert no_cache.stdout == first.stdout and not (fresh / ".sagelint_cache").exists()


def test_files_without_sagemaker_code_never_import_libcst(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import os\nprint(os.getcwd())\n")
    probe = (
        "import sys\n"
        "from sagelint.cli import main\n"
        "try:\n"
        "    main(['check', '--no-cache', 'plain.py'])\n"
        "except SystemExit as exit:\n"
        "    print('libcst' in sys.modules, exit.code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "False 0", result.stdout + result.stderr


@pytest.mark.slow  # a quick local run skips it: pytest -m "not slow"
def test_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--files", "24", "--plain-files", "40",
         "--dense-files", "6", "--repeat", "1", "--one-file-runs", "3", "--json", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    for key in ("files_per_second", "engine_to_parse_cpu", "one_file_to_floor",
                "cached_speedup", "parallel_speedup", "plain_repository_seconds",
                "dense_engine_to_parse_cpu", "dense_one_file_to_floor",
                "one_file_no_bytecode_to_floor", "dense_one_file_no_bytecode_to_floor"):
        assert report["results"][key] > 0, key
    # The dense profile is the one whose SageMaker code sits with everything else: pruning
    # keeps more of it than of the synthetic profile's top-level scripts.
    kept, dense_kept = (report["results"][k] for k in ("kept_after_pruning", "dense_kept_after_pruning"))
    assert 0 < kept < dense_kept <= 1
    assert "files/s" in result.stdout and "dense" in result.stdout


def test_dense_profile_is_deterministic_sagemaker_code_that_parses(tmp_path: Path) -> None:
    """Every dense file passes the prefilter and parses, the same seed writes the same bytes,
    and the shapes give the engine findings to report (inside functions and methods)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    from sagelint.engine import Engine

    first = corpus.generate_dense(tmp_path / "a", 12, seed=3)
    second = corpus.generate_dense(tmp_path / "b", 12, seed=3)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    engine = Engine(Settings.build())
    found = 0
    for path in first:
        result = engine.check(str(path), path.read_bytes())
        assert result.error is None, (path.name, result.error)
        assert not [d for d in result.diagnostics if d.code == "SM001"], path.name
        found += len(result.diagnostics)
    assert found > 0


def test_the_per_file_limit_counts_cpu_time_not_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loaded machine a file waits for the CPU: only the CPU it uses counts."""
    import time

    from sagelint.engine import Engine

    real_check = Engine.check

    def waits_first(self: Engine, path: str, data: bytes, **kwargs: object) -> object:
        time.sleep(1.5)  # more than the limit in wall time, almost no CPU
        return real_check(self, path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Engine, "check", waits_first)
    (tmp_path / "deploy.py").write_text(BAD)
    outcome = run([str(tmp_path / "deploy.py")], Settings.build(), RunOptions(time_limit=1.0))
    (result,) = outcome.files
    assert result.error is None and [d.code for d in result.diagnostics] == [
        "SM101", "SM201", "SM202"
    ]
