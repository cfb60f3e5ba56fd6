"""`sagelint report --output-format html`: the organisation report as one self-contained page.

It shares its shell with the audit report of one run (`reporters/page.py`: policy, stylesheet,
escaping, sortable tables): nothing reaches the network and the page works without its script.
Each repository's findings sit in a collapsed `<details>`; they come from the repository's
sample (the merge keeps at most 200), and the page shows fewer of them when there are many
repositories, so 500 repositories and 100,000 findings stay a few MB. The page is written to
the stream piece by piece.
"""

from __future__ import annotations

import heapq
from itertools import groupby
from typing import Callable, List, Optional, TextIO, Tuple

from sagelint.org.model import Counts, OrgReport, Repository, Trend
from sagelint.reporters.audit import report_date
from sagelint.reporters.page import TABLE_SCRIPT, breakable, card, e, inline, page_head, plural, t

Write = Callable[[str], object]

# The sample findings shown over the whole page are shared out between the repositories:
# each shows at most SAMPLE_BUDGET / repositories of its sample, never fewer than SAMPLE_MIN.
SAMPLE_BUDGET = 8_000
SAMPLE_MIN = 10
TOP = 20  # rows of the "top repositories" chart and the "top files" table
COMMIT_CHARS = 12

# What this page adds to the shared stylesheet: narrow number columns for its wide tables,
# and the block inside each repository's <details>.
_CSS = """
#rule-table th.r,#owner-table th.r{width:5.8em}#rule-table th:last-child{width:6.8em}#rule-table th:first-child{width:5em}
.wide{overflow-x:auto}#repo-table{table-layout:auto}#repo-table td:first-child{min-width:12em}
#repo-table th.r,#repo-table th.m{width:auto}#repo-table td.r,#repo-table td.m{overflow-wrap:normal;white-space:nowrap}
.repo-body{padding:8px 12px}
.repo-body dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 8px}
.repo-body dt{color:var(--muted)}.repo-body dd{margin:0;overflow-wrap:anywhere}
.tags span{display:inline-block;margin:0 8px 2px 0}.note{color:var(--warning)}
.sp{margin:8px 0 0;font-weight:600}.new{color:var(--error)}.fixed{color:var(--safe)}
"""


def render_html(report: OrgReport, stream: TextIO) -> None:
    write = stream.write
    write(page_head("sagelint organisation report", _CSS))
    _header(write, report)
    _summary(write, report)
    _input_errors(write, report)
    _repository_table(write, report)
    _rule_table(write, report)
    _owner_table(write, report)
    _top(write, report)
    _repositories(write, report)
    write(f"</main>\n<script>{TABLE_SCRIPT}</script>\n</body>\n</html>\n")


def _header(write: Write, report: OrgReport) -> None:
    compared = f" · compared with <code>{e(report.previous)}</code>" if report.previous else ""
    write(
        "<header><h1>sagelint organisation report</h1>"
        f'<p class="meta">{repositories(len(report.repositories))}'
        f" · {plural(report.totals.findings, 'finding')} · {e(report.generated_by)} · "
        f'<time id="date">{e(report_date())}</time>{compared}</p>'
        '<nav><a href="#summary">Summary</a> <a href="#repositories">Repositories</a> '
        '<a href="#rules">Rules</a>'
        + (' <a href="#owners">Owners</a>' if report.owners else "")
        + ' <a href="#top">Top</a> <a href="#findings">Findings per repository</a></nav>'
        "</header>\n<main>\n"
    )


def repositories(count: int) -> str:
    return f"{count:,} {'repository' if count == 1 else 'repositories'}"


def _summary(write: Write, report: OrgReport) -> None:
    totals = report.totals
    write('<section id="summary"><h2>Summary</h2><div class="cards">')
    write(card("repositories", len(report.repositories), "repositories"))
    write(card("clean", report.clean_repositories, "repositories without findings"))
    write(card("findings", totals.findings, "findings"))
    write(card("errors", totals.errors, "errors", " error" if totals.errors else ""))
    write(card("warnings", totals.warnings, "warnings", " warning" if totals.warnings else ""))
    write(card("fixable", totals.fixable, "fixable with --fix"))
    write(card("scanned", report.files_scanned, "files scanned"))
    write(card("unchecked", report.files_not_checked, "files could not be checked",
               " bad" if report.files_not_checked else ""))
    write(card("input-errors", len(report.input_errors), "input files could not be read",
               " bad" if report.input_errors else ""))
    if report.previous is not None and report.trend is not None:
        write(card("new", report.trend.new, "new since the previous report",
                   " error" if report.trend.new else ""))
        write(card("fixed", report.trend.fixed, "fixed since the previous report"))
        write(card("unchanged", report.trend.unchanged, "unchanged"))
    write("</div>")
    write(_mixed_note(report))
    write("</section>\n")


def _mixed_note(report: OrgReport) -> str:
    """Counts compare only between runs of the same rules: say when versions or settings differ."""
    versions = {r.sagelint_version for r in report.repositories if r.sagelint_version}
    settings = {r.settings_fingerprint for r in report.repositories if r.settings_fingerprint}
    if len(versions) <= 1 and len(settings) <= 1:
        return ""
    return (
        f'<p class="note" id="mixed">The repositories were checked with '
        f"{plural(len(versions), 'sagelint version')} and {plural(len(settings), 'settings fingerprint')}"
        ": their counts may not compare (see the columns of the table below).</p>"
    )


def _input_errors(write: Write, report: OrgReport) -> None:
    if not report.input_errors:
        return
    write('<section id="input-errors"><h2>Input files that could not be read</h2>'
          '<p class="muted">These files were left out of every count below.</p><ul>')
    for path, reason in report.input_errors:
        write(f'<li><code class="path">{e(path)}</code>: {e(reason)}</li>')
    write("</ul></section>\n")


def _trend_heads(report: OrgReport) -> str:
    if report.previous is None:
        return ""
    return '<th class="r">New</th><th class="r">Fixed</th><th class="r">Unchanged</th>'


def _trend_cells(report: OrgReport, trend: Optional[Trend]) -> str:
    """The trend columns of a row; `–` for a row the previous report had no trend for."""
    if report.previous is None:
        return ""
    if trend is None:
        return '<td class="r" data-v="-1">–</td>' * 3
    return (
        f'<td class="r new" data-v="{trend.new}">{trend.new:,}</td>'
        f'<td class="r fixed" data-v="{trend.fixed}">{trend.fixed:,}</td>'
        f'<td class="r" data-v="{trend.unchanged}">{trend.unchanged:,}</td>'
    )


def _number(value: int) -> str:
    return f'<td class="r" data-v="{value}">{value:,}</td>'


def _repository_table(write: Write, report: OrgReport) -> None:
    write('<section id="repositories"><h2>Repositories</h2>')
    if not report.repositories:
        write("<p>No repository was read.</p></section>\n")
        return
    write(
        '<div class="wide"><table class="sortable" id="repo-table"><thead><tr><th>Repository</th>'
        '<th class="r">Findings</th><th class="r">Errors</th><th class="r">Fixable</th>'
        '<th class="r">Not checked</th>'
        f"{_trend_heads(report)}"
        '<th class="m">Commit</th><th class="m">sagelint</th><th class="m">Settings</th>'
        "</tr></thead><tbody>"
    )
    for index, repository in enumerate(report.repositories):
        counts = repository.counts
        replaced = (
            f'<div class="muted">replaces {plural(len(repository.superseded), "older run")}</div>'
            if repository.superseded else ""
        )
        write(
            f'<tr><td><a href="#repo-{index}"><code>{breakable(repository.name)}</code></a>{replaced}</td>'
            f"{_number(counts.findings)}{_number(counts.errors)}{_number(counts.fixable)}"
            f"{_number(repository.files_not_checked)}{_trend_cells(report, repository.trend)}"
            f'<td class="m" title="{e(repository.commit or "")}"><code>{e((repository.commit or "-")[:COMMIT_CHARS])}</code></td>'
            f"<td class=\"m\">{e(repository.sagelint_version or '-')}</td>"
            f'<td class="m"><code>{e(repository.settings_fingerprint or "-")}</code></td></tr>'
        )
    write("</tbody></table></div></section>\n")


def _rule_table(write: Write, report: OrgReport) -> None:
    write('<section id="rules"><h2>Findings per rule</h2>')
    if not report.rules:
        write("<p>No findings.</p></section>\n")
        return
    write(
        '<table class="sortable" id="rule-table"><thead><tr><th>Code</th><th>Name</th>'
        '<th>Severity</th><th class="r">Findings</th><th class="r">Fixable</th>'
        f'<th class="r">Repositories</th>{_trend_heads(report)}</tr></thead><tbody>'
    )
    for rule in report.rules:
        write(
            f'<tr id="rule-{e(rule.code)}"><td><code>{e(rule.code)}</code></td><td>{e(rule.name)}</td>'
            f'<td><span class="badge sev-{e(rule.level)}">{e(rule.level)}</span></td>'
            f"{_number(rule.counts.findings)}{_number(rule.counts.fixable)}"
            f"{_number(rule.repositories)}{_trend_cells(report, rule.trend)}</tr>"
        )
    write("</tbody></table></section>\n")


def _owner_table(write: Write, report: OrgReport) -> None:
    if not report.owners:
        return
    write(
        '<section id="owners"><h2>Findings per owner</h2>'
        '<p class="muted">Owners from each repository\'s CODEOWNERS.</p>'
        '<table class="sortable" id="owner-table"><thead><tr><th>Owner</th>'
        '<th class="r">Findings</th><th class="r">Errors</th><th class="r">Warnings</th>'
        '<th class="r">Fixable</th></tr></thead><tbody>'
    )
    for owner, counts in sorted(report.owners.items(), key=lambda item: (-item[1].findings, item[0])):
        write(f"<tr><td><code>{e(owner)}</code></td>{_counts_cells(counts)}</tr>")
    write("</tbody></table></section>\n")


def _counts_cells(counts: Counts) -> str:
    return (
        f"{_number(counts.findings)}{_number(counts.errors)}{_number(counts.warnings)}"
        f"{_number(counts.fixable)}"
    )


def _top(write: Write, report: OrgReport) -> None:
    """The repositories with the most findings (bars), and the files with the most findings
    across every repository (from each repository's top files)."""
    write('<section id="top"><h2>Where the findings are</h2>')
    ranked = sorted(
        (i for i, r in enumerate(report.repositories) if r.counts.findings),
        key=lambda i: (-report.repositories[i].counts.findings, report.repositories[i].name),
    )[:TOP]
    if not ranked:
        write("<p>No findings.</p></section>\n")
        return
    biggest = report.repositories[ranked[0]].counts.findings
    write('<figure class="tree"><figcaption>Repositories with the most findings</figcaption>'
          '<ul class="folders">')
    for index in ranked:
        repository = report.repositories[index]
        share = 100 * repository.counts.findings / biggest
        write(
            f'<li class="row"><span class="fname" title="{e(repository.name)}"><span class="tw"></span>'
            f'<a href="#repo-{index}">{e(repository.name)}</a></span>'
            f'<span class="bar"><i style="width:{share:.1f}%"></i></span>'
            f'<span class="fc">{repository.counts.findings:,}</span></li>'
        )
    write("</ul></figure>")
    files = _top_files(report)
    if files:
        write('<h3>Files with the most findings</h3><table class="sortable" id="file-table">'
              '<thead><tr><th>Repository</th><th>File</th><th class="r">Findings</th></tr></thead><tbody>')
        for count, name, path in files:
            write(f"<tr><td><code>{breakable(name)}</code></td><td><code>{breakable(path)}</code></td>"
                  f"{_number(count)}</tr>")
        write("</tbody></table>")
    write("</section>\n")


def _top_files(report: OrgReport) -> List[Tuple[int, str, str]]:
    candidates = (
        (count, repository.name, path)
        for repository in report.repositories for path, count in repository.top_files
    )
    return heapq.nsmallest(TOP, candidates, key=lambda item: (-item[0], item[1], item[2]))


def shown_per_repository(report: OrgReport) -> int:
    """How many sample findings each repository shows: the page's budget shared out."""
    with_samples = sum(1 for repository in report.repositories if repository.sample)
    return max(SAMPLE_MIN, SAMPLE_BUDGET // max(1, with_samples))


def _repositories(write: Write, report: OrgReport) -> None:
    write('<section id="findings"><h2>Findings per repository</h2>')
    if not report.repositories:
        write("<p>No repository was read.</p></section>\n")
        return
    write('<p class="muted">Each repository is collapsed: open one to see its details and '
          "findings.</p>")
    limit = shown_per_repository(report)
    for index, repository in enumerate(report.repositories):
        _repository(write, repository, index, limit)
    write("</section>\n")


def _repository(write: Write, repository: Repository, index: int, limit: int) -> None:
    counts = repository.counts
    errors = f' <span class="muted">({plural(counts.errors, "error")})</span>' if counts.errors else ""
    write(
        f'<details class="file repo" id="repo-{index}"><summary><code>{e(repository.name)}</code> '
        f'<span class="cnt">{plural(counts.findings, "finding")}</span>{errors}</summary>'
        '<div class="repo-body"><dl>'
    )
    facts = [
        ("Commit", repository.commit), ("Branch", repository.branch),
        ("sagelint", repository.sagelint_version), ("Settings", repository.settings_fingerprint),
        ("Read from", repository.source or None),
        # The run's SARIF category, where the merge records one (runs of one repository in
        # different categories are different analyses).
        ("Category", getattr(repository, "category", None)),
    ]
    for label, value in facts:
        if value:
            write(f"<dt>{label}</dt><dd><code>{e(value)}</code></dd>")
    write(
        f"<dt>Files</dt><dd>{plural(repository.files_scanned, 'file')} scanned, "
        f"{repository.files_not_checked:,} could not be checked</dd>"
        f"<dt>Findings</dt><dd>{counts.errors:,} errors, {counts.warnings:,} warnings, "
        f"{counts.fixable:,} fixable with <code>--fix</code></dd>"
    )
    if repository.superseded:
        older = ", ".join(f"<code>{e(run)}</code>" for run in repository.superseded)
        write(f'<dt>Replaces</dt><dd class="note">older runs of this repository: {older} '
              "(the newest commit wins)</dd>")
    write("</dl>")
    _tags(write, "Rules", [(code, c.findings) for code, c in repository.by_rule.items()])
    _tags(write, "Owners", [(owner, c.findings) for owner, c in repository.by_owner.items()])
    if repository.top_files:
        _tags(write, "Top files", list(repository.top_files), keep_order=True)
    _sample(write, repository, limit)
    write("</div></details>\n")


def _tags(write: Write, label: str, items: List[Tuple[str, int]], keep_order: bool = False) -> None:
    if not items:
        return
    if not keep_order:
        items = sorted(items, key=lambda item: (-item[1], item[0]))
    body = "".join(f"<span><code>{e(name)}</code> {count:,}</span>" for name, count in items)
    write(f'<p class="tags"><b>{e(label)}:</b> {body}</p>')


def _sample(write: Write, repository: Repository, limit: int) -> None:
    shown = repository.sample[:limit]
    if not shown:
        return
    total = repository.counts.findings
    if len(shown) < total:
        write(f'<p class="muted">{len(shown):,} of {plural(total, "finding")}: the repository\'s '
              "own run (<code>sagelint check</code>) lists them all.</p>")
    # Consecutive findings of one file share its heading: the path (and owner) once, not on
    # every finding, which keeps a page of 500 repositories a few MB.
    for path, group in groupby(shown, key=lambda finding: (finding.path, finding.owner)):
        where, owner = path
        team = f' <span class="muted">{e(owner)}</span>' if owner else ""
        write(f'<p class="sp"><code>{t(where)}</code>{team}</p><ol class="fl">')
        for finding in group:
            write(
                f'<li class="f" data-s="{e(finding.level)}"><div class="fh"><b>{e(finding.rule)}</b> '
                f"<code>{finding.line}:{finding.column}</code></div><p>{inline(finding.message)}</p></li>"
            )
        write("</ol>")

