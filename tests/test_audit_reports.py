"""The audit reports (html, markdown) through the real command: they agree with the JSON
output on the fixtures, reference nothing outside the file, name every finding with its
code and place, and stay usable with 10,000 findings."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import BAD, no_traceback, sagelint

from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.model import FileError, FileResult
from sagelint.reporters import ReportOptions
from sagelint.reporters.html import markdown_to_html, report_html
from sagelint.reporters.markdown import COMMENT_LIMIT, report_markdown, size
from sagelint.runner import RunResult

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}
SVG_SELF_CLOSING = {"rect", "path", "circle", "line"}
# The one kind of link out of the report: a rule's page under the default `docs-url`.
RULE_PAGE = re.compile(r"https://github\.com/sagelint/sagelint/blob/main/docs/rules/SM\d{3}\.md")


class Page(HTMLParser):
    """The parts of the HTML report the tests read, and a strict check that every element
    is closed where it was opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.attributes: list[tuple[str, dict[str, str | None]]] = []
        self.numbers: dict[str, int] = {}
        self.rule_rows: dict[str, int] = {}
        self.findings: list[dict[str, str]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._finding: dict[str, str] | None = None
        self._capture: str | None = None
        self._text: list[str] = []
        self._file: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.attributes.append((tag, attributes))
        if tag not in VOID:
            self.stack.append(tag)
        classes = (attributes.get("class") or "").split()
        element_id = attributes.get("id") or ""
        if element_id.startswith("n-") and "data-v" in attributes:
            self.numbers[element_id[2:]] = int(attributes["data-v"] or 0)
        if tag == "tr" and element_id.startswith("rule-"):
            self.rule_rows[element_id[5:]] = int(attributes["data-count"] or 0)
        if tag == "details" and "file" in classes:
            self._file = ""
        if tag == "code" and self._file == "" and self.stack[-2:] == ["summary", "code"]:
            self._capture, self._text = "path", []
        if tag == "li" and "f" in classes:
            self._finding = {"code": attributes["data-r"] or "", "severity": attributes["data-s"] or "",
                             "fix": attributes["data-x"] or "", "file": self._file or ""}
            self.findings.append(self._finding)
        if self._finding is not None and tag == "code" and self.stack[-2:] == ["div", "code"]:
            self._capture, self._text = "place", []
        if self._finding is not None and tag == "b":
            self._capture, self._text = "shown_code", []
        if tag in ("style", "script"):
            self._capture, self._text = tag, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.append((tag, dict(attrs)))
        if tag not in VOID and tag not in SVG_SELF_CLOSING:
            self.problems.append(f"self-closed <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if self._capture and tag in ("b", "code", "style", "script"):
            value = "".join(self._text)
            if self._capture == "style":
                self.styles.append(value)
            elif self._capture == "script":
                self.scripts.append(value)
            elif self._capture == "path":
                self._file = value
            elif self._finding is not None:
                self._finding[self._capture] = value
                self._finding["loc"] = f"{self._finding['file']}:{self._finding.get('place')}"
            self._capture = None
        if tag == "li":
            self._finding = None

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._text.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.problems == [], page.problems[:5]
    assert page.stack == [], page.stack
    return page


def place(item: dict) -> str:
    where = f"{item['location']['row']}:{item['location']['column']}"
    return f"{item['filename']}:{where}" if item["cell"] is None else (
        f"{item['filename']}:cell {item['cell']}:{where}")


def fix_kind(item: dict) -> str:
    return item["fix"]["applicability"] if item["fix"] else "none"


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    """The fixtures checked once per format (the same run, so the same findings)."""
    out = {}
    for name in ("json", "html", "markdown"):
        result = sagelint("check", "fixtures", "--no-cache", "--output-format", name, cwd=ROOT)
        assert result.returncode == 1, result.stderr
        no_traceback(result)
        out[name] = result.stdout
    return out


def test_html_totals_and_rule_counts_equal_the_json(outputs: dict[str, str]) -> None:
    items = json.loads(outputs["json"])
    page = parse(outputs["html"])
    assert len(items) > 100  # the fixtures have many findings, or this proves little
    assert page.numbers["findings"] == len(items)
    assert page.numbers["errors"] == sum(1 for i in items if i["severity"] == "error")
    assert page.numbers["warnings"] == sum(1 for i in items if i["severity"] == "warning")
    assert page.numbers["safe"] == sum(1 for i in items if fix_kind(i) == "safe")
    assert page.numbers["unsafe"] == sum(1 for i in items if fix_kind(i) == "unsafe")
    assert page.numbers["with-findings"] == len({i["filename"] for i in items})
    assert page.rule_rows == dict(Counter(i["code"] for i in items))
    checked = [p for p in (ROOT / "fixtures").rglob("*") if p.suffix in (".py", ".ipynb")]
    assert page.numbers["scanned"] == len(checked)
    assert 0 < page.numbers["candidates"] <= page.numbers["scanned"]
    # A script that does not parse is a file not checked; a notebook cell that does not parse
    # is counted apart (the notebook's other cells were checked).
    scripts = {i["filename"] for i in items if i["code"] == "SM001" and i["cell"] is None}
    cells = [i for i in items if i["code"] == "SM001" and i["cell"] is not None]
    assert scripts and page.numbers["unchecked"] == len(scripts)
    assert cells and page.numbers["cells"] == len(cells)


def _expected_order(items: list) -> tuple[list[str], list[str]]:
    """The rules and the top 20 files as the tables should list them: errors first, then by
    count."""
    severity = {i["code"]: i["severity"] for i in items}
    rules = Counter(i["code"] for i in items)
    files = Counter(i["filename"] for i in items)
    errors = Counter(i["filename"] for i in items if i["severity"] == "error")
    return (
        sorted(rules, key=lambda c: (severity[c] != "error", -rules[c], c)),
        sorted(files, key=lambda f: (not errors[f], -files[f], f))[:20],
    )


def test_errors_come_first_in_every_table(outputs: dict[str, str]) -> None:
    items = json.loads(outputs["json"])
    rules, files = _expected_order(items)
    # It matters here: by count alone a warning would come before an error.
    # (For the files, see the next test: the fixtures' busiest files all hold an error.)
    counts = Counter(i["code"] for i in items)
    assert rules != sorted(counts, key=lambda c: (-counts[c], c))
    _assert_tables(outputs, rules, files)


def test_files_with_an_error_come_first_even_when_others_have_more(tmp_path: Path) -> None:
    """Since SM608 is on by default, every busy fixture holds an error; here the file with
    the most findings has warnings only, and 21 files of one error each push it out of the
    top 20."""
    erring = (
        "from sagemaker.pytorch import PyTorchModel\n\n"
        'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", '
        'env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})\n'  # SM608: no framework_version
    )
    for i in range(21):
        (tmp_path / f"error_{i:02}.py").write_text(erring)
    (tmp_path / "busy.py").write_text(BAD)  # SM101, SM201, SM202
    outputs = {}
    for name in ("json", "html", "markdown"):
        result = sagelint("check", "--isolated", "--no-cache", "--output-format", name, ".",
                          cwd=tmp_path)
        no_traceback(result)
        outputs[name] = result.stdout
    items = json.loads(outputs["json"])
    rules, files = _expected_order(items)
    per_file = Counter(i["filename"] for i in items)
    by_count = sorted(per_file, key=lambda f: (-per_file[f], f))
    assert by_count[0].endswith("busy.py") and len(files) == 20
    assert not any(f.endswith("busy.py") for f in files)
    _assert_tables(outputs, rules, files)


def _assert_tables(outputs: dict[str, str], rules: list[str], files: list[str]) -> None:
    page = parse(outputs["html"])
    assert list(page.rule_rows) == rules
    table = outputs["html"].split('id="file-table"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<td class="path" title="([^"]+)"', table) == files
    markdown = outputs["markdown"]
    assert re.findall(r"^\| (SM\d{3}) \| `", markdown, re.MULTILINE) == rules
    assert re.findall(r"^\| `([^`]+)` \| [\d,]+ \| [\d,]+ \|", markdown, re.MULTILINE) == files


def test_html_lists_every_finding_with_code_place_and_fix(outputs: dict[str, str]) -> None:
    items = json.loads(outputs["json"])
    page = parse(outputs["html"])
    expected = Counter((i["code"], place(i), i["severity"], fix_kind(i)) for i in items)
    shown = Counter((f["code"], f["loc"], f["severity"], f["fix"]) for f in page.findings)
    assert shown == expected
    assert all(f["shown_code"] == f["code"] for f in page.findings)
    notebook = [f for f in page.findings if ".ipynb:" in f["loc"]]
    assert notebook and all(re.search(r"\.ipynb:cell \d+:\d+:\d+$", f["loc"]) for f in notebook)


def test_html_references_nothing_outside_itself(outputs: dict[str, str]) -> None:
    page = parse(outputs["html"])
    tags = {tag for tag, _ in page.attributes}
    assert not tags & {"link", "img", "iframe", "object", "embed", "audio", "video", "base"}
    for tag, attributes in page.attributes:
        assert "src" not in attributes and "srcset" not in attributes, tag
        href = attributes.get("href")
        if tag == "a" and href is not None and RULE_PAGE.fullmatch(href):
            continue  # a link to a rule's page is followed only when clicked, loads nothing
        assert href is None or href.startswith("#"), (tag, href)
        for name, value in attributes.items():
            assert not re.match(r"\s*(https?:|//|file:)", value or ""), (tag, name, value)
    for css in page.styles:
        assert "url(" not in css and "@import" not in css and "@font-face" not in css
    for script in page.scripts:
        assert not re.search(r"fetch\(|XMLHttpRequest|import\(|https?:|\.src\b", script)
    csp = [a for t, a in page.attributes if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in (csp[0].get("content") or "")


def test_html_has_excerpts_diffs_charts_and_rule_docs(outputs: dict[str, str]) -> None:
    html = outputs["html"]
    items = json.loads(outputs["json"])
    page = parse(html)
    codes = {i["code"] for i in items}
    ids = {a.get("id") for _, a in page.attributes}
    assert {f"doc-{code}" for code in codes} <= ids  # docs of every rule that appears...
    assert "doc-SM109" not in ids  # ...and of no other
    # An excerpt, or a diff that shows the finding's line changed or removed (SM001 may
    # point past the end).
    shown = [
        item for item in html.split('<li class="f"')[1:]
        if '<pre class="x">' in item or '<span class="c">' in item or "<del><i>" in item
    ]
    assert len(shown) >= len(items) - 3
    assert html.count('<pre class="df">') >= 0.9 * sum(1 for i in items if i["fix"])
    assert "<ins>" in html and "<del>" in html and '<span class="c">' in html
    assert html.count("<svg") >= 2 and "<details" in html  # charts, folder tree
    assert "prefers-color-scheme:dark" in html and "@media print" in html


def test_markdown_agrees_with_the_json(outputs: dict[str, str]) -> None:
    items = json.loads(outputs["json"])
    text = outputs["markdown"]
    table = dict(re.findall(r"^\| ([A-Z][^|]+?) \| ([\d,]+) \|$", text, re.MULTILINE))
    assert int(table["Findings"].replace(",", "")) == len(items)
    assert int(table["Errors"].replace(",", "")) == sum(1 for i in items if i["severity"] == "error")
    assert int(table["Fixable with `--fix`"].replace(",", "")) == sum(1 for i in items if fix_kind(i) == "safe")
    assert int(table["Files with findings"].replace(",", "")) == len({i["filename"] for i in items})
    rules = {code: int(n) for code, n in re.findall(r"^\| (SM\d{3}) \| `[a-z0-9-]+` \| \w+ \| ([\d,]+) \|", text, re.MULTILINE)}
    assert rules == dict(Counter(i["code"] for i in items))
    shown: Counter = Counter()
    current = ""
    for line in text.splitlines():
        heading = re.match(r"^\*\*`(.+)`\*\* \(\d+\)$", line)
        if heading:
            current = heading.group(1)
        bullet = re.match(r"^- `([^`]+)` \*\*(SM\d{3})\*\* \((error|warning)\)", line)
        if bullet:
            shown[(bullet.group(2), f"{current}:{bullet.group(1)}")] += 1
    every = Counter((i["code"], place(i)) for i in items)
    left_out = re.search(r"… and ([\d,]+) more findings, left out", text)
    if left_out is None:
        assert shown == every
    else:  # a comment has a size limit: what is listed is real, and the rest is counted
        assert not shown - every
        assert sum(shown.values()) + int(left_out.group(1).replace(",", "")) == len(items)
    assert any(":cell " in where for _, where in shown)
    assert "<details" in text and "</details>" in text
    assert len(text) < 65_536


def test_markdown_escapes_text_but_keeps_code_spans() -> None:
    from sagelint.reporters.markdown import code, text

    assert text("a *b* `x*y` <c> | d") == "a \\*b\\* `x*y` \\<c\\> \\| d"
    assert code("a`b") == "`` a`b ``"


def _notebook(*cells: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": cell.splitlines(keepends=True)} for cell in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    })


def test_unreadable_and_unparsable_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "broken.py").write_text("import sagemaker\ndef f(:\n")
    (tmp_path / "latin.py").write_bytes(b"import sagemaker\nx = '\xff\xfe'\n")
    (tmp_path / "plain.py").write_text("print('no cloud here')\n")
    # Two cells of one notebook do not parse; its third cell is checked (SM201 and more).
    (tmp_path / "nb.ipynb").write_text(_notebook("def f(:\n", BAD, "x = (\n"))
    result = sagelint("check", "--output-format", "html", "--output-file", "r.html", cwd=tmp_path)
    assert result.returncode == 1
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    page = parse(html)
    assert page.numbers["scanned"] == 5
    assert page.numbers["candidates"] == 4  # plain.py cannot hold SageMaker code
    assert page.numbers["unchecked"] == 2  # the files, not the notebook's cells
    assert page.numbers["cells"] == 2
    assert any(f["code"] == "SM201" and f["loc"].startswith("nb.ipynb:cell 2:") for f in page.findings)
    # The lists come after the charts, before the tables, and are collapsed.
    assert html.index('id="charts"') < html.index('id="not-checked"') < html.index('id="rules"')
    assert '<details class="unchecked">' in html and '<details class="cells">' in html
    listed = html.split('class="unchecked"', 1)[1].split("</details>", 1)[0]
    assert "broken.py" in listed and "latin.py" in listed and "bad.py" not in listed
    assert "nb.ipynb" not in listed
    cells = html.split('class="cells"', 1)[1].split("</details>", 1)[0]
    assert "2 notebook cells in 1 notebook could not be parsed" in cells
    assert "<code>cell 1:1:7</code>" in cells and "<code>cell 3:" in cells
    markdown = sagelint("check", "--output-format", "markdown", cwd=tmp_path).stdout
    assert "| Files that could not be checked | 2 |" in markdown
    assert "| Notebook cells that could not be parsed | 2 |" in markdown
    assert "| Could contain SageMaker code | 4 |" in markdown
    assert "- `broken.py`:" in markdown and "- `latin.py`:" in markdown
    assert "- `nb.ipynb` (2 cells)\n  - `cell 1:1:7`:" in markdown
    assert markdown.index("### Files with the most findings") < markdown.index("could not be checked</summary>")


def test_the_severity_legend_says_one_error(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import sagemaker\ndef f(:\n")
    html = sagelint("check", "--output-format", "html", cwd=tmp_path).stdout
    assert 'class="small">1 error</text>' in html and 'class="small">0 warnings</text>' in html


def test_a_clean_run_is_a_clean_report(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("print('hello')\n")
    html = sagelint("check", "--output-format", "html", cwd=tmp_path)
    assert html.returncode == 0
    page = parse(html.stdout)
    assert page.numbers["findings"] == 0 and page.findings == []
    assert "No findings" in html.stdout
    markdown = sagelint("check", "--output-format", "markdown", cwd=tmp_path)
    assert markdown.returncode == 0 and "**No findings.**" in markdown.stdout


def test_stdin_is_counted_as_one_file() -> None:
    result = sagelint("check", "--stdin-filename", "deploy.py", "--output-format", "markdown", "-",
                      cwd=ROOT, stdin=BAD)
    assert "| Files scanned | 1 |" in result.stdout
    assert "| Could contain SageMaker code | 1 |" in result.stdout


def test_reports_name_the_fixes_a_run_applied(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(BAD)
    result = sagelint("check", "--fix", "--output-format", "markdown", cwd=tmp_path)
    assert result.returncode == 0
    assert "| Fixed by this run (`--fix`) | 3 |" in result.stdout


def test_rule_docs_markdown_renders_headings_code_and_lists() -> None:
    html = markdown_to_html("## What it does\nChecks `x`\nand y.\n\n```python\na < b\n```\n- `one`\n- two")
    assert html == (
        "<h4>What it does</h4><p>Checks <code>x</code> and y.</p>"
        '<pre class="code">a &lt; b</pre><ul><li><code>one</code></li><li>two</li></ul>'
    )


# -- 10,000 findings ---------------------------------------------------------------------------


def _big_run(findings: int) -> RunResult:
    """Copies of real results, under many folders, until there are `findings` findings."""
    engine = Engine(Settings.build())
    samples = []
    for path in sorted((ROOT / "fixtures" / "rules").glob("SM[1-3]*.py")):
        if ".fixed" in path.name or ".unsafe-fixed" in path.name:
            continue
        result = engine.check(str(path), path.read_bytes())
        if result.diagnostics:
            samples.append(result)
    outcome = RunResult()
    total = 0
    number = 0
    while total < findings:
        sample = samples[number % len(samples)]
        diagnostics = sample.diagnostics[: findings - total]
        outcome.files.append(FileResult(
            f"team{number % 7}/service{number % 23}/job{number}/{Path(sample.path).name}",
            diagnostics=diagnostics, source=sample.source, cells=sample.cells,
        ))
        total += len(diagnostics)
        number += 1
    outcome.candidates = len(outcome.files)
    return outcome


class Sink:
    """A stream that keeps only the size and a small sample of what is written to it."""

    def __init__(self) -> None:
        self.size = 0
        self.writes = 0
        self.largest = 0
        self.file_tags: list[str] = []

    def write(self, text: str) -> int:
        self.size += len(text.encode("utf-8"))
        self.writes += 1
        self.largest = max(self.largest, len(text))
        self.file_tags += re.findall(r'<details class="file"[^>]*>', text)
        return len(text)


def test_ten_thousand_findings_stay_small_and_streamed() -> None:
    outcome = _big_run(10_000)
    sink = Sink()
    started = time.perf_counter()
    report_html(outcome, sink, ReportOptions())  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    assert sink.size < 6 * 1024 * 1024, sink.size
    assert elapsed < 20, elapsed
    # Streamed: many small writes, none of them the document (the CSS/script head is largest).
    assert sink.writes > 10_000 and sink.largest < 40_000
    # Every file is collapsed to its summary line.
    assert len(sink.file_tags) == len(outcome.files)
    assert not [tag for tag in sink.file_tags if tag.endswith(" open>")]


def test_ten_thousand_findings_fit_a_pull_request_comment() -> None:
    import io

    outcome = _big_run(10_000)
    stream = io.StringIO()
    report_markdown(outcome, stream, ReportOptions())
    text = stream.getvalue()
    assert size(text) < COMMENT_LIMIT == 65_536
    assert size(text) > COMMENT_LIMIT * 0.9  # it uses the room it has
    left_out = int(re.search(r"… and ([\d,]+) more findings", text).group(1).replace(",", ""))  # type: ignore[union-attr]
    listed = len(re.findall(r"^- `[^`]+` \*\*SM\d{3}\*\*", text, re.MULTILINE))
    assert listed + left_out == 10_000


def test_a_long_list_of_files_not_checked_keeps_the_comment_under_the_limit() -> None:
    """What is printed above the findings counts too: 2,000 unreadable files with long paths
    (a fixed budget for the findings list went over the limit by this much)."""
    import io

    outcome = _big_run(2_000)
    outcome.files += [
        FileResult(f"{'deep/' * 60}unreadable_{i}.py", error=FileError("cannot read: " + "why " * 50))
        for i in range(2_000)
    ]
    stream = io.StringIO()
    report_markdown(outcome, stream, ReportOptions())
    text = stream.getvalue()
    assert size(text) < COMMENT_LIMIT
    assert "| Files that could not be checked | 2,000 |" in text
    assert re.search(r"^- … and [\d,]+ more files$", text, re.MULTILINE)
    assert re.search(r"… and [\d,]+ more findings", text)


def _generated_tree(root: Path, files: int, broken: int) -> None:
    """`files` scripts of 20 findings each (19 warnings and fixes, an error), and `broken`
    scripts that do not parse, under folders and names long enough to widen every table."""
    blocks = ["from sagemaker.pytorch import PyTorchModel", ""]
    for i in range(6):  # SM101, SM201, SM202 each
        blocks += [f'm{i} = PyTorchModel(model_data="s3://b/m{i}.tar.gz", role="r", framework_version="2.1", py_version="py310")',
                   f'm{i}.deploy(initial_instance_count=1, instance_type="ml.m5.large")']
    blocks += [  # SM103 (an error) and SM104
        'e = PyTorchModel(model_data="s3://b/e.tar.gz", role="r", '
        'env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 30}, framework_version="2.1", py_version="py310")',
        'e.deploy(initial_instance_count=1, instance_type="ml.m5.large", '
        "container_startup_health_check_timeout=600, model_data_download_timeout=600)",
    ]
    source = "\n".join(blocks) + "\n"
    long = "a_folder_name_long_enough_to_widen_every_table_of_the_report_" * 2
    for i in range(files):
        folder = root / f"team{i % 10}" / f"{long}{i % 25}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"deploy_{i:04}_{'x' * 60}.py").write_text(source)
    for i in range(broken):
        folder = root / "broken" / long
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"broken_{i:04}_{'y' * 60}.py").write_text("import sagemaker\ndef f(:\n")


def test_markdown_of_a_generated_ten_thousand_finding_tree_fits_a_comment(tmp_path: Path) -> None:
    _generated_tree(tmp_path, files=500, broken=60)
    result = sagelint("check", "--no-cache", "--output-format", "markdown", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    text = result.stdout
    table = dict(re.findall(r"^\| ([A-Z][^|]+?) \| ([\d,]+) \|$", text, re.MULTILINE))
    total = int(table["Findings"].replace(",", ""))
    assert total == 500 * 20 + 60
    assert table["Files that could not be checked"] == "60"
    # The whole document, tables and lists included, stays under GitHub's limit...
    assert size(text) < 65_536
    assert size(text) > 60_000  # ...using the room it has
    # ...and says how many findings it left out, and how to get them all.
    left_out = re.search(r"… and ([\d,]+) more findings, left out to fit a comment: run "
                         r"`sagelint check --output-format json` \(or `html`\) for all\.", text)
    assert left_out is not None
    listed = len(re.findall(r"^- `[^`]+` \*\*SM\d{3}\*\*", text, re.MULTILINE))
    assert listed > 100 and listed + int(left_out.group(1).replace(",", "")) == total
    assert text.rstrip().endswith("</details>")


@pytest.mark.parametrize(("before", "after", "removed", "added"), [
    ('"X": "180",', '"X": "300",', "180", "300"),  # a number is shown whole, not `18` -> `30`
    ("t=300,", "t=600,", "300", "600"),
    ("v: 900,", 'v: "900",', "900", '"900"'),
    ("f(a)", "f(a, env={})", "", ", env={}"),
])
def test_a_line_changed_in_place_shows_whole_words(
    before: str, after: str, removed: str, added: str
) -> None:
    from sagelint.reporters.audit import common_ends

    head, tail = common_ends(before, after)
    assert (before[head : len(before) - tail], after[head : len(after) - tail]) == (removed, added)
    assert before[:head] + added + before[len(before) - tail :] == after


def test_reports_are_reproducible_with_source_date_epoch(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "bad.py").write_text(BAD)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    outputs = [
        subprocess.run([sys.executable, "-m", "sagelint", "check", "--no-cache", "--output-format",
                        name, "bad.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=120, check=False).stdout
        for name in ("html", "html", "markdown")
    ]
    assert outputs[0] == outputs[1]
    assert "2023-11-14 22:13 UTC" in outputs[0] and "2023-11-14 22:13 UTC" in outputs[2]
