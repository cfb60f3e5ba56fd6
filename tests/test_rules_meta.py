"""The rule registry is complete and every rule documents and exercises itself."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES, ROOT, lint
from sagelint.docs import END, RULES_DOCS, START, rule_pages, rule_table
from sagelint.rules import CODE_RE, DOC_SECTIONS, all_rules

RULES = sorted(all_rules().items())
NEEDS_A_PROJECT = {"SM610"}
SPEC_CODES = {
    "SM001", "SM101", "SM102", "SM103", "SM104", "SM105", "SM106", "SM107", "SM108", "SM109",
    "SM201", "SM202", "SM203", "SM204", "SM205", "SM206",
}


def test_registry_has_every_code_of_this_issue() -> None:
    assert SPEC_CODES <= set(all_rules())


@pytest.mark.parametrize("code,rule", RULES, ids=[code for code, _ in RULES])
def test_rule_is_self_describing(code: str, rule: type) -> None:
    assert CODE_RE.match(code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.summary
    docs = rule.documentation()
    for section in DOC_SECTIONS:
        assert f"## {section}" in docs, f"{code} lacks '## {section}'"
    if rule.settings_used:
        assert "## Options" in docs
        for setting in rule.settings_used:
            assert f"`{setting}`" in docs
    assert rule.valid, f"{code} needs examples that stay clean"
    # SM610 fires only on a requirement file beside the code: its fixtures are project folders.
    assert rule.invalid or code in NEEDS_A_PROJECT, f"{code} needs examples that fire"


@pytest.mark.parametrize("code,rule", RULES, ids=[code for code, _ in RULES])
def test_rule_has_a_fixture(code: str, rule: type) -> None:
    # A rule about project files (SM610) has its fixtures in project folders.
    assert list((FIXTURES / "rules").glob(f"{code}*.py")) or list(FIXTURES.rglob(f"{code}_*.py")), (
        f"no fixtures/rules/{code}*.py"
    )


@pytest.mark.parametrize("code,rule", RULES, ids=[code for code, _ in RULES])
def test_rule_examples(code: str, rule: type) -> None:
    options = dict(rule.example_settings)
    for example in rule.invalid:
        assert code in [d.code for d in lint(example, code, **options).diagnostics], example
    for example in rule.valid:
        assert code not in [d.code for d in lint(example, code, **options).diagnostics], example


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in readme and END in readme
    table = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == rule_table(), "README rule table is stale: run `python -m sagelint.docs`"


def test_rule_pages_are_current() -> None:
    """docs/rules/ holds exactly the generated pages: one per rule and the index, fresh."""
    folder = ROOT / RULES_DOCS
    expected = rule_pages()
    assert set(expected) == {"README.md", *(f"{code}.md" for code, _ in RULES)}
    committed = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    stale = sorted(name for name in expected.keys() | committed.keys()
                   if committed.get(name) != expected.get(name))
    assert not stale, f"docs/rules/ is stale ({', '.join(stale)}): run `python -m sagelint.docs`"


@pytest.mark.parametrize("code,rule", RULES, ids=[code for code, _ in RULES])
def test_rule_page_shows_the_rule(code: str, rule: type) -> None:
    page = rule_pages()[f"{code}.md"]
    assert page.splitlines()[2] == f"# {code}: {rule.name}"
    assert f"- Severity: {rule.severity.value}\n" in page
    assert rule.documentation() in page
    for setting in rule.settings_used:
        assert f"`{setting}`" in page.split("## What it does")[0]
    assert f"| [{code}]({code}.md) | `{rule.name}` |" in rule_pages()["README.md"]


def test_opt_in_rules_need_their_code() -> None:
    source = (
        "from sagemaker.tensorflow import TensorFlowModel\n"
        "m = TensorFlowModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n"
    )
    assert "SM109" not in [d.code for d in lint(source).diagnostics]
    assert "SM109" in [d.code for d in lint(source, "SM109").diagnostics]
