"""The HTML report in a real headless browser (Debian's `chromium`, which `.ci/run`
installs): the page draws something, its script runs without console errors, and its
filters work. Skipped, saying why, where no chromium is installed."""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import BAD, sagelint

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="chromium is not installed (.ci/run installs it: apt-get install chromium)"
)

# Flags for a browser that runs as root in a container and reaches nothing on the network.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
)


def browse(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True, text=True, timeout=180, check=False,
    )


def console_errors(stderr: str) -> list:
    """Messages the page's scripts sent to the console as errors (uncaught exceptions too)."""
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and re.search(r"Uncaught|Error|error", line)]


def png_pixels(data: bytes) -> tuple:
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, height, channels = 8, b"", 0, 0, 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up = previous[x]
            corner = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[x] = (line[x] + best) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    target = folder / "report.html"
    result = sagelint("check", "fixtures/examples", "--no-cache", "--output-format", "html",
                      "--output-file", str(target), cwd=ROOT)
    assert result.returncode == 1, result.stderr
    return target


def test_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = browse(report.as_uri(), tmp_path, "--window-size=1000,1400", f"--screenshot={shot}")
    assert shot.exists(), result.stderr[-2000:]
    width, height, channels, rows = png_pixels(shot.read_bytes())
    assert (width, height) == (1000, 1400)
    sample = [row[x : x + 3] for row in rows[::7] for x in range(0, width * channels, channels * 5)]
    luminance = [0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] for p in sample]
    mean = sum(luminance) / len(luminance)
    spread = (sum((v - mean) ** 2 for v in luminance) / len(luminance)) ** 0.5
    assert spread > 12, spread  # text, cards and charts, not one flat colour
    assert len(set(sample)) > 50  # the severity colours and the text's anti-aliasing


def test_script_runs_without_console_errors_and_filters(report: Path, tmp_path: Path) -> None:
    items = json.loads(sagelint("check", "fixtures/examples", "--no-cache", "--output-format",
                                "json", cwd=ROOT).stdout)
    expected = sum(1 for i in items if i["code"] == "SM201")
    assert expected
    result = browse(report.as_uri() + "?rule=SM201", tmp_path, "--dump-dom")
    assert console_errors(result.stderr) == []
    dom = result.stdout
    assert re.search(r'<html[^>]*data-script="ready"', dom), "the page's script did not finish"
    assert f'data-shown="{expected}"' in dom
    findings = re.findall(r'<li class="f"[^>]*>', dom)
    assert len(findings) == len(items)
    visible = [tag for tag in findings if " hidden" not in tag]
    assert len(visible) == expected and all('data-r="SM201"' in tag for tag in visible)
    assert re.search(r'<form id="controls"(?![^>]*hidden)', dom)  # the filter bar is shown


def test_console_errors_are_seen(tmp_path: Path) -> None:
    """The check above can fail: a page whose script throws is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>missingFunction();</script></body></html>")
    result = browse(page.as_uri(), tmp_path, "--dump-dom")
    assert console_errors(result.stderr), result.stderr[-2000:]


# Measures the laid-out page from inside it (appended after the report's own script): the
# page column, every table and its cells, the bars of the folder tree, and what was loaded.
MEASURE = """<script>
(function () {
  var main = document.querySelector("main"), style = getComputedStyle(main);
  var out = {
    column: main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
    viewport: window.innerWidth, page: document.documentElement.scrollWidth,
    resources: performance.getEntriesByType("resource").length, tables: {}, bars: []
  };
  document.querySelectorAll("table").forEach(function (table) {
    var over = Array.prototype.filter.call(table.querySelectorAll("td,th"), function (cell) {
      return cell.scrollWidth > cell.clientWidth + 1;
    });
    out.tables[table.id] = {width: table.getBoundingClientRect().width, overflowing: over.length};
  });
  document.querySelectorAll("figure.tree .bar").forEach(function (bar) {
    var box = bar.getBoundingClientRect();
    if (box.width > 0) { out.bars.push([Math.round(box.left), Math.round(box.right)]); }
  });
  document.documentElement.setAttribute("data-measure", JSON.stringify(out));
})();
</script>"""


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report whose paths are far wider than the page, with a folder tree two levels deep
    and a notebook cell that does not parse."""
    folder = tmp_path_factory.mktemp("wide")
    long = "a_folder_name_without_any_space_that_is_wider_than_the_page_column_" * 2
    deep = folder / "services" / long / "and_another_level_of_folders_with_long_names"
    deep.mkdir(parents=True)
    (deep / f"deploy_the_recommendation_endpoint_{'v2_' * 30}.py").write_text(BAD)
    (folder / "services" / "small.py").write_text(BAD)
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "nb.ipynb").write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": source} for source in ("def f(:\n", BAD)],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }))
    result = sagelint("check", ".", "--no-cache", "--output-format", "html", "--output-file",
                      "report.html", cwd=folder)
    assert result.returncode == 1, result.stderr
    return folder / "report.html"


@pytest.mark.parametrize("width", [1000, 800, 500])
def test_tables_fit_the_page_column_and_the_tree_is_aligned(
    wide_report: Path, tmp_path: Path, width: int
) -> None:
    page = tmp_path / "measured.html"
    text = wide_report.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = browse(page.as_uri(), tmp_path, f"--window-size={width},1400", "--dump-dom")
    assert console_errors(result.stderr) == []
    assert re.search(r'<html[^>]*data-script="ready"', result.stdout), "the page's script failed"
    found = re.search(r'data-measure="([^"]*)"', result.stdout)
    assert found, "the measuring script did not run"
    measure = json.loads(html.unescape(found.group(1)))
    assert measure["resources"] == 0  # nothing loaded from anywhere
    assert measure["column"] < width
    for name in ("rule-table", "file-table"):
        table = measure["tables"][name]
        assert table["width"] <= measure["column"] + 0.5, (name, table, measure["column"])
        assert table["overflowing"] == 0, (name, table)
    assert measure["page"] <= measure["viewport"]  # no sideways scrolling anywhere
    # The tree's bars start and end at the same place at every depth, open or not.
    bars = measure["bars"]
    assert len(bars) >= 3 and len({tuple(bar) for bar in bars}) == 1, bars
