"""`html`: one self-contained audit report to open in a browser and forward.

Nothing in it reaches the network: inline CSS, inline SVG charts and a small inline script,
pinned down by a Content-Security-Policy that allows nothing else. Without scripts every
finding is visible; the script only adds filters, sorting and expand/collapse. The page is
written to the stream piece by piece: a report of 10,000 findings is never one string.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Callable, TextIO

from sagelint.model import Diagnostic, FileResult
from sagelint.reporters import ReportOptions
from sagelint.reporters.audit import (
    Audit,
    DiffLine,
    Folder,
    build_audit,
    common_ends,
    display_path,
    excerpt,
    fix_diff,
    fixable,
    folder_of,
    folders,
    migration,
)
from sagelint.mask import Redactor
from sagelint.reporters.page import (
    TABLE_SCRIPT,
    breakable as _breakable,
    card as _card,
    e as _e,
    inline as _inline,
    page_head,
    plural as _plural,
    short as _short,
    t as _t,
)
from sagelint.runner import RunResult

Write = Callable[[str], object]

# Up to this many findings, every file's list is open; above it each file is collapsed to
# one line (the page stays quick to open and scroll with 10,000 findings).
OPEN_LIMIT = 500
# Folder tree: how deep the chart goes, and how many subfolders each level shows.
TREE_DEPTH = 4
TREE_WIDTH = 25
TREE_ROWS = 300
# The folder filter offers at most this many folders (the biggest).
FOLDER_OPTIONS = 300

def report_html(outcome: RunResult, stream: TextIO, options: ReportOptions) -> None:
    audit = build_audit(outcome, options)
    write = stream.write
    write(page_head("sagelint report"))
    _header(write, audit)
    _summary(write, audit)
    _charts(write, audit)
    _not_checked(write, audit)
    _rule_table(write, audit)
    _migration(write, outcome)
    _top_files(write, audit)
    _findings(write, outcome, audit)
    _rule_docs(write, audit, options)
    write(f"</main>\n<script>{_SCRIPT}{TABLE_SCRIPT}</script>\n</body>\n</html>\n")


def _header(write: Write, audit: Audit) -> None:
    title = "No findings" if not audit.findings else _plural(audit.findings, "finding")
    write(
        '<header><h1>sagelint report</h1>'
        f'<p class="meta">{_e(title)} · sagelint {_e(audit.version)} · settings '
        f'<code id="fingerprint">{_e(audit.fingerprint or "-")}</code> · '
        f'<time id="date">{_e(audit.date)}</time></p>'
        '<nav><a href="#summary">Summary</a> <a href="#charts">Charts</a> '
        '<a href="#rules">Rules</a> <a href="#top-files">Files</a> '
        '<a href="#findings">Findings</a> <a href="#docs">Rule docs</a></nav></header>\n<main>\n'
    )


def _summary(write: Write, audit: Audit) -> None:
    errors = audit.by_severity.get("error", 0)
    warnings = audit.by_severity.get("warning", 0)
    write('<section id="summary"><h2>Summary</h2><div class="cards">')
    write(_card("scanned", audit.scanned, "files scanned"))
    write(_card("candidates", audit.candidates, "could contain SageMaker code"))
    write(_card("with-findings", audit.with_findings, "files with findings"))
    write(_card("unchecked", len(audit.unchecked), "files could not be checked",
                " bad" if audit.unchecked else ""))
    if audit.unparsed_cells:
        write(_card("cells", audit.cells_not_parsed, "notebook cells could not be parsed", " bad"))
    write(_card("findings", audit.findings, "findings"))
    write(_card("errors", errors, "errors", " error" if errors else ""))
    write(_card("warnings", warnings, "warnings", " warning" if warnings else ""))
    write(_card("safe", audit.safe, "fixable with --fix"))
    write(_card("unsafe", audit.unsafe, "more with --unsafe-fixes"))
    write("</div>")
    if audit.fixed:
        write(f'<p id="fixed">This run applied {_plural(audit.fixed, "fix")} (<code>--fix</code>); '
              "the findings below remain.</p>")
    write("</section>\n")


def _not_checked(write: Write, audit: Audit) -> None:
    """Files that could not be checked, and notebook cells that could not be parsed (grouped
    per notebook): after the charts and collapsed, so they do not push the findings down."""
    if not audit.unchecked and not audit.unparsed_cells:
        return
    write('<section id="not-checked"><h2>Not checked</h2>')
    if audit.unchecked:
        write(f'<details class="unchecked"><summary>{_plural(len(audit.unchecked), "file")} '
              "could not be checked</summary><ul>")
        for path, reason in audit.unchecked:
            write(f'<li><code class="path">{_e(path)}</code>: {_e(reason)}</li>')
        write("</ul></details>")
    if audit.unparsed_cells:
        cells = _plural(audit.cells_not_parsed, "notebook cell")
        notebooks = _plural(len(audit.unparsed_cells), "notebook")
        write(f'<details class="cells"><summary>{cells} in {notebooks} could not be parsed '
              "(their other cells were checked)</summary><ul>")
        for path, failures in audit.unparsed_cells:
            write(f'<li><code class="path">{_e(path)}</code> ({_plural(len(failures), "cell")})<ul>')
            for where, reason in failures:
                write(f"<li><code>{_e(where)}</code>: {_e(reason)}</li>")
            write("</ul></li>")
        write("</ul></details>")
    write("</section>\n")


# -- charts ----------------------------------------------------------------------------------


def _charts(write: Write, audit: Audit) -> None:
    write('<section id="charts"><h2>Charts</h2>')
    if not audit.findings:
        write("<p>No findings to chart.</p></section>\n")
        return
    write('<div class="charts"><figure><figcaption>Findings per rule</figcaption>')
    write(_rule_chart(audit))
    write('</figure><figure><figcaption>Severity and fixes</figcaption>')
    write(_split_chart(audit))
    write("</figure></div>")
    write('<figure class="tree"><figcaption>Findings per folder</figcaption>')
    # Bars are scaled to the biggest top-level folder, so the differences between folders
    # show even when the findings spread over many of them.
    biggest = max([c.count for c in audit.tree.children.values()] + [_top_level(audit.tree)])
    _folder_tree(write, audit.tree, biggest)
    write("</figure></section>\n")


def _rule_chart(audit: Audit) -> str:
    rows = list(audit.rules.values())
    biggest = max(rule.count for rule in rows)
    label, bar, height = 250, 330, 22
    width = label + bar + 60
    out = [
        (f'<svg class="chart" viewBox="0 0 {width} {height * len(rows) + 4}" width="{width}" '
        f'height="{height * len(rows) + 4}" role="img" aria-label="Findings per rule">')
    ]
    for i, rule in enumerate(rows):
        y = i * height + 2
        length = max(2.0, bar * rule.count / biggest)
        out.append(
            f'<a href="#doc-{_e(rule.code)}"><title>{_e(rule.code)} {_e(rule.name)}: '
            f'{rule.count}</title><text x="0" y="{y + 15}" class="lbl">{_e(rule.code)} '
            f'<tspan class="muted">{_e(_short(rule.name, 28))}</tspan></text>'
            f'<rect x="{label}" y="{y + 3}" width="{length:.1f}" height="{height - 7}" rx="3" '
            f'class="sev-{_e(rule.severity.value)}"/>'
            f'<text x="{label + length + 6:.1f}" y="{y + 15}" class="num">{rule.count:,}</text></a>'
        )
    out.append("</svg>")
    return "".join(out)


def _split_chart(audit: Audit) -> str:
    """Two stacked bars: errors / warnings, and safe / unsafe / no fix."""
    total = audit.findings
    rows = [
        ("Severity", [(kind, audit.by_severity.get(kind, 0),
                       kind if audit.by_severity.get(kind, 0) == 1 else kind + "s")
                      for kind in ("error", "warning")]),
        ("Fixes", [("safe", audit.safe, "safe fix"), ("unsafe", audit.unsafe, "unsafe fix"),
                   ("nofix", total - audit.safe - audit.unsafe, "no fix")]),
    ]
    width, bar = 420, 340
    out = [(f'<svg class="chart" viewBox="0 0 {width} 150" width="{width}" height="150" '
           'role="img" aria-label="Severity and fixes">')]
    for i, (title, parts) in enumerate(rows):
        y = i * 75
        out.append(f'<text x="0" y="{y + 14}" class="lbl">{title}</text>')
        x = 0.0
        legend = 0
        for kind, count, label in parts:
            if count:
                length = bar * count / total
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 22}" width="{length:.1f}" height="20" '
                    f'class="sev-{kind}"><title>{count:,} {label}</title></rect>'
                )
                x += length
            out.append(
                f'<rect x="{legend}" y="{y + 52}" width="10" height="10" class="sev-{kind}"/>'
                f'<text x="{legend + 14}" y="{y + 61}" class="small">{count:,} {label}</text>'
            )
            legend += 125
    out.append("</svg>")
    return "".join(out)


def _top_level(tree: Folder) -> int:
    """Findings in files directly in the folder checked."""
    return tree.count - sum(child.count for child in tree.children.values())


def _folder_tree(write: Write, tree: Folder, total: int) -> None:
    top_level = _top_level(tree)
    write('<ul class="folders">')
    if top_level:
        write(_folder_row("(files at the top level)", "", top_level, total, "li", 1))
    _folder_children(write, tree, total, 1, [TREE_ROWS])
    write("</ul>")


def _folder_children(write: Write, node: Folder, total: int, depth: int, budget: list[int]) -> None:
    """Biggest folders first, at most TREE_WIDTH per level and TREE_ROWS in all."""
    ordered = sorted(node.children.values(), key=lambda f: (-f.count, f.name))
    # The first level is open when it is short: a tree with one top folder shows its inside.
    opened = " open" if depth == 1 and len(ordered) <= 3 else ""
    shown = 0
    for child in ordered[:TREE_WIDTH]:
        if budget[0] <= 0:
            break
        budget[0] -= 1
        shown += 1
        if child.children and depth < TREE_DEPTH:
            row = _folder_row(child.name + "/", child.path, child.count, total, "span", depth)
            write(f'<li><details{opened}><summary>{row}</summary><ul class="folders">')
            _folder_children(write, child, total, depth + 1, budget)
            write("</ul></details></li>")
        else:
            write(_folder_row(child.name + "/", child.path, child.count, total, "li", depth))
    if len(ordered) > shown:
        rest = sum(child.count for child in ordered[shown:])
        write(f'<li class="muted">… {len(ordered) - shown:,} more folders, {_plural(rest, "finding")}</li>')


def _folder_row(name: str, path: str, count: int, total: int, tag: str, depth: int) -> str:
    """One folder: its name indented by depth inside a column of fixed width, so the bars
    and counts of every level line up (the lists themselves are not indented)."""
    share = min(100.0, 100 * count / total) if total else 0
    link = f'<a href="#findings" data-folder="{_e(path)}">{_e(name)}</a>' if path else _e(name)
    indent = f' style="padding-left:{(depth - 1) * 16}px"' if depth > 1 else ""
    return (
        f'<{tag} class="row"><span class="fname" title="{_e(path)}"{indent}>'
        f'<span class="tw"></span>{link}</span>'
        f'<span class="bar"><i style="width:{share:.1f}%"></i></span>'
        f'<span class="fc">{count:,}</span></{tag}>'
    )


# -- tables ----------------------------------------------------------------------------------


def _rule_table(write: Write, audit: Audit) -> None:
    write('<section id="rules"><h2>Findings per rule</h2>')
    if not audit.rules:
        write("<p>No findings.</p></section>\n")
        return
    write('<table class="sortable" id="rule-table"><thead><tr><th>Code</th><th>Name</th>'
          '<th>Severity</th><th class="r">Findings</th><th class="r">Safe fix</th>'
          '<th class="r">Unsafe fix</th><th>Docs</th></tr></thead><tbody>')
    for rule in audit.rules.values():
        write(
            f'<tr id="rule-{_e(rule.code)}" data-count="{rule.count}">'
            f'<td><a href="#findings" data-rule="{_e(rule.code)}" title="Show only {_e(rule.code)}">'
            f'<code>{_e(rule.code)}</code></a></td><td>{_e(rule.name)}<div class="muted">'
            f'{_inline(rule.summary)}</div></td>'
            f'<td><span class="badge sev-{_e(rule.severity.value)}">{_e(rule.severity.value)}</span></td>'
            f'<td class="r" data-v="{rule.count}">{rule.count:,}</td>'
            f'<td class="r" data-v="{rule.safe}">{rule.safe:,}</td>'
            f'<td class="r" data-v="{rule.unsafe}">{rule.unsafe:,}</td>'
            f'<td><a href="#doc-{_e(rule.code)}">docs</a></td></tr>'
        )
    write("</tbody></table></section>\n")


def _migration(write: Write, outcome: RunResult) -> None:
    """SM6's per-file inventory (see the markdown report), only when SM6 found something."""
    files = migration(outcome)
    if not files:
        return
    write('<section id="migration"><h2>Migration between SDK versions</h2>'
          '<table class="sortable" id="migration-table"><thead><tr><th>File</th>'
          '<th class="r">Fails under the SDK checked</th><th class="r"><code>--fix</code> rewrites</th>'
          '<th class="r"><code>--unsafe-fixes</code></th><th>By hand</th></tr></thead><tbody>')
    for entry in files:
        hand = ", ".join(f"<code>{_e(place)}</code>" for place in entry.by_hand) or "-"
        write(
            f'<tr><td class="path" title="{_e(entry.path)}"><code>{_breakable(entry.path)}</code></td>'
            f'<td class="r" data-v="{entry.breaks}">{entry.breaks:,}</td>'
            f'<td class="r" data-v="{entry.safe}">{entry.safe:,}</td>'
            f'<td class="r" data-v="{entry.unsafe}">{entry.unsafe:,}</td><td>{hand}</td></tr>'
        )
    write("</tbody></table></section>\n")


def _top_files(write: Write, audit: Audit) -> None:
    write('<section id="top-files"><h2>Files with the most findings</h2>')
    if not audit.files:
        write("<p>No findings.</p></section>\n")
        return
    shown = audit.top_files
    if len(audit.files) > len(shown):
        write(f'<p class="muted">{len(shown)} of {len(audit.files):,} files: those with errors '
              "first, then those with the most findings.</p>")
    write('<table class="sortable" id="file-table"><thead><tr><th>File</th>'
          '<th class="r">Findings</th><th class="r">Errors</th><th class="r">Warnings</th>'
          '<th class="r">Fixable</th></tr></thead><tbody>')
    for entry in shown:
        write(
            f'<tr><td class="path" title="{_e(entry.path)}"><a href="#file-{entry.index}">'
            f'<code>{_breakable(entry.path)}</code></a></td>'
            f'<td class="r" data-v="{entry.count}">{entry.count:,}</td>'
            f'<td class="r" data-v="{entry.errors}">{entry.errors:,}</td>'
            f'<td class="r" data-v="{entry.count - entry.errors}">{entry.count - entry.errors:,}</td>'
            f'<td class="r" data-v="{entry.safe + entry.unsafe}">{entry.safe + entry.unsafe:,}</td></tr>'
        )
    write("</tbody></table></section>\n")


# -- every finding ---------------------------------------------------------------------------


def _findings(write: Write, outcome: RunResult, audit: Audit) -> None:
    write(f'<section id="findings"><h2>Findings ({audit.findings:,})</h2>')
    if not audit.findings:
        write("<p>No findings.</p></section>\n")
        return
    _controls(write, audit)
    opened = " open" if audit.findings <= OPEN_LIMIT else ""
    if not opened:
        write(f'<p class="muted">{audit.findings:,} findings: each file is collapsed; open one, '
              "or filter.</p>")
    write(f'<div id="files" data-open="{OPEN_LIMIT}">')
    number = 0
    for index, result in enumerate(outcome.files):
        if not result.diagnostics:
            continue
        path = display_path(result.path)
        errors = sum(1 for d in result.diagnostics if d.severity.value == "error")
        count = len(result.diagnostics)
        error_note = f' <span class="muted">({_plural(errors, "error")})</span>' if errors else ""
        write(
            f'<details class="file" id="file-{index}" data-i="{index}" data-d="{_e(folder_of(result.path))}" '
            f'data-n="{count}"{opened}><summary><code>{_e(path)}</code> '
            f'<span class="cnt">{_plural(count, "finding")}</span>'
            f"{error_note}"
            '</summary><ol class="fl">'
        )
        redactor = Redactor.for_result(result)
        for diagnostic in result.diagnostics:
            number += 1
            write(_finding(result, diagnostic, number, redactor))
        write("</ol></details>\n")
    write("</div></section>\n")


def _options(values: Iterable[tuple[str, str]], label: str) -> str:
    items = "".join(f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in values)
    return f'<option value="">{_e(label)}</option>{items}'


def _controls(write: Write, audit: Audit) -> None:
    rules = sorted(audit.rules.values(), key=lambda r: r.code)
    folder_list = sorted(folders(audit.tree), key=lambda f: -f.count)[:FOLDER_OPTIONS]
    write(
        '<form id="controls" class="controls" hidden onsubmit="return false">'
        f'<label>Rule <select id="f-rule">{_options(((r.code, f"{r.code} {r.name} ({r.count:,})") for r in rules), "all rules")}</select></label>'
        f'<label>Severity <select id="f-sev">{_options((("error", "error"), ("warning", "warning")), "any")}</select></label>'
        f'<label>Folder <select id="f-dir">{_options(((f.path, f"{f.path}/ ({f.count:,})") for f in sorted(folder_list, key=lambda f: f.path)), "all folders")}</select></label>'
        f'<label>Fix <select id="f-fix">{_options((("safe", "safe fix"), ("unsafe", "unsafe fix"), ("none", "no fix")), "any")}</select></label>'
        '<label>Text <input id="f-text" type="search" placeholder="message, path…"></label>'
        '<label>Sort <select id="f-order"><option value="path">by path and line</option>'
        '<option value="count">files with most findings first</option>'
        '<option value="rule">by rule</option><option value="severity">errors first</option>'
        "</select></label>"
        '<button type="button" id="expand">Expand all</button>'
        '<button type="button" id="collapse">Collapse all</button>'
        '<button type="reset" id="reset">Clear filters</button>'
        '<output id="shown"></output></form>'
    )


def _finding(result: FileResult, diagnostic: Diagnostic, number: int, redactor: Redactor) -> str:
    """One finding, in as few bytes as reads well: the severity and fix badges come from the
    stylesheet (`data-s`, `data-x`), so 10,000 findings stay a few MB."""
    applicability = fixable(diagnostic)
    fix_kind = applicability.value if applicability is not None else "none"
    severity = diagnostic.severity.value
    code = _e(diagnostic.code)
    parts = [
        (f'<li class="f" id="f-{number}" data-r="{code}" data-s="{severity}" data-x="{fix_kind}">'
        f'<div class="fh"><b>{code}</b> <code>{_t(diagnostic.place)}</code></div>'
        f"<p>{_inline(diagnostic.message)}</p>")
    ]
    diff = fix_diff(result, diagnostic, redactor) if diagnostic.fix is not None else []
    line = excerpt(result, diagnostic, redactor)
    # The diff shows the finding's line already when it changes it: no excerpt then.
    if line is not None and not any(d.row == line.row and d.kind in "-~" for d in diff):
        text = line.text
        parts.append(
            f'<pre class="x"><i>{line.row}</i>{_t(text[: line.start])}'
            f"<mark>{_t(text[line.start : line.end])}</mark>{_t(text[line.end :])}</pre>"
        )
    if diagnostic.fix is not None:
        parts.append(f'<p class="fx">{_inline(diagnostic.fix.message)}</p>')
        if diff:
            parts.append(f'<pre class="df">{_diff(diff)}</pre>')
    parts.append("</li>")
    return "".join(parts)


def _diff(lines: list[DiffLine]) -> str:
    out = []
    for line in lines:
        number = "" if line.row is None else str(line.row)
        if line.kind == "~":  # changed in place: what goes and what comes, inside the line
            head, tail = common_ends(line.text, line.new)
            old, new = line.text[head : len(line.text) - tail], line.new[head : len(line.new) - tail]
            out.append(
                f'<span class="c"><i>{number}</i>~ {_t(line.text[:head])}'
                f"{f'<del>{_t(old)}</del>' if old else ''}{f'<ins>{_t(new)}</ins>' if new else ''}"
                f"{_t(line.text[len(line.text) - tail :])}</span>"
            )
            continue
        body = f"<i>{number}</i>{line.kind} {_t(line.text)}"
        tag = {"-": "del", "+": "ins"}.get(line.kind)
        out.append(f"<{tag}>{body}</{tag}>" if tag else body + "\n")
    return "".join(out)


# -- rule documentation ----------------------------------------------------------------------


def _rule_docs(write: Write, audit: Audit, options: ReportOptions) -> None:
    from sagelint.rules import all_rules

    write('<section id="docs"><h2>Rules that appear in this report</h2>')
    if not audit.rules:
        write("<p>None.</p>")
    registry = all_rules()
    for code in sorted(audit.rules):
        rule = registry.get(code)
        if rule is None:
            continue
        default = "on by default" if rule.default_enabled else "opt-in"
        availability = rule.fix_availability
        fix = "no fix" if availability is None else f"{availability.value} fix"
        # The code links to the rule's page (the report's only link out; none without a
        # `docs-url`).
        url = options.rule_url(code)
        title = f"<code>{_e(code)}</code>"
        if url is not None:
            title = f'<a href="{_e(url)}" rel="noreferrer">{title}</a>'
        write(
            f'<section class="doc" id="doc-{_e(code)}"><h3>{title} {_e(rule.name)}</h3>'
            f'<p class="muted">{_e(rule.severity.value)} · {default} · {fix} · '
            f'<a href="#findings" data-rule="{_e(code)}">show its findings</a></p>'
        )
        write(markdown_to_html(rule.documentation()))
        write("</section>")
    write("</section>\n")


def markdown_to_html(text: str) -> str:
    """The small Markdown the rule docstrings use: `##` headings, fenced code, `-` lists,
    paragraphs and `code` spans."""
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    code: list[str] | None = None

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if code is not None:
            if stripped.startswith("```"):
                out.append(f'<pre class="code">{_e(chr(10).join(code))}</pre>')
                code = None
            else:
                code.append(line)
        elif stripped.startswith("```"):
            flush()
            code = []
        elif stripped.startswith("#"):
            flush()
            out.append(f"<h4>{_inline(stripped.lstrip('#').strip())}</h4>")
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(stripped[2:])
        elif not stripped:
            flush()
        elif items:
            items[-1] += " " + stripped
        else:
            paragraph.append(stripped)
    if code is not None:
        out.append(f'<pre class="code">{_e(chr(10).join(code))}</pre>')
    flush()
    return "".join(out)



_SCRIPT = r"""
(function () {
  "use strict";
  var doc = document;
  function $(id) { return doc.getElementById(id); }
  function all(selector, root) {
    return Array.prototype.slice.call((root || doc).querySelectorAll(selector));
  }
  var list = $("files");
  var controls = $("controls");
  if (list && controls) {
    var groups = all("details.file", list);
    var items = groups.map(function (g) { return all("li.f", g); });
    var total = 0;
    items.forEach(function (fs) {
      fs.forEach(function (f) { f.sagelintOrder = total; total += 1; });
    });
    var openLimit = +list.getAttribute("data-open");
    var rule = $("f-rule"), sev = $("f-sev"), dir = $("f-dir"), fix = $("f-fix"),
        text = $("f-text"), order = $("f-order"), shown = $("shown");
    var plural = function (n) { return n.toLocaleString() + (n === 1 ? " finding" : " findings"); };
    var apply = function () {
      var r = rule.value, s = sev.value, d = dir.value, x = fix.value,
          q = text.value.trim().toLowerCase(), n = 0;
      groups.forEach(function (g, k) {
        var folder = g.getAttribute("data-d");
        var inDir = !d || folder === d || folder.indexOf(d + "/") === 0;
        var m = 0;
        items[k].forEach(function (f) {
          var ok = inDir && (!r || f.getAttribute("data-r") === r) &&
            (!s || f.getAttribute("data-s") === s) && (!x || f.getAttribute("data-x") === x) &&
            (!q || f.textContent.toLowerCase().indexOf(q) !== -1);
          f.hidden = !ok;
          if (ok) { m += 1; }
        });
        g.hidden = m === 0;
        var all_ = +g.getAttribute("data-n");
        g.querySelector(".cnt").textContent = m === all_ ? plural(all_) : m + " of " + plural(all_);
        n += m;
      });
      if ((r || s || d || x || q) && n <= openLimit) {
        groups.forEach(function (g) { if (!g.hidden) { g.open = true; } });
      }
      shown.textContent = n === total ? "All " + plural(total) : n.toLocaleString() + " of " + plural(total);
      list.setAttribute("data-shown", String(n));
    };
    var keys = {
      path: function (g) { return [+g.getAttribute("data-i")]; },
      count: function (g) { return [-g.getAttribute("data-n"), +g.getAttribute("data-i")]; }
    };
    var itemKeys = {
      rule: function (f) { return [f.getAttribute("data-r"), f.sagelintOrder]; },
      severity: function (f) {
        return [f.getAttribute("data-s") === "error" ? 0 : 1, f.sagelintOrder];
      },
      path: function (f) { return [f.sagelintOrder]; }
    };
    var compare = function (key) {
      return function (a, b) {
        var ka = key(a), kb = key(b);
        for (var i = 0; i < ka.length; i += 1) {
          if (ka[i] < kb[i]) { return -1; }
          if (ka[i] > kb[i]) { return 1; }
        }
        return 0;
      };
    };
    var sort = function () {
      var o = order.value;
      groups.slice().sort(compare(keys[o] || keys.path)).forEach(function (g) { list.appendChild(g); });
      items.forEach(function (fs) {
        if (!fs.length) { return; }
        var parent = fs[0].parentNode;
        fs.slice().sort(compare(itemKeys[o] || itemKeys.path)).forEach(function (f) { parent.appendChild(f); });
      });
    };
    var timer = null;
    [rule, sev, dir, fix].forEach(function (el) { el.addEventListener("change", apply); });
    text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 150); });
    order.addEventListener("change", sort);
    controls.addEventListener("reset", function () { setTimeout(function () { apply(); sort(); }, 0); });
    $("expand").addEventListener("click", function () { groups.forEach(function (g) { g.open = true; }); });
    $("collapse").addEventListener("click", function () { groups.forEach(function (g) { g.open = false; }); });
    all("a[data-rule]").forEach(function (a) {
      a.addEventListener("click", function () { controls.reset(); rule.value = a.getAttribute("data-rule"); apply(); });
    });
    all("a[data-folder]").forEach(function (a) {
      a.addEventListener("click", function () { controls.reset(); dir.value = a.getAttribute("data-folder"); apply(); });
    });
    var params = new URLSearchParams(window.location.search);
    var initial = { rule: rule, severity: sev, folder: dir, fix: fix, q: text, sort: order };
    Object.keys(initial).forEach(function (name) {
      if (params.has(name)) { initial[name].value = params.get(name); }
    });
    controls.hidden = false;
    sort();
    apply();
  }
})();
"""
