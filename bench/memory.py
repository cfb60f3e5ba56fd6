"""Peak memory of `sagelint check` per input byte, on one large generated file.

    python bench/memory.py                    # 1 MB and 10 MB, dense and sparse profiles
    python bench/memory.py --mb 2 --profile dense --keep /tmp/big.py

It writes one large SageMaker-looking script of N MB (bench/corpus.py's shapes put one after
the other: `dense` keeps the SageMaker calls inside classes and functions that also hold
everything else, so statement pruning keeps nearly all of it; `sparse` keeps them at the top
level next to unrelated helpers, so pruning drops most of it; `mixed` is the worst case under
the engine's limits: as much dense code as LibCST is given, then tables of numbers), runs
`sagelint check --no-cache --isolated --exit-zero` on it in a fresh process and reads that
process's peak resident memory (`ru_maxrss` of its children, worker processes included, seen
from a wrapper process of its own so that runs do not mix). It prints the peak, the peak per
input byte, the share of the text that pruning keeps, the wall time and what sagelint said on
standard error (a file above a limit is reported as not checked).

The issue's target: a 10 MB file under 1 GB of peak memory.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

MB = 1024 * 1024

# Runs the command given as its arguments and prints the peak RSS (bytes) of the processes it
# waited for: only this wrapper's children count, not the benchmark's earlier runs.
_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
sys.stderr.write(done.stderr.decode("utf-8", "replace"))
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(peak * (1 if sys.platform == "darwin" else 1024), done.returncode)
"""


# The worst case under the limits: as much dense code as LibCST is given (just under
# analysis.syntax.MAX_PARSED_CHARS once pruned), the rest sparse, up to the size limit.
MIXED_DENSE_BYTES = 640 * 1024


def generate(size: int, profile: str, seed: int = 0) -> str:
    """A script of about `size` bytes: shapes of the profile one after the other."""
    if profile == "mixed":
        dense = generate(min(size, MIXED_DENSE_BYTES), "dense", seed)
        return dense + _tables(size - len(dense))
    rng = random.Random(seed)
    parts: List[str] = []
    total = 0
    while total < size:
        if profile == "dense":
            shape = rng.choice(sorted(corpus.DENSE_SHAPES))
            lines = corpus.DENSE_SHAPES[shape](rng, rng.randint(200, 3000))
        else:
            lines = corpus._script(rng, rng.randint(200, 3000))
        part = "\n".join(lines) + "\n\n\n"
        parts.append(part)
        total += len(part)
    return "".join(parts)


def _tables(size: int) -> str:
    """Generated data (`TABLE_1 = [...]` rows of numbers, read by nothing), as in the large
    generated modules that reach a linter: pruning drops it, CPython's tree holds it all."""
    rows, total, number = [], 0, 0
    while total < size:
        number += 1
        row = f"TABLE_{number} = [" + ", ".join(str(number * 7 + i) for i in range(40)) + "]\n"
        rows.append(row)
        total += len(row)
    return "".join(rows)


def kept_share(text: str) -> float:
    """The share of the text (characters other than white space) that pruning keeps."""
    from sagelint.config import resolve_settings
    from sagelint.engine import Engine
    from sagelint.analysis.prune import prune

    seeds = Engine(resolve_settings(None)).seeds
    pruned = prune(text, ast.parse(text), seeds) or text
    blank = " \t\r\n"
    whole = len(text) - sum(text.count(c) for c in blank)
    kept = len(pruned) - sum(pruned.count(c) for c in blank)
    return kept / whole if whole else 1.0


def peak(path: Path, fix: bool = False) -> Dict[str, Any]:
    """Peak RSS, wall time and standard error of `sagelint check` on one file (with `fix`,
    computing every fix: `--fix --unsafe-fixes --diff`, which writes nothing)."""
    command = [sys.executable, "-m", "sagelint", "check", "--no-cache", "--isolated",
               "--exit-zero", "--output-format", "concise",
               *(["--fix", "--unsafe-fixes", "--diff"] if fix else []), str(path)]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the wrapper failed: {done.stderr[-2000:]}")
    rss, code = done.stdout.split()
    return {"peak_bytes": int(rss), "exit_code": int(code), "seconds": elapsed,
            "stderr": done.stderr.strip()[-300:]}


def measure(
    sizes: Sequence[float], profiles: Sequence[str], keep: Path | None, fix: bool = False
) -> List[Dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for profile in profiles:
            for mb in sizes:
                text = generate(int(mb * MB), profile)
                path = keep or Path(folder) / f"large_{profile}.py"
                path.write_text(text, encoding="utf-8")
                size = len(text.encode("utf-8"))
                figures = peak(path, fix)
                rows.append({
                    "profile": profile + (" --fix" if fix else ""),
                    "input_bytes": size,
                    "kept_after_pruning": kept_share(text),
                    **figures,
                    "peak_per_input_byte": figures["peak_bytes"] / size,
                })
    return rows


def table(rows: List[Dict[str, Any]]) -> str:
    lines = [f"{'profile':8} {'input':>8} {'kept':>6} {'peak':>9} {'peak/byte':>9} {'wall':>7}  stderr"]
    for row in rows:
        lines.append(
            f"{row['profile']:8} {row['input_bytes'] / MB:7.1f}M {row['kept_after_pruning']:6.1%} "
            f"{row['peak_bytes'] / MB:8.0f}M {row['peak_per_input_byte']:9.0f} "
            f"{row['seconds']:6.1f}s  {row['stderr'].splitlines()[-1] if row['stderr'] else ''}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, action="append",
                        help="file size in MB (repeatable; default 1 and 10)")
    parser.add_argument("--profile", choices=("dense", "sparse", "mixed"), action="append",
                        help="repeatable; default dense and sparse")
    parser.add_argument("--fix", action="store_true",
                        help="compute the fixes too (--fix --unsafe-fixes --diff)")
    parser.add_argument("--keep", type=Path, help="write the generated file here (one size)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    rows = measure(args.mb or [1.0, 10.0], args.profile or ["dense", "sparse"], args.keep, args.fix)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
