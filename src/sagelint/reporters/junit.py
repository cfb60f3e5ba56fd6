"""`junit`: one testsuite per file with diagnostics, one failing testcase per diagnostic; a file
that could not be checked is a testsuite with one testcase in error.

Always well-formed XML 1.0: file names and messages may hold characters XML cannot carry at
all, not even escaped (an ESC from a file name or a string in the source, a lone surrogate
from a name that is not UTF-8); each becomes U+FFFD."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from sagelint.reporters import ReportOptions
from sagelint.reporters.common import UNCHECKED_CODE
from sagelint.runner import RunResult

# What XML 1.0 forbids (its Char production allows tab, LF, CR, U+0020-U+D7FF,
# U+E000-U+FFFD and U+10000-U+10FFFF); the surrogate range covers lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def report_junit(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    total = outcome.diagnostics_count
    errors = len(outcome.errors)
    suites = ET.Element(
        "testsuites", name="sagelint", tests=str(max(total + errors, 1)), failures=str(total),
        errors=str(errors),
    )
    for result in outcome.files:
        if not result.diagnostics and result.error is None:
            continue
        path = xml_safe(result.path)
        failed = len(result.diagnostics)
        broken = 0 if result.error is None else 1
        suite = ET.SubElement(
            suites, "testsuite", name=path, tests=str(failed + broken), failures=str(failed),
            errors=str(broken),
        )
        if result.error is not None:
            case = ET.SubElement(
                suite, "testcase", name=f"org.sagelint.{UNCHECKED_CODE}", classname=path
            )
            reason = xml_safe(result.error.message)
            error = ET.SubElement(case, "error", message=f"{UNCHECKED_CODE} {reason}")
            error.text = reason
        for d in result.diagnostics:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"org.sagelint.{d.code}",
                classname=path,
                line=str(d.location.row),
                column=str(d.location.column),
            )
            message = xml_safe(d.message)
            failure = ET.SubElement(case, "failure", message=f"{d.code} {message}")
            where = "" if d.cell is None else f"cell {d.cell}, "
            failure.text = f"{where}line {d.location.row}, col {d.location.column}, {d.code} {message}"
    if total == 0 and errors == 0:
        suite = ET.SubElement(suites, "testsuite", name="sagelint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name="No errors found", classname="sagelint")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")
