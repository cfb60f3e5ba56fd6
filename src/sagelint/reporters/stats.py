"""--statistics: one line per rule, most frequent first."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from sagelint.model import Applicability
from sagelint.reporters import ReportOptions
from sagelint.rules import all_rules
from sagelint.runner import RunResult


def report_statistics(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for result in outcome.files:
        for d in result.diagnostics:
            counts[d.code] += 1
            if d.fix and (d.fix.applicability is Applicability.SAFE or options.unsafe_fixes):
                fixable[d.code] += 1
    rules = all_rules()
    ordered = sorted(counts, key=lambda code: (-counts[code], code))
    total, total_fixable = sum(counts.values()), sum(fixable.values())
    if options.json:
        rows = [
            {"code": code, "name": rules[code].name, "count": counts[code],
             "fixable": fixable[code]}
            for code in ordered
        ]
        # The last row is the total; its code is null so no tool mistakes it for a rule.
        rows.append({"code": None, "name": "total", "count": total, "fixable": total_fixable})
        json.dump(rows, stream, indent=2)
        stream.write("\n")
        return
    width = len(str(total))
    for code in ordered:
        marker = "[*] " if fixable[code] == counts[code] else ("[-] " if fixable[code] else "    ")
        stream.write(
            f"{counts[code]:>{width}}\t{code}\t{marker}{rules[code].name}"
            f" ({fixable[code]} fixable)\n"
        )
    stream.write(f"{total:>{width}}\t\t    total ({total_fixable} fixable)\n")
