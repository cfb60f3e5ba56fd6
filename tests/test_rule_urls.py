"""Every diagnostic links to its rule's page (`docs/rules/SMxxx.md`): JSON `url`, the HTML
report's rule docs, and (tests/test_sarif_schema.py, tests/test_server.py) SARIF `helpUri`
and LSP `codeDescription`. The `docs-url` setting moves the links, or turns them off."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List

import pytest

from conftest import ROOT
from test_cli import BAD, no_traceback, sagelint

from sagelint.config import DOCS_URL, rule_url
from sagelint.rules import all_rules

CUSTOM = "https://wiki.example.com/lint/sagelint"  # no final slash: one is added


def _check(tmp_path: Path, output_format: str, config: str = "") -> str:
    (tmp_path / "deploy.py").write_text(BAD)
    if config:
        (tmp_path / "sagelint.toml").write_text(config)
    result = sagelint("check", "--no-cache", "--output-format", output_format, "deploy.py",
                      cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    return result.stdout


def _links(html: str) -> List[str]:
    return re.findall(r'<a href="([^"#][^"]*)"', html)


def test_the_default_base_is_the_repository_folder_of_the_committed_pages() -> None:
    assert DOCS_URL.endswith("/docs/rules/")
    for code in all_rules():
        url = rule_url(code, DOCS_URL)
        assert url == f"{DOCS_URL}{code}.md"
        assert (ROOT / "docs" / "rules" / f"{code}.md").is_file(), url


def test_json_items_carry_the_url_of_their_rule(tmp_path: Path) -> None:
    items = json.loads(_check(tmp_path, "json"))
    assert sorted(item["code"] for item in items) == ["SM101", "SM201", "SM202"]
    for item in items:
        assert item["url"] == f"{DOCS_URL}{item['code']}.md"
    lines = _check(tmp_path, "json-lines").splitlines()
    assert [json.loads(line)["url"] for line in lines] == [item["url"] for item in items]


def test_rdjson_codes_carry_the_url_of_their_rule(tmp_path: Path) -> None:
    document = json.loads(_check(tmp_path, "rdjson", f'docs-url = "{CUSTOM}"\n'))
    codes = [item["code"] for item in document["diagnostics"]]
    assert sorted(code["value"] for code in codes) == ["SM101", "SM201", "SM202"]
    for code in codes:
        assert code["url"] == f"{CUSTOM}/{code['value']}.md"
    document = json.loads(_check(tmp_path, "rdjson", 'docs-url = ""\n'))
    assert not any("url" in item["code"] for item in document["diagnostics"])


def test_a_file_that_could_not_be_checked_has_no_url(tmp_path: Path) -> None:
    (tmp_path / "broken.ipynb").write_text('{"cells": [\n<<<<<<< HEAD\n"import sagemaker"\n')
    result = sagelint("check", "--no-cache", "--output-format", "json", "broken.ipynb",
                      cwd=tmp_path)
    (item,) = json.loads(result.stdout)
    assert item["code"] == "SM000" and item["url"] is None


def test_docs_url_in_the_configuration_moves_every_link(tmp_path: Path) -> None:
    config = f'docs-url = "{CUSTOM}"\n'
    items = json.loads(_check(tmp_path, "json", config))
    assert {item["url"] for item in items} == {
        f"{CUSTOM}/SM101.md", f"{CUSTOM}/SM201.md", f"{CUSTOM}/SM202.md"
    }
    html = _check(tmp_path, "html", config)
    assert sorted(_links(html)) == sorted(item["url"] for item in items)
    assert DOCS_URL not in html


def test_html_report_links_each_rule_code_to_its_page(tmp_path: Path) -> None:
    html = _check(tmp_path, "html")
    for code in ("SM101", "SM201", "SM202"):
        assert (
            f'<a href="{DOCS_URL}{code}.md" rel="noreferrer"><code>{code}</code></a>' in html
        )
    assert len(_links(html)) == 3  # one link per rule that appears, not per finding


def test_an_empty_docs_url_turns_the_links_off(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sagelint]\ndocs-url = ""\n')
    items = json.loads(_check(tmp_path, "json"))
    assert items and all(item["url"] is None for item in items)
    assert _links(_check(tmp_path, "html")) == []


@pytest.mark.parametrize(
    "value", ["docs/rules/", "javascript:alert(1)", "https://", "https://a b/", "ftp://x/"]
)
def test_a_docs_url_that_is_not_a_web_or_file_address_is_a_config_error(
    tmp_path: Path, value: str
) -> None:
    (tmp_path / "deploy.py").write_text(BAD)
    (tmp_path / "sagelint.toml").write_text(f"docs-url = {json.dumps(value)}\n")
    result = sagelint("check", "--no-cache", "deploy.py", cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "docs-url: expected an http(s):// or file:// URL" in line and "sagelint.toml" in line


def test_a_docs_url_of_the_wrong_type_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(BAD)
    (tmp_path / "sagelint.toml").write_text("docs-url = 1\n")
    result = sagelint("check", "--no-cache", "deploy.py", cwd=tmp_path)
    assert result.returncode == 2 and "docs-url: expected a string, got 1" in result.stderr
