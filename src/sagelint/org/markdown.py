"""`sagelint report --output-format markdown`: the organisation report for an issue, a pull
request or a wiki page, in GitHub-flavoured Markdown.

Whatever the number of repositories, the document stays under GitHub's comment limit
(65,536 characters): each list has a share of the room, stops before it is used up and says
how many rows it left out (the html and json formats have them all). The repositories table
gets what the other sections leave.
"""

from __future__ import annotations

from typing import List, Optional, TextIO, Tuple

from sagelint.org.model import Counts, OrgReport, Repository, Trend
from sagelint.reporters.audit import report_date
from sagelint.reporters.markdown import COMMENT_LIMIT, code, size, text

# Room of the sections other than the repositories table, in characters.
INPUT_ERRORS_ROOM = 4_000
RULES_ROOM = 8_000
OWNERS_ROOM = 4_000
TOP_FILES = 20
TOP_FILES_ROOM = 4_000
# Margin under the limit for the notes that say what was left out.
MARGIN = 1_000
LONG_TEXT = 120
COMMIT_CHARS = 12


def render_markdown(report: OrgReport, stream: TextIO) -> None:
    head = _summary(report)
    errors = _input_errors(report)
    rules = _rules(report)
    owners = _owners(report)
    files = _top_files(report)
    used = sum(size(part) for part in (head, errors, rules, owners, files))
    repositories = _repositories(report, COMMENT_LIMIT - MARGIN - used)
    stream.write("".join((head, errors, repositories, rules, owners, files)))


def _plural(count: int, word: str, many: Optional[str] = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def _shorten(value: str, keep_end: bool = False) -> str:
    if len(value) <= LONG_TEXT:
        return value
    return "…" + value[1 - LONG_TEXT :] if keep_end else value[: LONG_TEXT - 1] + "…"


def _summary(report: OrgReport) -> str:
    totals = report.totals
    count = len(report.repositories)
    if totals.findings:
        headline = (
            f"**{_plural(totals.findings, 'finding')}** ({_plural(totals.errors, 'error')}, "
            f"{_plural(totals.warnings, 'warning')}) in "
            f"{_plural(count - report.clean_repositories, 'repository', 'repositories')}; "
            f"{totals.fixable:,} fixable with `--fix`."
        )
    else:
        headline = f"**No findings** in {_plural(count, 'repository', 'repositories')}."
    lines = [
        "## sagelint organisation report", "", headline, "", "| | |", "|---|---:|",
        f"| Repositories | {count:,} |",
        f"| Repositories without findings | {report.clean_repositories:,} |",
        f"| Findings | {totals.findings:,} |",
        f"| Errors | {totals.errors:,} |",
        f"| Warnings | {totals.warnings:,} |",
        f"| Fixable with `--fix` | {totals.fixable:,} |",
        f"| Files scanned | {report.files_scanned:,} |",
        f"| Files that could not be checked | {report.files_not_checked:,} |",
        f"| Input files that could not be read | {len(report.input_errors):,} |",
    ]
    if report.previous is not None and report.trend is not None:
        lines += [
            f"| New since the previous report | {report.trend.new:,} |",
            f"| Fixed since the previous report | {report.trend.fixed:,} |",
            f"| Unchanged | {report.trend.unchanged:,} |",
        ]
    compared = f" · compared with {code(_shorten(report.previous, True))}" if report.previous else ""
    lines += ["", f"<sub>{text(report.generated_by)} · {report_date()}{compared}</sub>", ""]
    versions = {r.sagelint_version for r in report.repositories if r.sagelint_version}
    settings = {r.settings_fingerprint for r in report.repositories if r.settings_fingerprint}
    if len(versions) > 1 or len(settings) > 1:
        lines += [
            f"> The repositories were checked with {_plural(len(versions), 'sagelint version')} "
            f"and {_plural(len(settings), 'settings fingerprint')}: their counts may not compare.",
            "",
        ]
    return "\n".join(lines) + "\n"


def _table(title: str, header: List[str], rows: List[str], room: int, noun: str,
           intro: str = "") -> str:
    """A table of as many rows as fit in `room` characters, then how many were left out."""
    if not rows:
        return ""
    head = f"### {title}\n\n{intro}" + "\n".join(header) + "\n"
    kept: List[str] = []
    left = room - size(head) - 2
    for row in rows:
        left -= size(row) + 1
        if left < 0:
            break
        kept.append(row)
    body = head + "".join(row + "\n" for row in kept) + "\n"
    if len(kept) < len(rows):
        body += (f"… and {len(rows) - len(kept):,} more {noun}, left out to fit a comment: the "
                 "`html` and `json` formats list them all.\n\n")
    return body


def _trend_heads(report: OrgReport) -> Tuple[str, str]:
    if report.previous is None:
        return "", ""
    return " New | Fixed | Unchanged |", "---:|---:|---:|"


def _trend_cells(report: OrgReport, trend: Optional[Trend]) -> str:
    if report.previous is None:
        return ""
    if trend is None:
        return " – | – | – |"
    return f" {trend.new:,} | {trend.fixed:,} | {trend.unchanged:,} |"


def _repositories(report: OrgReport, room: int) -> str:
    heads, aligns = _trend_heads(report)
    header = [
        f"| Repository | Findings | Errors | Fixable | Not checked |{heads} Commit | sagelint | Settings |",
        f"|---|---:|---:|---:|---:|{aligns}---|---|---|",
    ]
    rows = [_repository_row(report, repository) for repository in report.repositories]
    return _table("Repositories", header, rows, room, "repositories")


def _repository_row(report: OrgReport, repository: Repository) -> str:
    counts = repository.counts
    name = code(_shorten(repository.name, keep_end=True))
    if repository.superseded:
        name += f" (replaces {_plural(len(repository.superseded), 'older run')})"
    commit = code(repository.commit[:COMMIT_CHARS]) if repository.commit else "-"
    version = text(repository.sagelint_version) if repository.sagelint_version else "-"
    settings = code(_shorten(repository.settings_fingerprint)) if repository.settings_fingerprint else "-"
    return (
        f"| {name} | {counts.findings:,} | {counts.errors:,} | {counts.fixable:,} | "
        f"{repository.files_not_checked:,} |{_trend_cells(report, repository.trend)} "
        f"{commit} | {version} | {settings} |"
    )


def _rules(report: OrgReport) -> str:
    heads, aligns = _trend_heads(report)
    header = [
        f"| Code | Name | Severity | Findings | Fixable | Repositories |{heads}",
        f"|---|---|---|---:|---:|---:|{aligns}",
    ]
    rows = [
        f"| {text(rule.code)} | {code(rule.name)} | {text(rule.level)} | {rule.counts.findings:,} | "
        f"{rule.counts.fixable:,} | {rule.repositories:,} |{_trend_cells(report, rule.trend)}"
        for rule in report.rules
    ]
    return _table("Findings per rule", header, rows, RULES_ROOM, "rules")


def _counts_row(name: str, counts: Counts) -> str:
    return (f"| {name} | {counts.findings:,} | {counts.errors:,} | {counts.warnings:,} | "
            f"{counts.fixable:,} |")


def _owners(report: OrgReport) -> str:
    header = ["| Owner | Findings | Errors | Warnings | Fixable |", "|---|---:|---:|---:|---:|"]
    ordered = sorted(report.owners.items(), key=lambda item: (-item[1].findings, item[0]))
    rows = [_counts_row(code(_shorten(owner)), counts) for owner, counts in ordered]
    return _table("Findings per owner", header, rows, OWNERS_ROOM, "owners",
                  "Owners from each repository's CODEOWNERS.\n\n")


def _top_files(report: OrgReport) -> str:
    files = sorted(
        ((count, repository.name, path)
         for repository in report.repositories for path, count in repository.top_files),
        key=lambda item: (-item[0], item[1], item[2]),
    )[:TOP_FILES]
    header = ["| Repository | File | Findings |", "|---|---|---:|"]
    rows = [f"| {code(_shorten(name, True))} | {code(_shorten(path, True))} | {count:,} |"
            for count, name, path in files]
    return _table("Files with the most findings", header, rows, TOP_FILES_ROOM, "files")


def _input_errors(report: OrgReport) -> str:
    if not report.input_errors:
        return ""
    entries = [f"- {code(_shorten(path, True))}: {text(_shorten(reason))}"
               for path, reason in report.input_errors]
    kept: List[str] = []
    left = INPUT_ERRORS_ROOM
    for entry in entries:
        left -= size(entry) + 1
        if left < 0:
            break
        kept.append(entry)
    if len(kept) < len(entries):
        kept.append(f"- … and {len(entries) - len(kept):,} more files")
    title = f"{_plural(len(entries), 'input file')} could not be read (left out of every count)"
    return "\n".join([f"### {title}", "", *kept, ""]) + "\n"
