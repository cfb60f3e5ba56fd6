"""The page shell the HTML reports share (the audit report of one run, `reporters/html.py`,
and the organisation report of many, `org/html.py`): head with its Content-Security-Policy,
stylesheet, escaping, summary cards, and the script that sorts tables and opens every
`<details>` for printing.

Everything is inline and nothing reaches the network: the policy allows only the page's own
style and script, and images from `data:`. The pages work without the script.
"""

from __future__ import annotations

import re
from html import escape

_CODE_SPAN = re.compile(r"`([^`]+)`")


def e(text: object) -> str:
    """Text for an attribute or an element: everything escaped, quotes too."""
    return escape(str(text), quote=True)


def t(text: str) -> str:
    """Text between tags: quotes need no escaping there (fewer bytes in code excerpts)."""
    return escape(text, quote=False)


def inline(text: str) -> str:
    """Escaped text with `code` spans, as the messages and docs write them."""
    parts = _CODE_SPAN.split(text)
    return "".join(t(p) if i % 2 == 0 else f"<code>{t(p)}</code>" for i, p in enumerate(parts))


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def breakable(path: str) -> str:
    """A path that may wrap after each `/` (a long one still fits the table's column)."""
    return "/<wbr>".join(e(part) for part in path.split("/"))


def card(key: str, value: int, label: str, extra: str = "") -> str:
    return (
        f'<div class="card{extra}"><span class="n" id="n-{key}" data-v="{value}">{value:,}</span>'
        f'<span class="k">{e(label)}</span></div>'
    )


def page_head(title: str, extra_css: str = "") -> str:
    """Everything up to `<body>`: the policy, the shared stylesheet and a page's own rules."""
    return _HEAD.replace("%TITLE%", e(title)).replace("%CSS%", CSS + extra_css)


_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="sagelint">
<title>%TITLE%</title>
<style>%CSS%</style>
</head>
<body>
"""

CSS = """
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--accent:#0969da;
--error:#cf222e;--warning:#bf8700;--safe:#1a7f37;--unsafe:#8250df;--nofix:#8c959f;
--mark:rgba(255,200,0,.4);--add:#dafbe1;--del:#ffebe9}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--panel:#151b23;--accent:#4493f8;--error:#f85149;--warning:#d29922;--safe:#3fb950;--unsafe:#ab7df8;
--nofix:#656c76;--mark:rgba(210,153,34,.45);--add:rgba(46,160,67,.25);--del:rgba(248,81,73,.25)}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:18px;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:24px}h2{font-size:19px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:16px;margin:0 0 2px}h4{font-size:14px;margin:12px 0 4px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
nav{margin:8px 0 10px}nav a{margin-right:14px}
code,pre,.loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.meta,.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .n{display:block;font-size:24px;font-weight:600}.card .k{color:var(--muted);font-size:12.5px}
.card.error .n{color:var(--error)}.card.warning .n{color:var(--warning)}.card.bad .n{color:var(--error)}
.charts{display:flex;flex-wrap:wrap;gap:24px}
figure{margin:0 0 16px}figcaption{font-weight:600;margin-bottom:6px}
svg.chart{max-width:100%;height:auto}svg text{fill:var(--fg);font-size:12px}
svg .muted{fill:var(--muted)}svg .num{font-variant-numeric:tabular-nums}svg .small{font-size:11px}
.sev-error{fill:var(--error)}.sev-warning{fill:var(--warning)}.sev-safe{fill:var(--safe)}
.sev-unsafe{fill:var(--unsafe)}.sev-nofix{fill:var(--nofix)}
ul.folders{list-style:none;margin:0;padding-left:0}
figure.tree summary{display:block;list-style:none;cursor:pointer}figure.tree summary::-webkit-details-marker{display:none}
.row{display:flex;align-items:center;gap:8px;max-width:760px}
.fname{flex:0 0 300px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tw{display:inline-block;width:1.1em;color:var(--muted)}
summary>.row .tw::before{content:"▸"}details[open]>summary>.row .tw::before{content:"▾"}
.bar{flex:1;height:10px;background:var(--panel);border:1px solid var(--line);border-radius:5px;overflow:hidden}
.bar i{display:block;height:100%;background:var(--accent)}.fc{flex:0 0 60px;text-align:right}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{overflow-wrap:anywhere;border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);overflow-wrap:normal}
th.r{width:7.5em}#rule-table th:first-child{width:6.5em}#rule-table th:nth-child(3){width:7em}
#rule-table th:last-child{width:5em}
:not(pre)>code{overflow-wrap:anywhere}.r{text-align:right;font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.badge{display:inline-block;border-radius:10px;padding:0 7px;font-size:11.5px;border:1px solid currentColor}
.badge.sev-error{color:var(--error)}.badge.sev-warning{color:var(--warning)}
.fx-safe{color:var(--safe)}.fx-unsafe{color:var(--unsafe)}
li.f .fh code::after,li.f .fh::after{display:inline-block;border-radius:10px;padding:0 7px;margin-left:8px;
font:11.5px system-ui,sans-serif;border:1px solid currentColor}
li.f[data-s=error] .fh code::after{content:"error";color:var(--error)}
li.f[data-s=warning] .fh code::after{content:"warning";color:var(--warning)}
li.f[data-x=safe] .fh::after{content:"safe fix";color:var(--safe)}
li.f[data-x=unsafe] .fh::after{content:"unsafe fix";color:var(--unsafe)}
li.f>p{margin:2px 0 4px}p.fx::before{content:"Fix: ";color:var(--muted)}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;background:var(--panel);
border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin-bottom:12px;position:sticky;top:0;z-index:1}
.controls[hidden]{display:none}
select,input,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:2px 6px}
select{max-width:22em}
button{cursor:pointer}#shown{margin-left:auto;color:var(--muted)}
details.file{border:1px solid var(--line);border-radius:8px;margin:0 0 8px}
details.file>summary{padding:6px 10px;background:var(--panel);border-radius:8px;cursor:pointer}
details.file[open]>summary{border-bottom:1px solid var(--line);border-radius:8px 8px 0 0}
ol.fl{list-style:none;margin:0;padding:0}
li.f{padding:8px 12px;border-top:1px solid var(--line)}li.f:first-child{border-top:0}
li.f:target{outline:2px solid var(--accent)}
.fh{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:baseline}
.fh b{font-family:ui-monospace,Menlo,Consolas,monospace}
li.f[data-s=error] .fh b{color:var(--error)}li.f[data-s=warning] .fh b{color:var(--warning)}
pre{margin:4px 0;padding:6px 8px;background:var(--panel);border:1px solid var(--line);border-radius:6px;overflow-x:auto}
pre i{display:inline-block;min-width:3.5em;padding-right:8px;color:var(--muted);text-align:right;user-select:none;font-style:normal}
mark{background:var(--mark);color:inherit;border-radius:2px}
pre.df ins,pre.df del,pre.df .c{display:block;text-decoration:none}pre.df ins{background:var(--add)}pre.df del{background:var(--del)}
pre.df .c ins,pre.df .c del{display:inline;border-radius:2px}pre.df .c del{text-decoration:line-through}
section.doc{border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:0 0 12px}
section.doc pre.code{white-space:pre}
[hidden]{display:none!important}
@media (max-width:640px){th.r,#rule-table th{width:auto}table{table-layout:auto}th{overflow-wrap:anywhere}}
@media print{.controls,nav{display:none}body{font-size:11.5px}details.file,section.doc,li.f{break-inside:avoid}
a{color:inherit}.controls{position:static}pre{white-space:pre-wrap}}
"""

# Sortable tables (a click on a header), every <details> open for printing, and the mark the
# browser tests wait for. Its own function: a page puts its other script before it.
TABLE_SCRIPT = r"""
(function () {
  "use strict";
  var doc = document;
  function all(selector, root) {
    return Array.prototype.slice.call((root || doc).querySelectorAll(selector));
  }
  all("table.sortable").forEach(function (table) {
    all("th", table).forEach(function (th, column) {
      th.addEventListener("click", function () {
        var down = th.getAttribute("aria-sort") !== "descending";
        all("th", table).forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", down ? "descending" : "ascending");
        var body = table.tBodies[0];
        var value = function (row) {
          var cell = row.cells[column];
          var v = cell.getAttribute("data-v");
          return v === null ? cell.textContent.trim().toLowerCase() : +v;
        };
        Array.prototype.slice.call(body.rows).sort(function (a, b) {
          var va = value(a), vb = value(b);
          var c = va < vb ? -1 : va > vb ? 1 : 0;
          return down ? -c : c;
        }).forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  window.addEventListener("beforeprint", function () {
    all("details").forEach(function (d) { d.open = true; });
  });
  doc.documentElement.setAttribute("data-script", "ready");
})();
"""
