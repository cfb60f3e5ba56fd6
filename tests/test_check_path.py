"""One check path: the engine takes scripts and notebooks the same way, names no rule, and
reads no environment; what a rule needs beyond the facts it declares on its class."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple, Type

import libcst as cst
import pytest

from conftest import ROOT, imported_modules
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.model import Applicability, Diagnostic
from sagelint.paths import SourcePaths
from sagelint.rules import Finding, FixPlan, RowOf, Rule, RuleContext, all_rules

SOURCE = ROOT / "src" / "sagelint"
CHECK_PATH = ("engine.py", "programs.py")
MODEL = (
    "from sagemaker.pytorch import PyTorchModel\n"
    "model = PyTorchModel(model_data='s3://b/m.tar.gz', role='r', entry_point='train.py', framework_version='2.1', py_version='py310')\n"
)


def _tree(name: str) -> ast.Module:
    return ast.parse((SOURCE / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CHECK_PATH)
def test_the_check_path_names_no_rule_code_and_imports_no_rule(name: str) -> None:
    tree = _tree(name)
    codes = [
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and re.search(r"\bSM\d{3}\b", node.value)
    ]
    assert codes == []
    imported = [
        node.module for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        and node.module.startswith("sagelint.rules.")
    ]
    assert imported == []


@pytest.mark.parametrize("name", CHECK_PATH)
def test_the_check_path_reads_no_environment(name: str) -> None:
    names = {
        node.attr if isinstance(node, ast.Attribute) else node.id
        for node in ast.walk(_tree(name)) if isinstance(node, (ast.Attribute, ast.Name))
    }
    assert not names & {"environ", "getenv"}


def test_no_module_imports_the_engine_back() -> None:
    """The engine imports what checks a notebook; nothing it imports imports it."""
    for path in SOURCE.rglob("*.py"):
        # The front ends over the engine: the CLI, its runner, the server and its worker.
        if path.name in ("engine.py", "runner.py", "server.py", "live.py", "cli.py", "__main__.py"):
            continue
        assert "sagelint.engine" not in imported_modules(path), path
    assert not (SOURCE / "notebook_check.py").exists()


# -- declared needs -------------------------------------------------------------------------


def _engine_with(
    code: str, rule: Type[Rule], strict_fixes: bool = False, **options: object
) -> Engine:
    """An engine whose rule `code` is `rule` (a probe declaring a need)."""
    rules = dict(all_rules())
    rules[code] = rule
    return Engine(Settings.build(**options), strict_fixes=strict_fixes, rules=rules)


def _any_call(ctx: RuleContext) -> cst.CSTNode:
    return next(node for node in ctx.facts.by_call if isinstance(node, cst.Call))


class PathsProbe(Rule):
    code = "SM201"
    name = "paths-probe"
    summary = "probe"
    needs_paths = True
    seen: List[Optional[SourcePaths]] = []

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        PathsProbe.seen.append(ctx.paths)
        return iter(())


def test_a_rule_that_declares_it_needs_paths_gets_them(tmp_path: Path) -> None:
    PathsProbe.seen = []
    engine = _engine_with("SM201", PathsProbe, ignore=("SM402",))
    engine.check(str(tmp_path / "deploy.py"), MODEL.encode())
    assert PathsProbe.seen and all(paths is not None for paths in PathsProbe.seen)
    # The real rules: only SM402 needs paths, so with it off (or ignored) none are asked for.
    real = Engine(Settings.build())
    assert real.path_rules == {"SM402"}
    assert real.paths_for(str(tmp_path / "deploy.py"), frozenset({"SM402"})) is None
    assert real.paths_for(str(tmp_path / "deploy.py"), frozenset()) is not None


class JudgeProbe(Rule):
    code = "SM201"
    name = "judge-probe"
    summary = "probe"
    judges_findings = True
    judged: List[List[str]] = []

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())

    def judges(self, text: str) -> bool:
        return "judge me" in text

    def judge(
        self, module: cst.Module, row_of: RowOf, findings: List[Finding], judged: FrozenSet[str],
        sdk: object,
    ) -> List[Finding]:
        JudgeProbe.judged.append(sorted(f.code for f in findings))
        return []


def test_a_rule_that_judges_findings_runs_after_the_others_when_it_has_work() -> None:
    JudgeProbe.judged = []
    engine = _engine_with("SM201", JudgeProbe)
    engine.check("deploy.py", MODEL.encode())
    assert JudgeProbe.judged == []  # nothing to judge in this text
    engine.check("deploy.py", (MODEL + "# judge me\n").encode())
    assert JudgeProbe.judged == [["SM101"]]


class SyntaxProbe(Rule):
    code = "SM201"
    name = "syntax-probe"
    summary = "probe"
    reports_syntax_errors = True

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return iter(())


def test_syntax_errors_are_reported_under_the_rule_that_declares_it() -> None:
    engine = _engine_with("SM201", SyntaxProbe, ignore=("SM001",))
    result = engine.check("deploy.py", b"import sagemaker\nx = (\n")
    assert [(d.code, d.name) for d in result.diagnostics] == [("SM201", "syntax-probe")]
    assert Engine(Settings.build(ignore=("SM001",))).check(
        "deploy.py", b"import sagemaker\nx = (\n"
    ).diagnostics == ()


# -- strict fixes: a setting, not the environment --------------------------------------------


class BrokenFix(Rule):
    code = "SM201"
    name = "broken-fix"
    summary = "probe"

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        def build(_: object) -> List[object]:
            raise ValueError("a bug in a fix builder")

        yield self.finding(
            _any_call(ctx), "probe", fix=FixPlan(Applicability.SAFE, "break", build)
        )


@pytest.mark.parametrize("environment", ["1", "0"])
def test_strict_fixes_is_the_engine_s_setting_whatever_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("SAGELINT_STRICT_FIXES", environment)
    lenient = _engine_with("SM201", BrokenFix)
    result = lenient.check("deploy.py", MODEL.encode(), fix=True)
    broken = [d for d in result.diagnostics if d.code == "SM201"]
    assert broken and broken[0].fix is None  # dropped, as for a user
    strict = _engine_with("SM201", BrokenFix, strict_fixes=True)
    with pytest.raises(ValueError, match="a bug in a fix builder"):
        strict.check("deploy.py", MODEL.encode(), fix=True)


def test_runs_read_strict_fixes_from_the_environment_at_the_edge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sagelint.runner import new_engine

    monkeypatch.setenv("SAGELINT_STRICT_FIXES", "1")
    assert new_engine(Settings.build()).strict_fixes
    monkeypatch.setenv("SAGELINT_STRICT_FIXES", "0")
    assert not new_engine(Settings.build()).strict_fixes


# -- one path for both ----------------------------------------------------------------------


def _seen(d: Diagnostic) -> Tuple[object, ...]:
    """What a diagnostic says in rows and columns (offsets count in different texts)."""
    edits = d.fix.edits if d.fix else ()
    return (d.code, d.location, d.end_location, d.message,
            [(e.content, e.location, e.end_location) for e in edits])


def test_a_script_and_the_same_code_as_a_one_cell_notebook_give_the_same_findings() -> None:
    import json

    notebook = json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": MODEL}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }).encode()
    engine = Engine(Settings.build(), strict_fixes=True)
    script = engine.check("deploy.py", MODEL.encode())
    cells = engine.check("deploy.ipynb", notebook)
    assert script.diagnostics
    assert list(map(_seen, script.diagnostics)) == list(map(_seen, cells.diagnostics))
    assert all(d.cell is None for d in script.diagnostics)
    assert all(d.cell == 1 for d in cells.diagnostics)
    script = engine.check("deploy.py", MODEL.encode(), fix=True)
    cells = engine.check("deploy.ipynb", notebook, fix=True)
    assert script.applied_fixes == cells.applied_fixes != ()
    fixed: Dict[str, object] = json.loads(cells.fixed_bytes or b"{}")
    assert fixed["cells"][0]["source"] == script.fixed_source  # type: ignore[index]
