"""The per-file gate (sagelint.analysis.gate) skips LibCST only for files where no call can produce a
finding: over every fixture, and over generated SageMaker-shaped scripts, the results with
the gate on are those with it off, and the gate does skip some of them."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List

import pytest
from hypothesis import given

from conftest import FIXTURES
from sagelint.engine import MAX_SYNTAX_DEPTH, Engine
from sagelint.paths import CREATING
from sagelint.analysis.prune import rows_of, survey
from test_fixtures import engine_for_fixture, fixture_files
from test_properties import ENGINE, scripts_with_unrelated_code

UNGATED = Engine(ENGINE.settings, gate=False, strict_fixes=True)


def _same(gated: Engine, ungated: Engine, path: str, data: bytes) -> None:
    for fix, unsafe in ((False, False), (True, True)):
        a = gated.check(path, data, fix=fix, unsafe=unsafe)
        b = ungated.check(path, data, fix=fix, unsafe=unsafe)
        assert (a.diagnostics, a.fixed_bytes, a.error) == (b.diagnostics, b.fixed_bytes, b.error)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_gate_changes_no_fixture_result(path: Path) -> None:
    gated = engine_for_fixture(path)
    _same(gated, Engine(gated.settings, gate=False, strict_fixes=True), str(path), path.read_bytes())


def _skipped(engine: Engine, text: str) -> bool:
    """What the gate alone says: no call can produce a finding."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    return not engine.gate.may_find(survey(tree, rows_of(text), MAX_SYNTAX_DEPTH, CREATING))


def _engine_skips(engine: Engine, text: str) -> bool:
    """Whether `analyze` skips the file: the gate says so and no judging rule (SM002, the
    SM6 import rules, which read imports, not calls) wants the text."""
    return _skipped(engine, text) and not any(rule.judges(text) for rule in engine.judges)


def test_the_gate_skips_fixtures_without_findings_only() -> None:
    skipped: List[str] = []
    for path in fixture_files():
        if path.suffix != ".py":
            continue
        engine = engine_for_fixture(path)
        text = path.read_text(encoding="utf-8")
        if _engine_skips(engine, text):
            skipped.append(path.name)
            whole = Engine(engine.settings, prune=False, gate=False, strict_fixes=True)
            assert whole.check(str(path), path.read_bytes()).diagnostics == ()
    assert skipped  # the not-SageMaker fixtures, the training scripts


@pytest.mark.parametrize(
    "source, skipped",
    [
        ("import boto3\ns3 = boto3.client('s3')\ns3.upload_file('a', 'b', 'c')\n", True),
        ("import sagemaker\nprint(sagemaker.__version__)\n", True),
        ("# runs on sagemaker\nimport torch\nmodel = torch.nn.Linear(2, 2)\nmodel.fit(1)\n", True),
        ("import boto3\nsm = boto3.client('sagemaker')\nsm.create_endpoint(EndpointName='e')\n",
         False),
        ("from sagemaker.pytorch import PyTorchModel as M\nM(role='r')\n", False),
        ("from sagemaker import pytorch\nmake = pytorch.PyTorchModel\nmake(role='r')\n", False),
        ("import sagemaker\ndef build(cls):\n    return cls(role='r')\n", False),
        ("import sagemaker\nclass A:\n    pass\nA.factory = sagemaker.Model\nA.factory()\n",
         False),
        ("from sagemaker import *\nprint(1)\n", False),
        ("import sagemaker\nfrom mylib import tuners\ntuners.HyperparameterTuner(1)\n", False),
    ],
)
def test_what_the_gate_skips(source: str, skipped: bool) -> None:
    assert _skipped(ENGINE, source) is skipped


def test_a_gated_file_still_gets_its_unused_noqa_judged() -> None:
    engine = Engine(
        ENGINE.settings.__class__.build(extend_select=("SM002",)), strict_fixes=True
    )
    source = b"import sagemaker\nprint(sagemaker.__version__)  # noqa: SM101\n"
    result = engine.check("x.py", source)
    assert [d.code for d in result.diagnostics] == ["SM002"]


@given(scripts_with_unrelated_code())
def test_the_gate_changes_no_generated_result(source: str) -> None:
    _same(ENGINE, UNGATED, "gen.py", source.encode())


def test_the_gate_reads_every_name_from_the_surfaces_table() -> None:
    """Every key a surface claims lets its calls through the gate: a method key by its name,
    a qualified key by its last name (the tuner and the pipeline markers, read by the
    resources surface, too); nothing is kept by hand beside the table."""
    from sagelint.surfaces.keys import Method, last_name

    gate, table = ENGINE.gate, ENGINE.surfaces.table
    for key in table.keys():
        if isinstance(key, Method):
            assert key.name in gate.methods, key
        else:
            assert last_name(key) in gate.names, key
    assert {"HyperparameterTuner", "Pipeline", "TrainingStep", "ProcessingStep"} <= gate.names
    assert gate.methods == frozenset(table.methods)
    assert gate.names == frozenset(last_name(key) for key in table.qualified)
