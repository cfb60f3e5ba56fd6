"""sagelint's benchmark: one command, a table on standard output, `--json` for the record.

    python bench/run.py                       # 600 files, 150 dense files, 10,000 plain files
    python bench/run.py --files 3000 --json bench.json
    python bench/run.py --quick               # (2) and (3) only, small corpora: for iterating

It generates two deterministic repositories (bench/corpus.py) in a temporary folder: the
`synthetic` profile (a share of SageMaker scripts whose calls sit at the top level next to
unrelated helpers; pruning keeps a few percent of their text) and the `dense` profile
(SageMaker calls inside functions, methods and classes that also hold everything else,
estimators passed between helpers, notebooks; pruning keeps almost all of it, as it does on
real projects). It measures, in one run:

1. files per second of a full `sagelint check` (a fresh process, no cache, both cores);
2. for each profile, sagelint's engine CPU against bare `libcst.parse_module` CPU on the
   files that pass the prefilter (in this process, the same files, the best of `--repeat`
   rounds), and the share of their text that statement pruning keeps;
3. one-file CPU time of `sagelint check --no-cache` against the floor
   `python -c "import libcst, click"` plus a parse of the same file (the best of
   `--one-file-runs` fresh processes each; the median-sized file of each profile), with
   bytecode written (the second run of an installed tool) and with no bytecode at all
   (every module compiled in each process: PYTHONDONTWRITEBYTECODE and an empty
   PYTHONPYCACHEPREFIX, for the floor too);
4. a cached re-run against a cold run (fresh processes, both cores);
5. the speed-up of two worker processes over one (fresh processes, no cache);
6. the wall time of `sagelint check` on a repository of `--plain-files` files with no
   SageMaker code.

Targets (issues #7 and #12) are printed next to each figure. Times vary with the machine and
its load; CPU ratios (2) hold up under load better than wall times. Compare figures from the
same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

TARGETS = {
    "engine_to_parse_cpu": ("<=", 1.5),
    "dense_engine_to_parse_cpu": ("<=", 1.2),
    "plain_repository_seconds": ("<", 1.5),
    "one_file_to_floor": ("<=", 1.3),
    "dense_one_file_to_floor": ("<=", 1.3),
    "parallel_speedup": (">=", 1.7),
    "cached_speedup": (">=", 10.0),
}


def _sagelint(args: Sequence[str], cwd: Path, env: Dict[str, str]) -> Tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, its worker processes included) of one
    `sagelint` process."""
    command = [sys.executable, "-m", "sagelint", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(f"sagelint failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(runs: Sequence[Tuple[float, float]]) -> Tuple[float, float]:
    """The best wall time and the best CPU time of some runs."""
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


# Bytecode settings of the environment the benchmark runs in (a CI job, a sandbox often sets
# PYTHONDONTWRITEBYTECODE): the processes it measures are given their own.
_BYTECODE = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")


def _environment(jobs: int | None = None) -> Dict[str, str]:
    """The measured processes' environment: no SAGELINT_* variables, and bytecode written
    and read as an installed tool has it (see _one_file for the figure without)."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith("SAGELINT_") and key not in _BYTECODE
    }
    if jobs is not None:
        env["SAGELINT_JOBS"] = str(jobs)
    return env


def _engine_against_parse(files: List[Path], repeat: int) -> Dict[str, float]:
    import libcst

    from sagelint.config import Settings
    from sagelint.engine import Engine

    engine = Engine(Settings.build())
    data = [(str(path), path.read_bytes()) for path in files]
    candidates = [(p, d) for p, d in data if engine.may_contain_sagemaker(d)]
    texts, parsable = [], []
    for path, raw in candidates:
        if path.endswith(".ipynb"):
            # The floor for a notebook is parsing its code: the module of its code cells.
            from sagelint import notebook

            text = notebook.programs(notebook.load(raw)).main.text
        else:
            text = raw.decode("utf-8")
        try:
            libcst.parse_module(text)
        except libcst.ParserSyntaxError:
            continue  # no floor to compare with
        texts.append(text)
        parsable.append((path, raw))
    candidates = parsable
    best_parse = best_engine = float("inf")
    uncacheable = 0
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            libcst.parse_module(text)
        best_parse = min(best_parse, time.process_time() - started)
        started = time.process_time()
        results = [engine.check(path, raw) for path, raw in candidates]
        best_engine = min(best_engine, time.process_time() - started)
        # Results that asked whether other files exist (SM402): cached with the answers.
        uncacheable = sum(1 for result in results if getattr(result, "reads_paths", False))
    return {
        "prefilter_passed": len(candidates),
        "uncacheable": uncacheable,
        "parse_cpu_seconds": best_parse,
        "engine_cpu_seconds": best_engine,
        "engine_to_parse_cpu": best_engine / best_parse,
        "kept_after_pruning": _kept_after_pruning(engine, texts),
    }


def _kept_after_pruning(engine: Any, texts: List[str]) -> float:
    """The share of the files' text (characters other than white space) that statement
    pruning hands to LibCST; -1 when this version of sagelint cannot say."""
    import ast

    try:
        from sagelint.analysis.prune import prune
    except ImportError:
        return -1.0
    kept = whole = 0
    for text in texts:
        try:
            pruned = prune(text, ast.parse(text), getattr(engine, "seeds", engine.packages)) or text
        except (SyntaxError, TypeError, AttributeError):  # another signature: not measured
            return -1.0
        whole += len(text) - sum(text.count(c) for c in " \t\r\n")
        kept += len(pruned) - sum(pruned.count(c) for c in " \t\r\n")
    return kept / whole if whole else 1.0


def _timed(command: Sequence[str], cwd: Path, env: Dict[str, str]) -> float:
    """CPU seconds (user and system) of one fresh process: what it costs, which the load
    of the machine does not change as it changes wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    elapsed = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{command[:3]} failed ({result.returncode}): "
                         f"{result.stderr.decode()[-2000:]}")
    return elapsed


def _one_file(path: Path, runs: int, work: Path) -> Dict[str, float]:
    """`sagelint check` of one file in a fresh process against the floor, with bytecode and
    without any."""
    floor = [sys.executable, "-c",
             f"import libcst, click; libcst.parse_module(open({str(path)!r}).read())"]
    check = [sys.executable, "-m", "sagelint", "check", "--no-cache", "-q", str(path)]
    figures: Dict[str, float] = {}
    for suffix, extra in (("", {}), ("_no_bytecode", {"PYTHONDONTWRITEBYTECODE": "1"})):
        env = _environment()
        env.update(extra)
        if extra:  # nothing to read either: an empty cache folder of their own
            env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="pycache-", dir=work)
        else:  # written once, read by every measured run
            _timed(floor, path.parent, env)
            _timed(check, path.parent, env)
        floors, checks = [], []
        for _ in range(runs):
            floors.append(_timed(floor, path.parent, env))
            checks.append(_timed(check, path.parent, env))
        figures[f"floor{suffix}_seconds"] = min(floors)
        figures[f"one_file{suffix}_seconds"] = min(checks)
        figures[f"one_file{suffix}_to_floor"] = (
            figures[f"one_file{suffix}_seconds"] / figures[f"floor{suffix}_seconds"]
        )
    figures["one_file_lines"] = path.read_text().count("\n")
    return figures


def _median_file(paths: Sequence[Path]) -> Path:
    ordered = sorted(paths, key=lambda p: p.stat().st_size)
    return ordered[len(ordered) // 2]


def _prefixed(prefix: str, figures: Dict[str, float]) -> Dict[str, float]:
    return {f"{prefix}{key}": value for key, value in figures.items()}


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sagelint-bench-"))
    try:
        repo = work / "repo"
        files = corpus.generate(repo, args.files, args.sagemaker_share, seed=args.seed)
        dense = corpus.generate_dense(work / "dense", args.dense_files, seed=args.seed)
        results: Dict[str, Any] = {}

        if not args.quick:
            # (1) and (4): a cold run that fills the cache, then a cached run.
            cache = work / "cache"
            cold, cold_cpu = _best([
                _sagelint(["check", "-q", "--cache-dir", str(cache / str(i)), "."], repo,
                          _environment())
                for i in range(args.repeat)
            ])
            warm, warm_cpu = _best([
                _sagelint(["check", "-q", "--cache-dir", str(cache / "0"), "."], repo,
                          _environment())
                for _ in range(args.repeat)
            ])
            results["files_per_second"] = args.files / cold
            results["cold_seconds"] = cold
            results["cold_cpu_seconds"] = cold_cpu
            results["cached_seconds"] = warm
            results["cached_cpu_seconds"] = warm_cpu
            # CPU: what the cache saves, whatever else the machine is doing.
            results["cached_speedup"] = cold_cpu / warm_cpu

            # (5) one worker against two, no cache.
            # Wall time: what a second process buys (the load of the machine takes it away).
            one = _best([_sagelint(["check", "-q", "--no-cache", "."], repo, _environment(1))
                         for _ in range(args.repeat)])[0]
            two = _best([_sagelint(["check", "-q", "--no-cache", "."], repo, _environment(2))
                         for _ in range(args.repeat)])[0]
            results["one_worker_seconds"] = one
            results["two_workers_seconds"] = two
            results["parallel_speedup"] = one / two

        # (2) engine CPU against bare parse CPU, in this process, for both profiles.
        results.update(_engine_against_parse(files, args.repeat))
        results.update(_prefixed("dense_", _engine_against_parse(dense, args.repeat)))

        # (3) one SageMaker file of each profile (the median-sized one) against the floor.
        scripts = [p for p in files if p.name.startswith("sm_")] or files
        results.update(_one_file(_median_file(scripts), args.one_file_runs, work))
        dense_scripts = [p for p in dense if p.suffix == ".py"] or dense
        results.update(_prefixed(
            "dense_", _one_file(_median_file(dense_scripts), args.one_file_runs, work)))

        if not args.quick:
            # (6) a repository with no SageMaker code.
            plain = work / "plain"
            corpus.generate(plain, args.plain_files, sagemaker_share=0.0, seed=args.seed + 1)
            plain_wall, plain_cpu = _best([
                _sagelint(["check", "-q", "--no-cache", "."], plain, _environment())
                for _ in range(args.repeat)
            ])
            results["plain_repository_seconds"] = plain_wall
            results["plain_repository_cpu_seconds"] = plain_cpu
        sizes = [path.stat().st_size for path in files]
        dense_sizes = [path.stat().st_size for path in dense]
        return {
            "parameters": {
                "files": args.files, "dense_files": args.dense_files,
                "plain_files": 0 if args.quick else args.plain_files,
                "sagemaker_share": args.sagemaker_share, "seed": args.seed, "repeat": args.repeat,
                "corpus_bytes": sum(sizes), "dense_corpus_bytes": sum(dense_sizes),
                "quick": args.quick,
            },
            "machine": {
                "python": platform.python_version(), "platform": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "results": results,
            "targets": {key: f"{op} {value:g}" for key, (op, value) in TARGETS.items()},
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _met(key: str, value: float) -> str:
    if key not in TARGETS:
        return ""
    op, target = TARGETS[key]
    ok = {"<=": value <= target, "<": value < target, ">=": value >= target}[op]
    return f"{op} {target:g}  {'met' if ok else 'NOT met'}"


def _kept(share: float) -> str:
    return "kept ?" if share < 0 else f"kept {share:.1%}"


def table(report: Dict[str, Any]) -> str:
    r, p = report["results"], report["parameters"]
    rows = []
    if "files_per_second" in r:
        rows.append(("(1) full check, cold, no cache", f"{r['files_per_second']:.0f} files/s",
                     f"{p['files']} files in {r['cold_seconds']:.2f} s "
                     f"({r['cold_cpu_seconds']:.2f} s CPU)", ""))
    for prefix, name in (("", "synthetic"), ("dense_", "dense")):
        ratio = r[f"{prefix}engine_to_parse_cpu"]
        rows.append((
            f"(2) engine CPU / LibCST parse CPU, {name}", f"{ratio:.2f}x",
            f"{r[f'{prefix}engine_cpu_seconds']:.2f} s / {r[f'{prefix}parse_cpu_seconds']:.2f} s"
            f" on {r[f'{prefix}prefilter_passed']} files, "
            f"{_kept(r[f'{prefix}kept_after_pruning'])}",
            _met(f"{prefix}engine_to_parse_cpu", ratio),
        ))
    for prefix, name in (("", "synthetic"), ("dense_", "dense")):
        ratio = r[f"{prefix}one_file_to_floor"]
        rows.append((
            f"(3) one-file CPU / import libcst, click + parse, {name}", f"{ratio:.2f}x",
            f"{r[f'{prefix}one_file_seconds'] * 1000:.0f} ms / "
            f"{r[f'{prefix}floor_seconds'] * 1000:.0f} ms ({r[f'{prefix}one_file_lines']} lines)",
            _met(f"{prefix}one_file_to_floor", ratio),
        ))
        ratio = r[f"{prefix}one_file_no_bytecode_to_floor"]
        rows.append((
            "    the same with no bytecode", f"{ratio:.2f}x",
            f"{r[f'{prefix}one_file_no_bytecode_seconds'] * 1000:.0f} ms / "
            f"{r[f'{prefix}floor_no_bytecode_seconds'] * 1000:.0f} ms", "",
        ))
    if "cached_speedup" in r:
        rows += [
            ("(4) cached re-run speed-up (CPU)", f"{r['cached_speedup']:.1f}x",
             f"{r['cold_cpu_seconds']:.2f} s -> {r['cached_cpu_seconds']:.2f} s; "
             f"{r['uncacheable']} of {r['prefilter_passed']} checked files asked whether "
             "other paths exist",
             _met("cached_speedup", r["cached_speedup"])),
            ("(5) two processes over one", f"{r['parallel_speedup']:.2f}x",
             f"{r['one_worker_seconds']:.2f} s -> {r['two_workers_seconds']:.2f} s",
             _met("parallel_speedup", r["parallel_speedup"])),
            (f"(6) {p['plain_files']} files, no SageMaker code",
             f"{r['plain_repository_seconds']:.2f} s",
             f"{r['plain_repository_cpu_seconds']:.2f} s CPU",
             _met("plain_repository_seconds", r["plain_repository_seconds"])),
        ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"sagelint benchmark: {p['files']} files ({p['corpus_bytes'] / 1e6:.1f} MB, "
        f"{p['sagemaker_share']:.0%} SageMaker) and {p['dense_files']} dense files "
        f"({p['dense_corpus_bytes'] / 1e6:.1f} MB), Python {report['machine']['python']}, "
        f"{report['machine']['cpus']} CPUs" + (" (quick)" if p["quick"] else ""),
        "",
    ]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=None,
                        help="files in the repository (default 600; 200 with --quick)")
    parser.add_argument("--dense-files", type=int, default=None,
                        help="files of the dense profile (default 150; 40 with --quick)")
    parser.add_argument("--plain-files", type=int, default=10_000,
                        help="files in the repository without SageMaker code")
    parser.add_argument("--sagemaker-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=None,
                        help="rounds; the best is kept (default 3; 2 with --quick)")
    parser.add_argument("--one-file-runs", type=int, default=None,
                        help="fresh processes per one-file figure (default 7; 5 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="only (2) and (3), on smaller corpora: for iterating")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    for name, full, quick in (("files", 600, 200), ("dense_files", 150, 40), ("repeat", 3, 2),
                              ("one_file_runs", 7, 5)):
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    report = measure(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
