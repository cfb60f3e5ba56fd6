"""LibCST's parse of a document from memoised top-level chunks (sagelint.analysis.chunks)
against `libcst.parse_module` of the whole text, CPU in this process.

On bench/lsp_latency.py's documents (`typical`, `dense`, the notebook's joined code):
- whole: `libcst.parse_module(text)`;
- cold: `ChunkedParser().parse(text, starts)` with an empty memo (the overhead when nothing
  is cached);
- warm, last line: the memo holds the text's chunks, then the last line is edited as
  lsp_latency's `code` edit does (a new assignment value each time);
- warm, largest statement: a trailing space typed on a row of the largest top-level
  statement (its chunk is parsed again, the others come from the memo).
`starts` (CPython's first rows of top-level statements) are computed once per text, outside
the timing: the engine has them from its own compile. The collector is tuned as the
language server tunes it (sagelint.memory.tune_gc). Figures are medians of `--repeat` runs.

    python bench/cst_chunks.py [--repeat 7] [--lines 500]

Not a timed test: a measurement to read.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lsp_latency  # noqa: E402

import libcst as cst  # noqa: E402

from sagelint.analysis.chunks import ChunkedParser  # noqa: E402
from sagelint.memory import tune_gc  # noqa: E402


def starts_of(text: str) -> List[int]:
    return [
        min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        for node in ast.parse(text).body
    ]


def _largest_row(text: str) -> int:
    """A row (0-based) in the largest top-level statement, one where a trailing space is
    harmless: its first row (a header or a call's first line)."""
    tree = ast.parse(text)
    node = max(tree.body, key=lambda n: (n.end_lineno or n.lineno) - n.lineno)
    return node.lineno - 1


def _cpu_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def measure(text: str, repeat: int) -> Dict[str, float]:
    starts = starts_of(text)
    # Whole and cold alternate, so that a load on the machine weighs on both alike.
    whole: List[float] = []
    cold: List[float] = []
    for _ in range(repeat):
        whole.append(_cpu_ms(lambda: cst.parse_module(text), 1))
        cold.append(_cpu_ms(lambda: ChunkedParser().parse(text, starts), 1))
    result = {"whole": statistics.median(whole), "cold": statistics.median(cold)}

    parser = ChunkedParser()
    parser.parse(text, starts)
    edits = [lsp_latency.with_edit(text, "code", n) for n in range(1, repeat + 1)]
    edit_starts = starts_of(edits[0])
    iterator = iter(edits)
    result["warm, last line"] = _cpu_ms(
        lambda: parser.parse(next(iterator), edit_starts), repeat
    )

    rows = text.splitlines(keepends=True)
    at = _largest_row(text)
    typed = []
    for n in range(1, repeat + 1):
        changed = list(rows)
        changed[at] = changed[at].rstrip("\n") + " " * n + "\n"
        typed.append("".join(changed))
    typed_iter = iter(typed)
    result["warm, largest statement"] = _cpu_ms(
        lambda: parser.parse(next(typed_iter), starts), repeat
    )
    result["statements"] = len(starts)
    result["largest statement rows"] = float(
        max((n.end_lineno or n.lineno) - n.lineno + 1 for n in ast.parse(text).body)
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--lines", type=int, default=500)
    args = parser.parse_args()
    tune_gc()  # the collector as the language server runs it
    documents: List[Tuple[str, str]] = [
        ("typical", lsp_latency.typical(args.lines)),
        ("dense", lsp_latency.dense(args.lines)),
        ("notebook", lsp_latency.notebook_code(lsp_latency.notebook())),
    ]
    for name, text in documents:
        figures = measure(text, args.repeat)
        rows = text.count("\n")
        shown = ", ".join(
            f"{key} {value:.2f} ms" if "ms" not in key and key not in (
                "statements", "largest statement rows") else f"{key} {value:.0f}"
            for key, value in figures.items()
        )
        print(f"{name} ({rows} rows): {shown}")


if __name__ == "__main__":
    main()
