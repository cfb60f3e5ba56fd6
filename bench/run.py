"""sagelint's benchmark: one command, a table on standard output, `--json` for the record.

    python bench/run.py                       # 600 files, 10,000 plain files
    python bench/run.py --files 3000 --json bench.json

It generates a deterministic synthetic repository (bench/corpus.py) in a temporary folder and
measures, in one run:

1. files per second of a full `sagelint check` (a fresh process, no cache, both cores);
2. sagelint's engine CPU against bare `libcst.parse_module` CPU on the files that pass the
   prefilter (in this process, the same files, the best of `--repeat` rounds);
3. one-file wall time of `sagelint check` against `python -c "import libcst"` plus a parse
   of the same file (median of `--one-file-runs` fresh processes each);
4. a cached re-run against a cold run (fresh processes, both cores);
5. the speed-up of two worker processes over one (fresh processes, no cache);
6. the wall time of `sagelint check` on a repository of `--plain-files` files with no
   SageMaker code.

Targets (issue #7) are printed next to each figure. Times vary with the machine and its load;
compare figures from the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

TARGETS = {
    "engine_to_parse_cpu": ("<=", 1.5),
    "plain_repository_seconds": ("<", 1.5),
    "one_file_to_floor": ("<=", 1.4),
    "parallel_speedup": (">=", 1.7),
    "cached_speedup": (">=", 10.0),
}


def _sagelint(args: Sequence[str], cwd: Path, env: Dict[str, str]) -> float:
    """Wall seconds of one `sagelint` process."""
    command = [sys.executable, "-m", "sagelint", *args]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"sagelint failed ({result.returncode}): {result.stderr.decode()[-2000:]}")
    return elapsed


def _environment(jobs: int | None = None) -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SAGELINT_")}
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
    for _ in range(repeat):
        started = time.process_time()
        for text in texts:
            libcst.parse_module(text)
        best_parse = min(best_parse, time.process_time() - started)
        started = time.process_time()
        for path, raw in candidates:
            engine.check(path, raw)
        best_engine = min(best_engine, time.process_time() - started)
    return {
        "prefilter_passed": len(candidates),
        "parse_cpu_seconds": best_parse,
        "engine_cpu_seconds": best_engine,
        "engine_to_parse_cpu": best_engine / best_parse,
    }


def _one_file(path: Path, runs: int) -> Dict[str, float]:
    env = _environment()
    floor_code = f"import libcst; libcst.parse_module(open({str(path)!r}).read())"
    floors, checks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", floor_code], env=env, check=True)
        floors.append(time.perf_counter() - started)
        checks.append(_sagelint(["check", "--no-cache", "-q", str(path)], path.parent, env))
    floor, check = statistics.median(floors), statistics.median(checks)
    return {"floor_seconds": floor, "one_file_seconds": check, "one_file_to_floor": check / floor}


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sagelint-bench-"))
    try:
        repo = work / "repo"
        files = corpus.generate(repo, args.files, args.sagemaker_share, seed=args.seed)
        plain = work / "plain"
        corpus.generate(plain, args.plain_files, sagemaker_share=0.0, seed=args.seed + 1)
        results: Dict[str, Any] = {}

        # (1) and (4): a cold run that fills the cache, then a cached run.
        cache = work / "cache"
        cold = min(
            _sagelint(["check", "-q", "--cache-dir", str(cache / str(i)), "."], repo, _environment())
            for i in range(args.repeat)
        )
        warm = min(
            _sagelint(["check", "-q", "--cache-dir", str(cache / "0"), "."], repo, _environment())
            for _ in range(args.repeat)
        )
        results["files_per_second"] = args.files / cold
        results["cold_seconds"] = cold
        results["cached_seconds"] = warm
        results["cached_speedup"] = cold / warm

        # (5) one worker against two, no cache.
        one = min(_sagelint(["check", "-q", "--no-cache", "."], repo, _environment(1))
                  for _ in range(args.repeat))
        two = min(_sagelint(["check", "-q", "--no-cache", "."], repo, _environment(2))
                  for _ in range(args.repeat))
        results["one_worker_seconds"] = one
        results["two_workers_seconds"] = two
        results["parallel_speedup"] = one / two

        # (2) engine CPU against bare parse CPU, in this process.
        results.update(_engine_against_parse(files, args.repeat))

        # (3) one typical SageMaker script (the median-sized one) against the floor.
        scripts = sorted((p for p in files if p.name.startswith("sm_")), key=lambda p: p.stat().st_size)
        sample = scripts[len(scripts) // 2] if scripts else files[0]
        results.update(_one_file(sample, args.one_file_runs))
        results["one_file_lines"] = sample.read_text().count("\n")

        # (6) a repository with no SageMaker code.
        results["plain_repository_seconds"] = min(
            _sagelint(["check", "-q", "--no-cache", "."], plain, _environment())
            for _ in range(args.repeat)
        )
        sizes = [path.stat().st_size for path in files]
        return {
            "parameters": {
                "files": args.files, "plain_files": args.plain_files,
                "sagemaker_share": args.sagemaker_share, "seed": args.seed, "repeat": args.repeat,
                "corpus_bytes": sum(sizes),
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


def table(report: Dict[str, Any]) -> str:
    r, p = report["results"], report["parameters"]
    rows = [
        ("(1) full check, cold, no cache", f"{r['files_per_second']:.0f} files/s",
         f"{p['files']} files in {r['cold_seconds']:.2f} s", ""),
        ("(2) engine CPU / bare LibCST parse CPU", f"{r['engine_to_parse_cpu']:.2f}x",
         f"{r['engine_cpu_seconds']:.2f} s / {r['parse_cpu_seconds']:.2f} s on "
         f"{r['prefilter_passed']} files", _met("engine_to_parse_cpu", r["engine_to_parse_cpu"])),
        ("(3) one file / import libcst + parse", f"{r['one_file_to_floor']:.2f}x",
         f"{r['one_file_seconds'] * 1000:.0f} ms / {r['floor_seconds'] * 1000:.0f} ms "
         f"({r['one_file_lines']} lines)", _met("one_file_to_floor", r["one_file_to_floor"])),
        ("(4) cached re-run speed-up", f"{r['cached_speedup']:.1f}x",
         f"{r['cold_seconds']:.2f} s -> {r['cached_seconds']:.2f} s",
         _met("cached_speedup", r["cached_speedup"])),
        ("(5) two processes over one", f"{r['parallel_speedup']:.2f}x",
         f"{r['one_worker_seconds']:.2f} s -> {r['two_workers_seconds']:.2f} s",
         _met("parallel_speedup", r["parallel_speedup"])),
        (f"(6) {p['plain_files']} files, no SageMaker code", f"{r['plain_repository_seconds']:.2f} s",
         "", _met("plain_repository_seconds", r["plain_repository_seconds"])),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"sagelint benchmark: {p['files']} files ({p['corpus_bytes'] / 1e6:.1f} MB, "
        f"{p['sagemaker_share']:.0%} SageMaker), Python {report['machine']['python']}, "
        f"{report['machine']['cpus']} CPUs",
        "",
    ]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=600, help="files in the repository")
    parser.add_argument("--plain-files", type=int, default=10_000,
                        help="files in the repository without SageMaker code")
    parser.add_argument("--sagemaker-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best is kept")
    parser.add_argument("--one-file-runs", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    report = measure(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
