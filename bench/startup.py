"""Issue 29's figures that bench/run.py does not give, each beside its anchor measured in the
same run (CPU time, the best of `--runs`; ratios, not absolute times, are the figures):

    python bench/startup.py                   # all figures
    python bench/startup.py --runs 3 --json startup.json

1. One file, a fresh process with bytecode written (the second run of an installed tool),
   `sagelint check --no-cache`:
   (a) a file without SageMaker text, against `python -c "import click"`;
   (b) a file the gate rejects (it names SageMaker, no call of it can reach a finding),
       against `python -c "import click"` (target <= 1.2x);
   (c) a file with findings (the median dense script), against
       `python -c "import libcst, click"` plus a parse of that file (target <= 1.15x);
   and for each, what it imported: sagelint's modules, and whether LibCST and a reporter.
2. Growth: the engine's CPU per line on a 20,000-line dense file against a 500-line one
   (target <= 1.5x), in this process, with `libcst.parse_module` and CPython's `ast.parse`
   of the same texts as anchors; with the collector as a run tunes it (sagelint.memory) and
   with CPython's default thresholds; and the whole dense corpus checked in a fresh process
   with `sagelint.memory.tune_gc()` against CPython's default collector.
3. The share of the engine's CPU spent on files with no finding (the dense corpus of
   bench/corpus.py), and how many of those files the gate kept from LibCST.
4. Anchors of other tools where they are installed next to this Python: `ruff check` (its
   default rules) on the dense corpus against sagelint's engine; Fixit is not a dependency
   and is reported as absent unless installed.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
from run import _environment, _median_file, _timed  # noqa: E402

TARGETS = {
    "gated_one_file_to_click": ("<=", 1.2),
    "findings_one_file_to_floor": ("<=", 1.15),
    "growth_per_line": ("<=", 1.5),
}

GATED = '''\
"""Helpers for the training notebooks (the SageMaker jobs are started elsewhere)."""

REGION_NOTE = "sagemaker jobs run in eu-west-1"


def describe(job):
    return f"{job['name']}: {job['status']}"
'''

PLAIN = "import os\n\n\ndef main():\n    print(os.getcwd())\n\n\nmain()\n"

# Prints, after the run, the modules the process imported (one JSON line).
_PROBE = (
    "import json, sys\n"
    "from sagelint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "sys.stdout.flush()\n"
    "print()\n"
    "print(json.dumps(sorted(sys.modules)))\n"
)


def _imports(path: Path, env: Dict[str, str]) -> Dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "check", "--no-cache", "-q", str(path)],
        cwd=path.parent, env=env, capture_output=True, text=True,
    )
    modules = json.loads(done.stdout.splitlines()[-1])
    return {
        "sagelint_modules": sum(1 for m in modules if m.split(".")[0] == "sagelint"),
        "libcst": "libcst" in modules,
        "reporters": sorted(m for m in modules if m.startswith("sagelint.reporters.")),
    }


def _best_cpu(command: Sequence[str], cwd: Path, env: Dict[str, str], runs: int) -> float:
    _timed(command, cwd, env)  # writes the bytecode the measured runs read
    return min(_timed(command, cwd, env) for _ in range(runs))


def one_file(work: Path, dense: List[Path], runs: int) -> Dict[str, Any]:
    env = _environment()
    plain, gated = work / "plain.py", work / "gated.py"
    plain.write_text(PLAIN)
    gated.write_text(GATED)
    scripts = [p for p in dense if p.suffix == ".py"]
    findings = _median_file(scripts)
    click = _best_cpu([sys.executable, "-c", "import click"], work, env, runs)
    floor = _best_cpu(
        [sys.executable, "-c",
         f"import libcst, click; libcst.parse_module(open({str(findings)!r}).read())"],
        work, env, runs,
    )
    figures: Dict[str, Any] = {"click_seconds": click, "libcst_click_parse_seconds": floor}
    for name, path, anchor in (("plain", plain, click), ("gated", gated, click),
                               ("findings", findings, floor)):
        check = [sys.executable, "-m", "sagelint", "check", "--no-cache", "-q", str(path)]
        cpu = _best_cpu(check, path.parent, env, runs)
        figures[f"{name}_one_file_seconds"] = cpu
        anchor_name = "click" if anchor is click else "floor"
        figures[f"{name}_one_file_to_{anchor_name}"] = cpu / anchor
        figures[f"{name}_imports"] = _imports(path, env)
    figures["findings_lines"] = findings.read_text().count("\n")
    return figures


def dense_text(lines: int, seed: int) -> str:
    """A dense-profile script of at least `lines` lines (shapes of bench/corpus.py one after
    the other, as bench/memory.py builds them)."""
    rng = random.Random(seed)
    parts: List[str] = []
    total = 0
    while total < lines:
        shape = rng.choice(sorted(corpus.DENSE_SHAPES))
        size = min(max(lines - total, 200), 3000)
        part = corpus.DENSE_SHAPES[shape](rng, size)
        parts.append("\n".join(part) + "\n\n\n")
        total += len(part) + 2
    return "".join(parts)


def _cpu(function: Any, repeat: int) -> float:
    """The best CPU time of `repeat` calls, after one untimed call (what the first check
    imports on demand, the SM6 tables, is not the engine's cost per line)."""
    function()
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        function()
        best = min(best, time.process_time() - started)
    return best


def growth(repeat: int, seed: int, small_lines: int = 500, large_lines: int = 20_000) -> Dict[str, Any]:
    import libcst

    from sagelint.config import Settings
    from sagelint.engine import Engine
    from sagelint.memory import THRESHOLDS

    engine = Engine(Settings.build())
    small, large = dense_text(small_lines, seed), dense_text(large_lines, seed + 1)
    figures: Dict[str, Any] = {}
    default = gc.get_threshold()
    for tuned, thresholds in (("", THRESHOLDS), ("_default_gc", default)):
        gc.set_threshold(*thresholds)
        per_line = {}
        for name, text in (("small", small), ("large", large)):
            lines = text.count("\n")
            data = text.encode()
            engine_cpu = _cpu(lambda n=name, d=data: engine.check(f"{n}.py", d), repeat)
            per_line[name] = engine_cpu / lines * 1e6
            figures[f"{name}_lines"] = lines
            figures[f"{name}_engine_us_per_line{tuned}"] = per_line[name]
            if not tuned:
                parse = _cpu(lambda t=text: libcst.parse_module(t), repeat)
                figures[f"{name}_libcst_parse_us_per_line"] = parse / lines * 1e6
                figures[f"{name}_ast_parse_us_per_line"] = (
                    _cpu(lambda t=text: ast.parse(t), repeat) / lines * 1e6
                )
                figures[f"{name}_diagnostics"] = len(engine.check(f"{name}.py", data).diagnostics)
        figures[f"growth_per_line{tuned}"] = per_line["large"] / per_line["small"]
    gc.set_threshold(*THRESHOLDS)
    figures["libcst_parse_growth_per_line"] = (
        figures["large_libcst_parse_us_per_line"] / figures["small_libcst_parse_us_per_line"]
    )
    return figures


def no_finding_share(dense: List[Path]) -> Dict[str, Any]:
    from sagelint.config import Settings
    from sagelint.engine import Engine

    engine = Engine(Settings.build())
    quiet = loud = 0.0
    quiet_files = gated = 0
    for path in dense:
        data = path.read_bytes()
        started = time.process_time()
        result = engine.check(str(path), data)
        spent = time.process_time() - started
        if result.diagnostics:
            loud += spent
        else:
            quiet += spent
            quiet_files += 1
            # Would the gate alone have kept it from LibCST? (the analysis says so)
            if path.suffix == ".py":
                gated += engine.analyze(data.decode("utf-8")).gated
    return {
        "files": len(dense),
        "files_without_finding": quiet_files,
        "gated_files_without_finding": gated,
        "engine_share_on_files_without_finding": quiet / (quiet + loud) if quiet + loud else 0.0,
        "engine_cpu_seconds": quiet + loud,
    }


def other_tools(dense_root: Path, dense: List[Path], runs: int) -> Dict[str, Any]:
    """ruff (default rules) on the dense corpus, fresh process, against sagelint's engine
    CPU on the same files (this process, measured just before)."""
    figures: Dict[str, Any] = {}
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    env = _environment()
    if ruff is not None:
        command = [ruff, "check", "--no-cache", "--isolated", "--exit-zero", "-q",
                   *[str(p) for p in dense if p.suffix == ".py"]]
        figures["ruff_default_cpu_seconds"] = min(
            _timed(command, dense_root, env) for _ in range(runs)
        )
    try:
        import fixit  # noqa: F401
        figures["fixit"] = "installed (not measured here)"
    except ImportError:
        figures["fixit"] = "absent"
    return figures


# Checks the files named in argv with the engine in a fresh process, the collector tuned as a
# run tunes it ("tuned") or left at CPython's defaults ("default"); prints its CPU seconds
# (start-up included: the whole process, as issue 29 measured the -14.5 %).
_GC_PROBE = """
import sys, time
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.memory import tune_gc
engine = Engine(Settings.build())
engine.prepare()  # as a run of several files builds it before the freeze (sagelint.runner)
if sys.argv[1] == "tuned":
    tune_gc()
for path in sys.argv[2:]:
    with open(path, "rb") as handle:
        engine.check(path, handle.read())
print(time.process_time())
"""


def gc_effect(paths: List[Path], runs: int) -> Dict[str, Any]:
    """Whole-process CPU of the engine over `paths`, collector tuned against default."""
    env = _environment()
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    figures: Dict[str, Any] = {}
    for mode in ("default", "tuned"):
        command = [sys.executable, "-c", _GC_PROBE, mode, *map(str, paths)]
        figures[f"gc_{mode}_cpu_seconds"] = min(
            _timed(command, paths[0].parent, env) for _ in range(runs)
        )
    figures["gc_tuned_to_default"] = (
        figures["gc_tuned_cpu_seconds"] / figures["gc_default_cpu_seconds"]
    )
    return figures


def _engine_on(paths: List[Path]) -> float:
    from sagelint.config import Settings
    from sagelint.engine import Engine

    engine = Engine(Settings.build())
    data = [(str(p), p.read_bytes()) for p in paths]
    started = time.process_time()
    for path, raw in data:
        engine.check(path, raw)
    return time.process_time() - started


def measure(args: argparse.Namespace) -> Dict[str, Any]:
    from sagelint.memory import tune_gc

    tune_gc()  # the engine runs as `sagelint check` runs it
    work = Path(tempfile.mkdtemp(prefix="sagelint-startup-"))
    try:
        dense_root = work / "dense"
        dense = corpus.generate_dense(dense_root, args.dense_files, seed=args.seed)
        results: Dict[str, Any] = {}
        results.update(one_file(work, dense, args.runs))
        results.update(growth(args.repeat, args.seed, args.small_lines, args.large_lines))
        results.update(no_finding_share(dense))
        scripts = [p for p in dense if p.suffix == ".py"]
        results["engine_scripts_cpu_seconds"] = _engine_on(scripts)
        results.update(gc_effect(dense, max(1, args.runs // 2)))
        results.update(other_tools(dense_root, dense, args.runs))
        return {"parameters": vars(args) | {"json": str(args.json) if args.json else None},
                "results": results,
                "targets": {k: f"{op} {v:g}" for k, (op, v) in TARGETS.items()}}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _met(key: str, value: float) -> str:
    if key not in TARGETS:
        return ""
    op, target = TARGETS[key]
    ok = value <= target if op == "<=" else value >= target
    return f"{op} {target:g}  {'met' if ok else 'NOT met'}"


def _imported(figures: Dict[str, Any]) -> str:
    libcst = "LibCST" if figures["libcst"] else "no LibCST"
    reporters = ", ".join(r.rsplit(".", 1)[-1] for r in figures["reporters"]) or "no reporter"
    return f"{figures['sagelint_modules']} sagelint modules, {libcst}, {reporters}"


def table(report: Dict[str, Any]) -> str:
    r = report["results"]
    ms = 1000
    rows: List[Tuple[str, str, str, str]] = []
    for name, anchor, label in (
        ("plain", "click", "(1a) one file, no SageMaker text / import click"),
        ("gated", "click", "(1b) one file the gate rejects / import click"),
        ("findings", "floor", "(1c) one file with findings / import libcst, click + parse"),
    ):
        key = f"{name}_one_file_to_{anchor}"
        base = r["click_seconds"] if anchor == "click" else r["libcst_click_parse_seconds"]
        rows.append((label, f"{r[key]:.2f}x",
                     f"{r[f'{name}_one_file_seconds'] * ms:.0f} ms / {base * ms:.0f} ms; "
                     + _imported(r[f"{name}_imports"]), _met(key, r[key])))
    rows.append(("(2) engine us/line, large file / small file", f"{r['growth_per_line']:.2f}x",
                 f"{r['large_engine_us_per_line']:.0f} / {r['small_engine_us_per_line']:.0f} us "
                 f"per line ({r['large_lines']} / {r['small_lines']} lines); LibCST parse "
                 f"{r['large_libcst_parse_us_per_line']:.0f} / "
                 f"{r['small_libcst_parse_us_per_line']:.0f} "
                 f"({r['libcst_parse_growth_per_line']:.2f}x); ast.parse "
                 f"{r['large_ast_parse_us_per_line']:.1f} / {r['small_ast_parse_us_per_line']:.1f}",
                 _met("growth_per_line", r["growth_per_line"])))
    rows.append(("    the same, CPython's default thresholds (heap frozen in both)",
                 f"{r['growth_per_line_default_gc']:.2f}x",
                 f"{r['large_engine_us_per_line_default_gc']:.0f} / "
                 f"{r['small_engine_us_per_line_default_gc']:.0f} us per line", ""))
    rows.append(("    whole process over the dense corpus, tune_gc() / default GC",
                 f"{r['gc_tuned_to_default']:.2f}x",
                 f"{r['gc_tuned_cpu_seconds'] * ms:.0f} ms / {r['gc_default_cpu_seconds'] * ms:.0f} ms",
                 ""))
    rows.append(("(3) engine CPU on files with no finding",
                 f"{r['engine_share_on_files_without_finding']:.0%}",
                 f"{r['files_without_finding']} of {r['files']} files; the gate kept "
                 f"{r['gated_files_without_finding']} of them from LibCST", ""))
    if "ruff_default_cpu_seconds" in r:
        rows.append(("(4) ruff default / sagelint engine, dense scripts",
                     f"{r['ruff_default_cpu_seconds'] / r['engine_scripts_cpu_seconds']:.3f}x",
                     f"{r['ruff_default_cpu_seconds'] * ms:.0f} ms (fresh process) / "
                     f"{r['engine_scripts_cpu_seconds'] * ms:.0f} ms; Fixit {r['fixit']}", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows
    )


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--repeat", type=int, default=3, help="in-process rounds (best kept)")
    parser.add_argument("--dense-files", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--small-lines", type=int, default=500)
    parser.add_argument("--large-lines", type=int, default=20_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report = measure(args)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
