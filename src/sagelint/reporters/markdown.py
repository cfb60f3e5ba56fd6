"""`markdown`: the audit summary, the table per rule, the files with the most findings and
the findings themselves, as GitHub-flavoured Markdown for a pull-request comment or a wiki.

A GitHub comment holds at most 65,536 characters: the findings list stops before that and
says how many it left out (the html and json formats have them all).
"""

from __future__ import annotations

import re
from typing import TextIO

from sagelint.reporters import ReportOptions
from sagelint.reporters.audit import Audit, build_audit, display_path, fixable
from sagelint.runner import RunResult

# Room for the findings list: a comment's limit, less what the tables above take at most.
COMMENT_LIMIT = 60_000
# A list this long or shorter is shown open; a longer one is folded in <details>.
OPEN_FINDINGS = 20

_CODE_SPAN = re.compile(r"(`[^`]+`)")
_SPECIAL = re.compile(r"([\\*_<>\[\]|])")


def text(value: str) -> str:
    """Markdown for plain text with `code` spans kept: characters that would start emphasis,
    a link, HTML or a table cell are escaped outside the spans."""
    parts = _CODE_SPAN.split(value)
    return "".join(
        part if i % 2 else _SPECIAL.sub(r"\\\1", part) for i, part in enumerate(parts)
    ).replace("\n", " ")


def code(value: str) -> str:
    """A code span, whatever backticks the value holds."""
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}".replace("|", "\\|")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def report_markdown(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    audit = build_audit(outcome, options)
    stream.write("\n".join(_summary(audit)) + "\n")
    stream.write("\n".join(_rule_table(audit)) + "\n")
    stream.write("\n".join(_top_files(audit)) + "\n")
    _findings(outcome, audit, stream)


def _summary(audit: Audit) -> list[str]:
    errors = audit.by_severity.get("error", 0)
    warnings = audit.by_severity.get("warning", 0)
    if audit.findings:
        headline = (
            f"**{_plural(audit.findings, 'finding')}** ({_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')}) in {_plural(audit.with_findings, 'file')}; "
            f"{audit.safe:,} fixable with `--fix`, {audit.unsafe:,} more with `--unsafe-fixes`."
        )
    else:
        headline = "**No findings.**"
    lines = [
        "## sagelint report",
        "",
        headline,
        "",
        "| | |",
        "|---|---:|",
        f"| Files scanned | {audit.scanned:,} |",
        f"| Could contain SageMaker code | {audit.candidates:,} |",
        f"| Files with findings | {audit.with_findings:,} |",
        f"| Could not be read or parsed | {len(audit.unchecked):,} |",
        f"| Findings | {audit.findings:,} |",
        f"| Errors | {errors:,} |",
        f"| Warnings | {warnings:,} |",
        f"| Fixable with `--fix` | {audit.safe:,} |",
        f"| More with `--unsafe-fixes` | {audit.unsafe:,} |",
    ]
    if audit.fixed:
        lines.append(f"| Fixed by this run (`--fix`) | {audit.fixed:,} |")
    lines += [
        "",
        f"<sub>sagelint {audit.version} · settings `{audit.fingerprint or '-'}` · {audit.date}</sub>",
        "",
    ]
    if audit.unchecked:
        lines += [
            (f"<details><summary>{_plural(len(audit.unchecked), 'file')} could not be read or "
            "parsed</summary>"),
            "",
            *(f"- {code(path)}: {text(reason)}" for path, reason in audit.unchecked[:200]),
        ]
        if len(audit.unchecked) > 200:
            lines.append(f"- … and {len(audit.unchecked) - 200:,} more")
        lines += ["", "</details>", ""]
    return lines


def _rule_table(audit: Audit) -> list[str]:
    if not audit.rules:
        return []
    lines = [
        "### Findings per rule",
        "",
        "| Code | Name | Severity | Findings | Safe fix | Unsafe fix |",
        "|---|---|---|---:|---:|---:|",
    ]
    for rule in audit.rules.values():
        lines.append(
            f"| {rule.code} | {code(rule.name)} | {rule.severity.value} | {rule.count:,} | "
            f"{rule.safe:,} | {rule.unsafe:,} |"
        )
    return [*lines, ""]


def _top_files(audit: Audit) -> list[str]:
    if not audit.files:
        return []
    shown = audit.top_files
    lines = ["### Files with the most findings", ""]
    if len(audit.files) > len(shown):
        lines += [f"The {len(shown)} of {len(audit.files):,} files with the most findings.", ""]
    lines += ["| File | Findings | Errors | Warnings | Fixable |", "|---|---:|---:|---:|---:|"]
    for entry in shown:
        lines.append(
            f"| {code(entry.path)} | {entry.count:,} | {entry.errors:,} | "
            f"{entry.count - entry.errors:,} | {entry.safe + entry.unsafe:,} |"
        )
    return [*lines, ""]


def _findings(outcome: RunResult, audit: Audit, stream: TextIO) -> None:
    if not audit.findings:
        return
    opened = " open" if audit.findings <= OPEN_FINDINGS else ""
    stream.write(
        f"### Findings\n\n<details{opened}><summary>{_plural(audit.findings, 'finding')} in "
        f"{_plural(audit.with_findings, 'file')}</summary>\n\n"
    )
    budget = COMMENT_LIMIT
    listed = 0
    for result in outcome.files:
        if not result.diagnostics:
            continue
        block = [f"**{code(display_path(result.path))}** ({len(result.diagnostics):,})", ""]
        for diagnostic in result.diagnostics:
            applicability = fixable(diagnostic)
            fix = ""
            if applicability is not None and diagnostic.fix is not None:
                fix = f" — *{applicability.value} fix:* {text(diagnostic.fix.message)}"
            block.append(
                f"- {code(diagnostic.place)} **{diagnostic.code}** ({diagnostic.severity.value}) "
                f"{text(diagnostic.message)}{fix}"
            )
        chunk = "\n".join(block) + "\n\n"
        if len(chunk) > budget:
            break
        budget -= len(chunk)
        listed += len(result.diagnostics)
        stream.write(chunk)
    if listed < audit.findings:
        stream.write(
            f"… and {audit.findings - listed:,} more findings, left out to keep this short enough "
            "for a comment (`--output-format html` or `json` lists them all).\n\n"
        )
    stream.write("</details>\n")
