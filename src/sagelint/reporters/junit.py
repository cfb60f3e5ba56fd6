"""`junit`: one testsuite per file with diagnostics, one failing testcase per diagnostic."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TextIO

from sagelint.reporters import ReportOptions
from sagelint.runner import RunResult


def report_junit(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    total = outcome.diagnostics_count
    suites = ET.Element("testsuites", name="sagelint", tests=str(max(total, 1)), failures=str(total))
    for result in outcome.files:
        if not result.diagnostics:
            continue
        count = str(len(result.diagnostics))
        suite = ET.SubElement(suites, "testsuite", name=result.path, tests=count, failures=count)
        for d in result.diagnostics:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"org.sagelint.{d.code}",
                classname=result.path,
                line=str(d.location.row),
                column=str(d.location.column),
            )
            failure = ET.SubElement(case, "failure", message=f"{d.code} {d.message}")
            where = "" if d.cell is None else f"cell {d.cell}, "
            failure.text = (
                f"{where}line {d.location.row}, col {d.location.column}, {d.code} {d.message}"
            )
    if total == 0:
        suite = ET.SubElement(suites, "testsuite", name="sagelint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="No errors found", classname="sagelint")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")
