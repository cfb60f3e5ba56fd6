"""The organisation report's renderers (`org/html.py`, `org/markdown.py`) on reports built by
hand: what they show, what they escape, and their size bounds (the Markdown under GitHub's
comment limit, the page a few MB for 500 repositories and 100,000 findings). The page is
also opened in headless chromium, as tests/test_browser.py does for the audit report."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from typing import Dict, Optional

import pytest

from sagelint.org.html import SAMPLE_BUDGET, SAMPLE_MIN, render_html
from sagelint.org.markdown import render_markdown
from sagelint.org.model import (
    SAMPLE_PER_REPOSITORY,
    Counts,
    Finding,
    OrgReport,
    Repository,
    RuleSummary,
    Trend,
)
from sagelint.reporters.markdown import COMMENT_LIMIT, size

RULES = [("SM201", "deploy-without-health-check-timeout", "warning"),
         ("SM202", "model-server-timeout-missing", "warning"),
         ("SM213", "instance-type-not-in-api", "error"),
         ("SM501", "hardcoded-credential", "error")]
SCRIPT = "<script>alert('x')</script>"


def _html(report: OrgReport) -> str:
    out = io.StringIO()
    render_html(report, out)
    return out.getvalue()


def _markdown(report: OrgReport) -> str:
    out = io.StringIO()
    render_markdown(report, out)
    return out.getvalue()


def _counts(findings: int, errors: int, fixable: int) -> Counts:
    return Counts(findings=findings, errors=errors, warnings=findings - errors, fixable=fixable)


def small(previous: Optional[str] = None) -> OrgReport:
    """Three repositories: one with findings (one message holding a script tag), one clean,
    one that replaced an older run; an owner; an input file that could not be read."""
    payments = Repository(
        name="acme/payments-ml", commit="0123456789abcdef0123456789abcdef01234567", branch="main",
        sagelint_version="0.3.0", settings_fingerprint="f1e2d3c4b5a6", source="sarif/payments.sarif",
        files_scanned=40, files_not_checked=2, counts=_counts(5, 2, 3),
        by_rule={"SM201": _counts(3, 0, 3), "SM213": _counts(2, 2, 0)},
        by_owner={"@acme/ml-platform": _counts(5, 2, 3)},
        top_files=[("train/deploy.py", 4), ("serve/app.py", 1)],
        sample=[
            Finding("SM213", "error", "train/deploy.py", 12, 5, f"`instance_type` {SCRIPT} is not an instance type", "@acme/ml-platform"),
            Finding("SM201", "warning", "train/deploy.py", 20, 1, "`model.deploy(...)` does not set `container_startup_health_check_timeout`"),
        ],
        trend=Trend(new=2, fixed=4, unchanged=3) if previous else None,
    )
    clean = Repository(name="acme/forecasting", commit="aaaaaaaaaaaa", sagelint_version="0.3.0",
                       settings_fingerprint="f1e2d3c4b5a6", files_scanned=12,
                       trend=Trend(new=0, fixed=1, unchanged=0) if previous else None)
    moved = Repository(name="acme/<b>odd</b>", commit="bbbbbbbbbbbb", sagelint_version="0.2.9",
                       settings_fingerprint="999999999999", files_scanned=3, counts=_counts(1, 0, 0),
                       by_rule={"SM202": _counts(1, 0, 0)}, top_files=[("a.py", 1)],
                       sample=[Finding("SM202", "warning", "a.py", 1, 1, "no `env`")],
                       superseded=["sarif/odd-old.sarif (commit cccccccc)"])
    rules = [
        RuleSummary("SM201", RULES[0][1], "warning", _counts(3, 0, 3), 1,
                    Trend(2, 1, 1) if previous else None),
        RuleSummary("SM213", RULES[2][1], "error", _counts(2, 2, 0), 1,
                    Trend(0, 3, 2) if previous else None),
        RuleSummary("SM202", RULES[1][1], "warning", _counts(1, 0, 0), 1, None),
    ]
    return OrgReport(
        generated_by="sagelint 0.3.0", repositories=[payments, moved, clean], rules=rules,
        owners={"@acme/ml-platform": _counts(5, 2, 3)}, totals=_counts(6, 2, 3),
        files_scanned=55, files_not_checked=2,
        input_errors=[("sarif/other-tool.sarif", f"not written by sagelint {SCRIPT}"),
                      ("sarif/cut.sarif", "truncated: JSON ends at byte 4096")],
        previous=previous, trend=Trend(new=2, fixed=5, unchanged=3) if previous else None,
    )


def large(repositories: int = 500, findings: int = 100_000) -> OrgReport:
    """`repositories` repositories sharing `findings` findings unevenly (a few big ones, many
    small, some clean), each with its full sample of long messages, ten top files, owners and
    a trend: the size the issue names."""
    weights = [0 if i % 7 == 3 else (i * 37) % 101 + (400 if i < 10 else 1) for i in range(repositories)]
    scale = findings / sum(weights)
    shares = [int(w * scale) for w in weights]
    shares[0] += findings - sum(shares)
    report = OrgReport(generated_by="sagelint 0.3.0", previous="audit-2026-11.json",
                       trend=Trend(new=1_000, fixed=2_000, unchanged=findings - 1_000))
    by_rule: Dict[str, Counts] = {code: Counts() for code, _, _ in RULES}
    for i, count in enumerate(sorted(shares, reverse=True)):
        name = f"acme-{'platform' if i % 2 else 'research'}/service-{i:03d}-sagemaker-pipelines"
        repository = Repository(
            name=name, commit=f"{i:040x}", branch="main", sagelint_version="0.3.0",
            settings_fingerprint="f1e2d3c4b5a6", source=f"sarif/{i:03d}.sarif",
            files_scanned=50 + i, files_not_checked=i % 3,
            counts=_counts(count, count // 4, count // 2), trend=Trend(i % 5, i % 3, count - i % 5),
        )
        for k, (code, _, level) in enumerate(RULES):
            part = count // len(RULES) + (1 if k < count % len(RULES) else 0)
            errors = part if level == "error" else 0
            repository.by_rule[code] = _counts(part, errors, part // 2)
            by_rule[code].findings += part
        repository.by_owner = {f"@acme/team-{i % 40}": _counts(count, count // 4, count // 2)}
        repository.top_files = [(f"src/pipelines/stage_{j}/deploy_endpoint.py", max(0, count // 10 - j))
                                for j in range(10)]
        repository.sample = [
            Finding(RULES[j % 4][0], RULES[j % 4][2], f"src/pipelines/stage_{j // 20}/deploy_endpoint.py",
                    j + 1, 5, "`model.deploy(...)` does not set `container_startup_health_check_timeout`: "
                    "the container's first health check may give up before the model has loaded; set it",
                    f"@acme/team-{i % 40}")
            for j in range(min(count, SAMPLE_PER_REPOSITORY))
        ]
        report.repositories.append(repository)
    report.rules = [RuleSummary(code, name, level, by_rule[code], repositories, Trend(1, 2, 3))
                    for code, name, level in RULES]
    report.owners = {f"@acme/team-{k}": _counts(findings // 40, 0, 0) for k in range(40)}
    report.totals = _counts(findings, findings // 4, findings // 2)
    report.files_scanned = sum(r.files_scanned for r in report.repositories)
    report.files_not_checked = sum(r.files_not_checked for r in report.repositories)
    return report


# --- HTML ----------------------------------------------------------------------------------


def test_html_shows_totals_repositories_rules_owners_and_input_errors() -> None:
    page = _html(small())
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert 'id="n-repositories" data-v="3"' in page and 'id="n-findings" data-v="6"' in page
    assert 'id="n-clean" data-v="1"' in page and 'id="n-input-errors" data-v="2"' in page
    row = re.search(r'<tr><td><a href="#repo-0">.*?</tr>', page)
    assert row is not None
    cells = re.findall(r'data-v="(\d+)"', row.group(0))
    assert cells == ["5", "2", "3", "2"]  # findings, errors, fixable, not checked
    assert "0123456789ab" in row.group(0) and "0.3.0" in row.group(0) and "f1e2d3c4b5a6" in row.group(0)
    assert 'id="rule-SM213"' in page and 'id="owner-table"' in page
    assert "sarif/cut.sarif" in page and "truncated: JSON ends at byte 4096" in page
    assert "replaces 1 older run" in page and "sarif/odd-old.sarif (commit cccccccc)" in page
    assert 'id="mixed"' in page  # two versions and two settings fingerprints
    # Each repository is collapsed, its sample inside.
    assert len(re.findall(r'<details class="file repo" id="repo-\d+">', page)) == 3
    assert "<code>train/deploy.py</code>" in page and "<code>12:5</code>" in page
    # No trend without --previous.
    assert "<th class=\"r\">New</th>" not in page and 'id="n-new"' not in page


def test_html_escapes_everything() -> None:
    page = _html(small())
    assert "<script>alert" not in page and "<b>odd</b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or "&lt;script&gt;alert('x')" in page
    assert "acme/&lt;b&gt;odd&lt;/b&gt;" in page
    # One script, the page's own, inline; nothing loaded from anywhere.
    assert page.count("<script>") == 1
    assert not re.search(r'\s(src|href)="(https?:)?//', page)
    assert "default-src 'none'" in page


def test_html_trend_columns() -> None:
    page = _html(small(previous="audit-2026-11.json"))
    assert page.count('<th class="r">New</th><th class="r">Fixed</th><th class="r">Unchanged</th>') == 2
    assert 'id="n-new" data-v="2"' in page and 'id="n-fixed" data-v="5"' in page
    assert '<td class="r new" data-v="2">2</td><td class="r fixed" data-v="4">4</td>' in page
    assert "audit-2026-11.json" in page
    # A repository without a trend (new since the previous report) shows dashes.
    assert '<td class="r" data-v="-1">–</td>' in page


def test_html_of_an_empty_report() -> None:
    page = _html(OrgReport(generated_by="sagelint 0.3.0"))
    assert "No repository was read." in page and 'id="n-findings" data-v="0"' in page


def test_html_of_500_repositories_and_100000_findings_stays_a_few_mb() -> None:
    report = large()
    assert report.totals.findings == sum(r.counts.findings for r in report.repositories) == 100_000
    page = _html(report)
    megabytes = len(page.encode("utf-8")) / 1e6
    assert megabytes < 4, megabytes
    assert len(re.findall(r'<details class="file repo"', page)) == 500
    shown = len(re.findall(r'<li class="f"', page))
    assert SAMPLE_MIN * 100 <= shown <= SAMPLE_BUDGET + SAMPLE_MIN * 500
    assert "of 1,0" in page or "findings: the repository's own run" in page  # says what is left out


def test_html_shows_every_sample_of_a_few_repositories() -> None:
    report = large(repositories=20, findings=8_000)
    page = _html(report)
    assert len(re.findall(r'<li class="f"', page)) == sum(len(r.sample) for r in report.repositories)


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_shows_totals_repositories_and_input_errors() -> None:
    text = _markdown(small())
    assert text.startswith("## sagelint organisation report")
    assert "| Repositories | 3 |" in text and "| Findings | 6 |" in text
    assert "| Repositories without findings | 1 |" in text
    assert "| `acme/payments-ml` | 5 | 2 | 3 | 2 | `0123456789ab` | 0.3.0 | `f1e2d3c4b5a6` |" in text
    assert "| SM213 | `instance-type-not-in-api` | error | 2 | 0 | 1 |" in text
    assert "`@acme/ml-platform`" in text
    assert "`sarif/cut.sarif`: truncated: JSON ends at byte 4096" in text
    assert "(replaces 1 older run)" in text
    assert "New" not in text


def test_markdown_escapes_user_text() -> None:
    text = _markdown(small())
    assert "<script>" not in text and "\\<script\\>" in text


def test_markdown_trend_columns() -> None:
    text = _markdown(small(previous="audit-2026-11.json"))
    assert "| Not checked | New | Fixed | Unchanged | Commit |" in text
    assert "| `acme/payments-ml` | 5 | 2 | 3 | 2 | 2 | 4 | 3 |" in text
    assert "| `acme/\\<b\\>odd\\</b\\>`" not in text  # code spans keep the name as written
    assert "| New since the previous report | 2 |" in text
    assert "| SM202 | `model-server-timeout-missing` | warning | 1 | 0 | 1 | – | – | – |" in text


def test_markdown_of_500_repositories_stays_under_the_comment_limit() -> None:
    text = _markdown(large())
    assert size(text) < COMMENT_LIMIT
    assert "| Findings | 100,000 |" in text
    shown = len(re.findall(r"^\| `acme-", text, re.M))
    left = re.search(r"… and ([\d,]+) more repositories", text)
    assert left is not None and shown > 100
    # The repositories rows plus the ones left out are all of them (top files rows aside).
    rows = len(re.findall(r"^\| `acme-[^|]*` \| [\d,]+ \| [\d,]+ \| [\d,]+ \| [\d,]+ \|", text, re.M))
    assert rows + int(left.group(1).replace(",", "")) == 500


def test_markdown_stays_under_the_limit_with_long_lists_everywhere() -> None:
    report = large()
    wide = "\U0001f600" * 300  # counts twice in UTF-16, as GitHub counts
    report.input_errors = [(f"sarif/{i}-{wide}.sarif", f"reason {wide}") for i in range(3_000)]
    report.owners = {f"@acme/{wide}-{i}": Counts(1, 0, 1, 0) for i in range(2_000)}
    report.rules = [RuleSummary(f"SM{i:03d}", wide, "warning", Counts(1, 0, 1, 0), 1) for i in range(900)]
    for repository in report.repositories:
        repository.name += wide
    text = _markdown(report)
    assert size(text) < COMMENT_LIMIT
    assert "more files" in text and "more owners" in text and "more rules" in text
    assert "more repositories" in text


def test_markdown_of_an_empty_report() -> None:
    text = _markdown(OrgReport(generated_by="sagelint 0.3.0"))
    assert "**No findings** in 0 repositories." in text


# --- In a real browser ---------------------------------------------------------------------

browser = pytest.importorskip("test_browser", reason="tests/test_browser.py holds the browser helpers")
needs_browser = pytest.mark.skipif(
    browser.BROWSER is None, reason="chromium is not installed (.ci/run installs it: apt-get install chromium)"
)

# Appended after the page's own script: what was loaded, and whether the page's tables and
# summary have a size on screen.
MEASURE = """<script>
(function () {
  var out = {resources: performance.getEntriesByType("resource").length,
             rows: document.querySelectorAll("#repo-table tbody tr").length,
             name: document.querySelector("#repo-table td").getBoundingClientRect().width,
             height: document.documentElement.scrollHeight,
             page: document.documentElement.scrollWidth, viewport: window.innerWidth};
  document.documentElement.setAttribute("data-measure", JSON.stringify(out));
})();
</script>"""


@pytest.fixture(scope="module", params=["small", "large"])
def page(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    report = small(previous="audit.json") if request.param == "small" else large()
    target = tmp_path_factory.mktemp("org") / "org.html"
    target.write_text(_html(report).replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    return target


@needs_browser
def test_the_page_is_not_blank(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = browser.browse(page.as_uri(), tmp_path, "--window-size=1000,1400", f"--screenshot={shot}")
    assert shot.exists(), result.stderr[-2000:]
    width, height, channels, rows = browser.png_pixels(shot.read_bytes())
    sample = [row[x : x + 3] for row in rows[::7] for x in range(0, width * channels, channels * 5)]
    luminance = [0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] for p in sample]
    mean = sum(luminance) / len(luminance)
    spread = (sum((v - mean) ** 2 for v in luminance) / len(luminance)) ** 0.5
    assert spread > 12, spread  # text and cards, not one flat colour
    assert len(set(sample)) > 20


@needs_browser
def test_the_page_loads_nothing_and_its_script_runs(page: Path, tmp_path: Path) -> None:
    result = browser.browse(page.as_uri(), tmp_path, "--window-size=1000,1400", "--dump-dom")
    assert browser.console_errors(result.stderr) == []
    dom = result.stdout
    assert re.search(r'<html[^>]*data-script="ready"', dom), "the page's script did not finish"
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, "the measuring script did not run"
    measure = json.loads(html.unescape(found.group(1)))
    assert measure["resources"] == 0  # nothing loaded from anywhere
    assert measure["rows"] in (3, 500)
    assert measure["page"] <= measure["viewport"]  # no sideways scrolling of the page
    assert measure["name"] >= 150  # the repository's name is not squeezed to a letter a line
    # Every repository's findings are collapsed: the details stay closed.
    assert not re.search(r'<details class="file repo"[^>]* open', dom)
