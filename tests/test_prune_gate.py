"""The per-file gate (sagelint.analysis.gate) skips LibCST only for files where no call can produce a
finding: over every fixture, and over generated SageMaker-shaped scripts, the results with
the gate on are those with it off, and the gate does skip some of them."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from sagelint.analysis.gate import ProjectImport, known_sdk_import
from sagelint.analysis.modules import module_file
from sagelint.project import ProjectFiles
from sagelint.engine import MAX_SYNTAX_DEPTH, Engine
from sagelint.paths import CREATING
from sagelint.analysis.prune import rows_of, survey
from test_fixtures import engine_for_fixture, fixture_files
from sagelint.config import Settings
from test_properties import ENGINE, scripts, scripts_with_unrelated_code

UNGATED = Engine(ENGINE.settings, gate=False, strict_fixes=True)


def _same(gated: Engine, ungated: Engine, path: str, data: bytes) -> None:
    for fix, unsafe in ((False, False), (True, True)):
        a = gated.check(path, data, fix=fix, unsafe=unsafe)
        b = ungated.check(path, data, fix=fix, unsafe=unsafe)
        assert (a.diagnostics, a.fixed_bytes, a.error) == (b.diagnostics, b.fixed_bytes, b.error)
        # What the check found in other modules of the project (sagelint.analysis.modules).
        assert a.elsewhere == b.elsewhere


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_gate_changes_no_fixture_result(path: Path) -> None:
    gated = engine_for_fixture(path)
    _same(gated, Engine(gated.settings, gate=False, strict_fixes=True), str(path), path.read_bytes())


def _skipped(engine: Engine, text: str, project: Optional[ProjectImport] = None) -> bool:
    """What the gate alone says: no call can produce a finding (`project`: which imports
    are modules of the file's project, as the engine tells the gate)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    surveyed = survey(tree, rows_of(text), MAX_SYNTAX_DEPTH, CREATING)
    return not engine.gate.may_find(surveyed, project)


def _project_of(path: Path) -> ProjectImport:
    """Which imports of the fixture at `path` the engine takes for its project's modules."""
    project = ProjectFiles.for_file(str(path), FIXTURES)
    assert project is not None
    where = str(path.absolute())
    return lambda top: top is None or module_file(top, 0, where, project) is not None


def _engine_skips(engine: Engine, text: str, project: Optional[ProjectImport] = None) -> bool:
    """Whether `analyze` skips the file: the gate says so and no judging rule (SM002, the
    SM6 import rules, which read imports the generation tables know) wants the text."""
    try:
        surveyed = survey(ast.parse(text), rows_of(text), MAX_SYNTAX_DEPTH, CREATING)
    except SyntaxError:
        return False
    known = known_sdk_import(surveyed)
    return _skipped(engine, text, project) and not any(
        rule.judges(text) and (known or not rule.judges_sdk_imports) for rule in engine.judges
    )


def test_the_gate_skips_fixtures_without_findings_only() -> None:
    skipped: List[str] = []
    for path in fixture_files():
        if path.suffix != ".py":
            continue
        engine = engine_for_fixture(path)
        text = path.read_text(encoding="utf-8")
        if _engine_skips(engine, text, _project_of(path)):
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
        # A parameter no call gives an SDK object: the resolver knows nothing of `cls`.
        ("import sagemaker\ndef build(cls):\n    return cls(role='r')\n", True),
        ("import sagemaker\ndef build(cls):\n    return cls(role='r')\nbuild(sagemaker.Model)\n",
         False),
        ("import sagemaker\nclass A:\n    pass\nA.factory = sagemaker.Model\nA.factory()\n",
         False),
        ("from sagemaker import *\nprint(1)\n", False),
        # Not the SDK's tuner: only an import of a surface package reaches a key.
        ("import sagemaker\nfrom mylib import tuners\ntuners.HyperparameterTuner(1)\n", True),
        # A local helper, a local model's `fit`, a session's calls: no fact can come of them.
        ("import sagemaker\nimport torch\ndef helper(x):\n    return x\n"
         "model = torch.nn.Linear(2, 2)\nmodel.fit(helper(1))\n"
         "role = sagemaker.get_execution_role()\nsess = sagemaker.Session()\n"
         "bucket = sess.default_bucket()\n", True),
        ("import boto3\nfrom myproject import deploy\ndeploy(boto3.client('s3'))\n", True),
        # A method the table claims, on what the SDK built (through a name, a list, `self`).
        ("import sagemaker\nsess = sagemaker.Session()\nsess.create_model('m', 'r', {})\n",
         False),
        ("from sagemaker.pytorch import PyTorch\nests = []\nests.append(PyTorch())\n"
         "for e in ests:\n    e.fit()\n", False),
        ("from sagemaker.pytorch import PyTorch\nclass Job:\n    def __init__(self):\n"
         "        self.est = PyTorch()\n    def go(self):\n        self.est.fit()\n", False),
        # Through a helper: its parameter is given the SDK object, or it returns one.
        ("from sagemaker.pytorch import PyTorch\ndef go(e):\n    e.fit()\ngo(PyTorch())\n",
         False),
        ("from sagemaker import Session\ndef make():\n    return Session()\n"
         "make().create_model('m', 'r', {})\n", False),
        ("from sagemaker.pytorch import PyTorch\nclass Mine(PyTorch):\n    pass\n"
         "Mine().fit()\n", False),
        ("import sagemaker\nsetattr(obj, 'x', sagemaker.Session())\nobj.x.create_model()\n",
         False),
        ("import sagemaker\nf = lambda s: s.create_model()\nf(sagemaker.Session())\n", False),
        ("from torch import *\nimport sagemaker\nLinear(2, 2).fit()\n", False),
        # SM602 reads a v1 name's import in a module with any call, and a dotted v1 name.
        ("from sagemaker import s3_input\nsess = sagemaker.Session()\n", False),
        ("import sagemaker\nsagemaker.s3_input('s3://b/x')\n", False),
        ("from sagemaker.pytorch import PyTorch\nclass Job:\n    def __init__(self, e):\n"
         "        self.job = e\n    def run(self):\n        self.job.fit()\n"
         "Job(PyTorch()).run()\n", False),
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
    assert gate.keys == frozenset(table.qualified)  # what the second look resolves calls to


@pytest.mark.parametrize("extended", [False, True])
def test_the_engine_reads_the_live_surfaces_names_from_the_generated_table(
    extended: bool,
) -> None:
    """The engine's gate is built from `sagelint.gate_table` (no surface imported); with the
    user's classes added it holds what the live surfaces of that catalogue claim."""
    options = dict(
        extend_model_classes=("mylib.serving.CustomModel",),
        extend_estimator_classes=("trainers.jobs.Trainer",),
    ) if extended else {}
    engine = Engine(Settings.build(**options))
    live = engine.surfaces
    assert engine.gate.methods == live.method_names
    assert engine.gate.keys == live.qualified_names
    assert engine.packages == live.packages == engine.gate.packages
    assert engine.seeds == live.packages | live.words
    if extended:
        assert {"mylib", "trainers"} <= engine.packages


def test_the_rules_needs_are_read_from_the_generated_table() -> None:
    engine = Engine(Settings.build(extend_select=("SM002",)))
    rules = engine.rules
    assert [rule.code for rule in engine.judges] == [r.code for r in rules if r.judges_findings]
    assert engine.sdk_judge_codes == {r.code for r in rules if r.judges_sdk_imports}
    assert engine.path_rules == {r.code for r in rules if r.needs_paths}
    assert engine.gate.reads_imports == any(r.reads_imports for r in rules)
    syntax = next(r for r in rules if r.reports_syntax_errors)
    assert engine._syntax == (syntax.code, syntax.name, syntax.severity)


def test_the_sdk_import_judges_are_asked_without_their_rules() -> None:
    """Each SDK-import judge names its function in `sdk_judging.JUDGES`, which the engine asks
    (through the generated table) before loading the rule, and which the rule's
    `may_judge_imports` answers with (test_startup_imports checks that a script that imports
    the SDK and calls none of it loads neither)."""
    from sagelint.sdk_judging import JUDGES
    from sagelint.sdk_versions import UNKNOWN, Admitted, from_setting

    engine = Engine(Settings.build())
    judges = {rule.code: rule for rule in engine.rules if rule.judges_sdk_imports}
    assert set(judges) == {"SM603", "SM604", "SM609", "SM610"}
    assert engine.import_judges == {code: rule.import_judge for code, rule in judges.items()}
    assert all(rule.import_judge in JUDGES for rule in judges.values())
    imports = [
        [("sagemaker", "sagemaker", False)],
        [("sagemaker.estimator.Estimator", "sagemaker.estimator", True),
         ("sagemaker.train.ModelTrainer", "sagemaker.train", True)],
    ]
    both = from_setting(">=2")
    declared = Admitted(both.releases, "declaration", "sagemaker>=2")
    admitted = [[UNKNOWN], [from_setting("3")], [declared, UNKNOWN], [from_setting("2")]]
    answers = {
        code: [rule.may_judge_imports(each, sets) for each in imports for sets in admitted]
        for code, rule in judges.items()
    }
    # (each function answers differently on these, so a rule naming another one shows)
    assert answers["SM603"] == answers["SM604"] != answers["SM609"] != answers["SM610"]
    assert answers["SM603"] != answers["SM610"]


@pytest.mark.parametrize(
    "found",
    [
        ("sagemaker", "sagemaker", False),
        ("sagemaker.estimator", "sagemaker.estimator", False),
        ("sagemaker.s3_input", "sagemaker", True),
        ("sagemaker.session", "sagemaker", True),
        ("sagemaker.pytorch.PyTorch", "sagemaker.pytorch", True),
        ("sagemaker.train.ModelTrainer", "sagemaker.train", True),
        ("sagemaker.no_such_module.Thing", "sagemaker.no_such_module", True),
        ("sagemaker.no_such_module", "sagemaker.no_such_module", False),
    ],
)
def test_known_sdk_imports_are_the_verdict_tables(found: Tuple[str, str, bool]) -> None:
    """The gate's look at the generated table answers as `sdk_verdicts.import_row` does."""
    from sagelint.analysis.prune import Survey
    from sagelint.sdk_verdicts import import_row

    surveyed = Survey()
    surveyed.sdk_imports = [found]
    assert known_sdk_import(surveyed) == (import_row(*found) is not None)


# -- gated => nothing to find ----------------------------------------------------------------

# Statements a script is drawn from: SDK imports and calls, local code with the same method
# names (`fit`, `deploy`, `create_model`), helpers an SDK object reaches or does not.
STATEMENTS = [
    "import sagemaker", "import boto3", "import torch",
    "from sagemaker.pytorch import PyTorch",
    "from sagemaker import Session",
    "from sagemaker import s3_input",
    "from sagemaker.estimator import Estimator",
    "from mylib import PyTorchModel",
    "from sagemaker.pytorch import PyTorchModel",
    "sess = sagemaker.Session()",
    "role = sagemaker.get_execution_role()",
    "bucket = sess.default_bucket()",
    "est = PyTorch(entry_point='t.py', role='r', instance_type='ml.p3.2xlarge',"
    " instance_count=1, base_job_name='my_job')",
    "est.fit({'train': 's3://b/t'})",
    "model = PyTorchModel(model_data='s3://b/m.tar.gz', role='r')",
    "predictor = model.deploy(initial_instance_count=1, instance_type='ml.m5.large',"
    " endpoint_name='my_endpoint')",
    "sm = boto3.client('sagemaker')",
    "sm.create_endpoint(EndpointName='my_endpoint', EndpointConfigName='c')",
    "s3 = boto3.client('s3')",
    "s3.upload_file('a', 'b', 'c')",
    "def helper(x):\n    return x.deploy(1, 'ml.m5.large', endpoint_name='a_b')",
    "helper(est)", "helper(model)", "helper(net)",
    "def make():\n    return Estimator(image_uri='i', role='r', instance_count=1,"
    " instance_type='ml.m5.large', base_job_name='x_y')",
    "make().fit()",
    "net = torch.nn.Linear(2, 2)", "net.fit(1)",
    "class Job:\n    def __init__(self):\n        self.e = Estimator(image_uri='i', role='r',"
    " instance_count=1, instance_type='ml.m5.large', base_job_name='a_b')\n"
    "    def go(self):\n        self.e.fit()",
    "Job().go()",
    "items = []", "items.append(est)",
    "for e in items:\n    e.deploy(1, 'ml.m5.large', endpoint_name='x_y')",
    "inp = s3_input('s3://b/x')",
    "sess.create_model('m_1', 'r', {'Image': 'i'})",
    "print(sagemaker.__version__)",
    "x = 1  # noqa: SM101",
]
V3 = Engine(Settings.build(extend_select=("SM002", "SM109"), sdk_version="3"), strict_fixes=True)
UNGATED_V3 = Engine(V3.settings, gate=False, strict_fixes=True)


@st.composite
def mixed_scripts(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(STATEMENTS), min_size=1, max_size=9))
    if draw(st.booleans()):
        chosen.insert(0, draw(scripts()))
    return "\n".join(chosen) + "\n"


@settings(max_examples=150)
@given(mixed_scripts())
def test_a_gated_script_has_no_diagnostics_with_the_gate_off(source: str) -> None:
    data = source.encode()
    for engine, ungated in ((ENGINE, UNGATED), (V3, UNGATED_V3)):
        if _engine_skips(engine, source):
            assert ungated.check("gen.py", data).diagnostics == ()
        _same(engine, ungated, "gen.py", data)


PROJECT = FIXTURES / "projects" / "modules"


@pytest.mark.parametrize("name", ["deploy.py", "serve.py", "models.py", "batch.py"])
def test_names_from_project_modules_are_neither_gated_out_nor_pruned(name: str) -> None:
    """A file whose SageMaker calls receive objects or values from modules of its project
    (sagelint.analysis.modules): the same results gated and pruned as read whole, the
    diagnostics it finds in those modules included; and it does find some."""
    path = PROJECT / name
    engine = engine_for_fixture(path)
    whole = Engine(engine.settings, prune=False, gate=False, strict_fixes=True)
    data = path.read_bytes()
    a, b = engine.check(str(path), data), whole.check(str(path), data)
    assert (a.diagnostics, a.elsewhere) == (b.diagnostics, b.elsewhere)
    assert a.diagnostics or a.elsewhere


def test_a_call_through_a_project_module_name_passes_the_gate() -> None:
    """`import helpers` / `helpers.deploy_endpoint(model, ...)`: no name of the call is a
    surface's, but it is a path into a function of the project (its deploy is checked)."""
    text = (
        "import helpers\n"
        "model = helpers.build_model('s3://b/m.tar.gz')\n"
        "helpers.deploy_endpoint(model, 'ml.g5.xlarge')\n"
    )
    assert not _skipped(ENGINE, text, lambda top: top == "helpers")
    assert _skipped(ENGINE, text, lambda top: False)  # an installed package: nothing to find


@pytest.mark.parametrize(
    "call",
    [
        "sagemaker.get_execution_role()",
        "sagemaker .get_execution_role()",
        "(sagemaker\n    .get_execution_role())",
        "sagemaker.\\\n    get_execution_role()",
        "(sagemaker  # the SDK\n    .get_execution_role())",
    ],
)
def test_a_dotted_sdk_name_however_spelt_is_judged(call: str) -> None:
    """`import sagemaker` alone is not judged only when none of its dotted names is read: a
    name read with a space or a line break before the dot is still one (review of #29)."""
    engine = Engine(Settings.build(sdk_version="3"), strict_fixes=True)
    result = engine.check("role.py", f"import sagemaker\n\nrole = {call}\n".encode())
    assert [d.code for d in result.diagnostics] == ["SM603"]


def test_import_sagemaker_alone_works_in_every_release() -> None:
    """What the engine assumes of `import sagemaker` with none of its dotted names read (no
    import judge reports it): the generation tables say so."""
    from sagelint.sdk_verdicts import import_row

    row = import_row("sagemaker", "sagemaker", False)
    assert row is not None and {verdict for _, _, verdict in row} == {"works"}
