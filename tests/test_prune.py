"""Statement pruning inside class and function bodies (sagelint.analysis.prune) is an optimisation
only: whatever is inserted into a fixture's classes and functions, the diagnostics and the
fixes are those of the whole file handed to LibCST; the pruned text keeps every row, column
and offset, and parses."""

from __future__ import annotations

import ast
import io
import tokenize
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Set, Tuple, cast

import hypothesmith
import libcst as cst
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import FIXTURES
from sagelint.config import Settings
from sagelint.engine import Engine, deeper_than, majority_quote
from sagelint.paths import CREATING, created_by_code, remember_creating
from sagelint.analysis.prune import prune, rows_of, survey
from test_fixtures import engine_for_fixture

TRIGGERS = ("sagemaker", "boto3", "aws_cdk")


def _python_fixtures() -> List[Path]:
    return sorted(
        path
        for path in FIXTURES.rglob("*.py")
        if not path.stem.endswith((".fixed", ".unsafe-fixed"))
    )


@lru_cache(maxsize=None)
def _blocks(path: Path) -> Tuple[Tuple[int, str, str], ...]:
    """(row, indentation, kind) where a statement may go: before each statement of a class or
    function body with rows of its own, and after its last one."""
    text = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return ()
    lines = rows_of(text)
    places: List[Tuple[int, str, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        kind = "class" if isinstance(node, ast.ClassDef) else "function"
        own: List[Tuple[int, str, str]] = []
        for statement in node.body:
            decorators = getattr(statement, "decorator_list", ())
            row = min([statement.lineno, *(d.lineno for d in decorators)])
            line = lines[row - 1]
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if decorators or len(indent) == statement.col_offset:
                own.append((row, indent, kind))
        if own and len(own) == len(node.body) and node.end_lineno is not None:
            places.extend(own)
            places.append((node.end_lineno + 1, own[-1][1], kind))
    return tuple(places)


@lru_cache(maxsize=None)
def _names(path: Path) -> Tuple[str, ...]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {
        node.name for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }
    return tuple(sorted(names - {"self", "cls"}))


# Statements that a binding analysis has to see: rebindings of the fixture's own names, early
# exits, mutations, generators, shadowing methods, calls that pass values on.
FUNCTION_STATEMENTS = [
    "{a} = None",
    "{a} = {b}",
    "del {a}",
    "return {a}",
    "return",
    "raise ValueError({a})",
    "if {a}:\n    return {b}",
    "if {a}:\n    raise SystemExit",
    "yield {a}",
    "print({a})",
    "{a}.update({b})",
    "{a}['SAGEMAKER_MODEL_SERVER_TIMEOUT'] = '1'",
    "for {a} in range(2):\n    pass",
    "with open('x') as {a}:\n    pass",
    "try:\n    {a} = 1\nexcept Exception:\n    pass",
    "def {a}(x):\n    return x",
    "self.{a} = {b}",
    "{a} = self.{b}()",
    "{a} = lambda: {b}",
    "'''a docstring'''",
    "pass",
    "counter = 0\ncounter += 1",
    # Scopes: comprehension targets, walrus targets, globals, closures, shadowing lambdas.
    "{a} = [{a} for {a} in range(2)]",
    "values = [{a} for {b} in range(2)]",
    "if ({a} := {b}):\n    pass",
    "values = [({a} := v) for v in range(2)]",
    "global {a}\n{a} = None",
    "def inner():\n    nonlocal {a}\n    {a} = None\ninner()",
    "def inner():\n    return {a}\n{b} = inner()",
    "{a} = lambda {b}: {b}",
    "class Local:\n    {a} = {b}\n    def m(self):\n        return {a}",
    # Calls whose value is dropped, or not: a function's returns matter only for the latter.
    "{a}()",
    "{a}({a})",
    "self.{a}()",
    "{a}.{b}()",
    "{a} = {b}()",
    "return {a}()",
    # Methods called on a name only: the name's other readers are not kept for it.
    "{a}.{b}({a})",
    "{a}.append({b})",
    "{a}.{b}.update({a})",
]
CLASS_STATEMENTS = [
    "{a} = None",
    "{a} = {b}",
    "def {a}(self, x):\n    return x",
    "def {a}(self):\n    self.{b} = None",
    "def {a}(self):\n    return self.{b}",
    "def unrelated(self, values):\n    return sorted(values)",
    "def __init__(self):\n    self.{a} = {b}",
    "@staticmethod\ndef {a}({b}):\n    return {b}",
    "@property\ndef {a}(self):\n    return {b}",
    "class Inner:\n    def {a}(self):\n        return 1",
    "def {a}(self):\n    return {b}()",
    "def {a}(self):\n    self.{b}()\n    return self.{b}",
    "'''a docstring'''",
    "pass",
]


@st.composite
def fixtures_with_insertions(draw: st.DrawFn) -> Tuple[Path, str]:
    candidates = [path for path in _python_fixtures() if _blocks(path)]
    path = draw(st.sampled_from(candidates))
    names = _names(path) or ("x",)
    lines = rows_of(path.read_text(encoding="utf-8"))
    places = _blocks(path)
    insertions = draw(
        st.lists(
            st.tuples(
                st.sampled_from(places),
                st.integers(0, len(FUNCTION_STATEMENTS) - 1),
                st.sampled_from(names),
                st.sampled_from(names),
            ),
            min_size=1,
            max_size=4,
        )
    )
    # From the bottom up, so that earlier rows stay where they are.
    for (row, indent, kind), choice, a, b in sorted(insertions, key=lambda i: -i[0][0]):
        pool = FUNCTION_STATEMENTS if kind == "function" else CLASS_STATEMENTS
        statement = pool[choice % len(pool)].format(a=a, b=b)
        block = "".join(f"{indent}{line}\n" for line in statement.splitlines())
        lines.insert(min(row - 1, len(lines)), block)
    return path, "".join(lines)


def _same_results(path: Path, source: str) -> None:
    pruned = engine_for_fixture(path)
    whole = Engine(pruned.settings, prune=False, strict_fixes=True)
    data = source.encode("utf-8")
    for fix, unsafe in ((False, False), (True, False), (True, True)):
        a = pruned.check(str(path), data, fix=fix, unsafe=unsafe)
        b = whole.check(str(path), data, fix=fix, unsafe=unsafe)
        assert (a.diagnostics, a.fixed_bytes, a.error) == (b.diagnostics, b.fixed_bytes, b.error)


@pytest.mark.slow  # a heavy property test (about 90 s); CI runs it, -m "not slow" skips it
@given(fixtures_with_insertions())
def test_statements_inserted_into_classes_and_functions_change_nothing(
    case: Tuple[Path, str],
) -> None:
    path, source = case
    try:
        compile(source, str(path), "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError:
        assume(False)  # `return` in a generator with a value, `del` of a parameter used...
    _same_results(path, source)


def _pruned(source: str) -> Optional[str]:
    return prune(source, ast.parse(source), TRIGGERS)


@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_pruned_text_keeps_every_row_and_parses(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    try:
        ast.parse(source)
    except SyntaxError:
        return
    pruned = _pruned(source)
    if pruned is None:
        return
    assert [len(row) for row in rows_of(pruned)] == [len(row) for row in rows_of(source)]
    for before, after in zip(rows_of(source), rows_of(pruned)):
        # Characters are blanked (a statement, or what a `return` returns), or a block keeps
        # a placeholder statement.
        assert after.strip() in ("...", "0") or all(
            a == b or a == " " for a, b in zip(after, before)
        )
    cst.parse_module(pruned)
    ast.parse(pruned)


METHODS = '''import json
from sagemaker.pytorch import PyTorch


class Runner:
    """Trains and deploys."""

    def __init__(self, role):
        self.role = role

    def summary(self, values):
        return json.dumps(sorted(values))

    def train(self):
        estimator = PyTorch(role=self.role, entry_point="train.py")
        return estimator

    def run(self):
        return self.train().deploy(initial_instance_count=1, instance_type="ml.m5.xlarge")


class Unrelated:
    def __init__(self):
        self.values = []

    def add(self, value):
        self.values.append(value)
'''


def test_a_method_nothing_reaches_is_blanked_and_the_rest_is_kept() -> None:
    pruned = _pruned(METHODS)
    assert pruned is not None
    kept = [row.strip() for row in rows_of(pruned) if row.strip()]
    assert "def summary(self, values):" not in kept  # reads nothing SageMaker binds
    assert "return json.dumps(sorted(values))" not in kept
    assert "class Unrelated:" not in kept
    assert "import json" not in kept
    # __init__ (called by Runner(...)), the trigger's readers and the methods they call.
    for line in ("def __init__(self, role):", "self.role = role", "def train(self):",
                 "return estimator", "def run(self):"):
        assert line in kept


FLOW = '''from sagemaker.pytorch import PyTorchModel

TIMEOUT = "600"


def deploy(data, quick):
    log = []
    if quick:
        return None
    for attempt in range(3):
        log.append(attempt)
    model = PyTorchModel(model_data=data, role="r", env={"A": TIMEOUT})
    return model.deploy(initial_instance_count=1, instance_type="ml.m5.xlarge")


def helper():
    print("nothing to see")
'''


def test_a_kept_function_keeps_its_control_flow() -> None:
    pruned = _pruned(FLOW)
    assert pruned is not None
    kept = [row.strip() for row in rows_of(pruned) if row.strip()]
    assert "return None" in kept and "if quick:" in kept  # an early return
    assert "TIMEOUT = \"600\"" in kept  # read by a kept statement
    assert "for attempt in range(3):" not in kept  # binds nothing a kept statement reads
    assert "log = []" not in kept
    assert "def helper():" not in kept


RETURNS = '''import json
from sagemaker.pytorch import PyTorchModel

records = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}


def summarize(rows, scale=2.0):
    total = sum(rows) * scale
    print(json.dumps({"total": total}))
    return total


def build(data):
    return PyTorchModel(
        model_data=data, role="r", framework_version="2.1", py_version="py310",
        env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 600},
    )


def main():
    rows = summarize([1, 2])
    records = rows
    model = build("s3://b/m.tar.gz")
    model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    return (records,
            rows)


if __name__ == "__main__":
    main()
'''


def test_what_a_function_returns_is_kept_where_a_call_reads_it() -> None:
    pruned = _pruned(RETURNS)
    assert pruned is not None
    rows = rows_of(pruned)
    kept = [row.strip() for row in rows if row.strip()]
    # `main()` drops what main returns: its `return` stays for the flow, without its value,
    # and what only that value read is blanked.
    assert "return" in kept and "return (records," not in kept and "rows)" not in kept
    assert "def summarize(rows, scale=2.0):" not in kept and "rows = summarize([1, 2])" not in kept
    # `model = build(...)` reads what build returns.
    assert "return PyTorchModel(" in kept
    ast.parse(pruned)
    cst.parse_module(pruned)
    # Read for its value, main's return is kept whole, with what it reads.
    valued = RETURNS.replace("    main()\n", "    result = main()\n")
    kept = [row.strip() for row in rows_of(_pruned(valued) or valued) if row.strip()]
    assert "return (records," in kept and "rows)" in kept
    assert "rows = summarize([1, 2])" in kept and "return total" in kept


LOGGING = '''import logging
from sagemaker.pytorch import PyTorchModel

logger = logging.getLogger(__name__)
TIMEOUT = "600"


def summarize(rows):
    total = sum(rows)
    logger.info("rows: %d", total)
    return total


def deploy(data):
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": TIMEOUT}
    logger.info("env: %s", env)
    model = PyTorchModel(model_data=data, role="r", framework_version="2.1", py_version="py310",
                         env=env)
    return model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
'''


def test_a_name_read_only_to_call_its_method_keeps_its_bindings_not_its_readers() -> None:
    pruned = _pruned(LOGGING)
    assert pruned is not None
    kept = [row.strip() for row in rows_of(pruned) if row.strip()]
    # `logger.info("env: %s", env)` reads the env dict, and `logger` to tell what it calls.
    assert 'logger.info("env: %s", env)' in kept
    assert "logger = logging.getLogger(__name__)" in kept and "import logging" in kept
    # The other readers of `logger` are not kept for it.
    assert 'logger.info("rows: %d", total)' not in kept and "def summarize(rows):" not in kept
    # Read for its value, the logger keeps every reader.
    valued = LOGGING + "handlers = logger.handlers\nPyTorchModel(model_data=handlers)\n"
    kept = [row.strip() for row in rows_of(_pruned(valued) or valued) if row.strip()]
    assert 'logger.info("rows: %d", total)' in kept


JOB = '''from dataclasses import dataclass
from sagemaker.pytorch import PyTorchModel


@dataclass
class Job:
    instance_type: str = "ml.g5.xlarge"

    def run(self):
        PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",
                     py_version="py310").deploy(initial_instance_count=1,
                                                instance_type=self.instance_type)


'''
RECEIVERS = [
    # A property read on the way to a method: what the property returns is read.
    '''from sagemaker.pytorch import PyTorchModel

class Holder:
    def __init__(self):
        self._m = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",
                               py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 600})

    @property
    def model(self):
        return self._m

h = Holder()
h.model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
    # A dict changed by a method of a module class, called on a name read for nothing else.
    '''import logging
from sagemaker.pytorch import PyTorchModel

log = logging.getLogger()

class Setter:
    def put(self, cfg):
        cfg["SAGEMAKER_MODEL_SERVER_TIMEOUT"] = 60

setter = Setter()
env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "600"}
log.info("env %s", env)
setter.put(env)
PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310",
             env=env).deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
    # A receiver bound twice, once to a SageMaker model; a parameter on a call's path.
    '''import logging
import sys
from sagemaker.pytorch import PyTorchModel

model = logging.getLogger()
if sys.argv:
    model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",
                         py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 600})
model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")


def serve(m, kind):
    m.deploy(initial_instance_count=1, instance_type=kind)


def main():
    log = logging.getLogger()
    log.info("serving")
    serve(PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",
                       py_version="py310"), "ml.g5.xlarge")


main()
''',
    # A class kept first for its name (`Job.__name__`), then for a method that reads a field:
    # every construction of it counts (review of the change).
    "import logging\n" + JOB + '''log = logging.getLogger(Job.__name__)
job = Job(instance_type="ml.g5.bogus")
other = Job(instance_type="ml.c5.xlarge")
job.run()
log.info("deployed to sagemaker")
''',
    # The same without the logger: what was kept depended on the order of a set.
    JOB + '''job = Job(instance_type="ml.g5.bogus")
other = Job(instance_type="ml.c5.xlarge")
job.run()  # runs on sagemaker
''',
    # What ends the module's run is kept: nothing after it is reported.
    '''import logging
from sagemaker.pytorch import PyTorchModel

log = logging.getLogger("x")
log.info("sagemaker")
raise SystemExit(log.name)  # reports nothing after it
PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310",
             env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 5}).deploy(initial_instance_count=1,
                                                                instance_type="ml.g5.xlarge")
''',
    '''import logging
from sagemaker.pytorch import PyTorchModel

log = logging.getLogger("x")
while True:  # reports nothing after it
    log.info("waiting")
PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310",
             env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 5}).deploy(initial_instance_count=1,
                                                                instance_type="ml.g5.xlarge")
''',
    '''import time
from sagemaker.pytorch import PyTorchModel


def main():
    while True:  # reports nothing after it
        time.sleep(1)
    PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",
                 py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 5}).deploy(
        initial_instance_count=1, instance_type="ml.g5.xlarge")


main()
''',
    # A `return` whose row goes on after its value stays whole (blanking its value would
    # leave `; print(...)` on a row of its own).
    *(
        '''from sagemaker.pytorch import PyTorchModel

UNUSED = 1


def main():
    PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",
                 py_version="py310").deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
    return RETURNED; print("done")


main()
'''.replace("RETURNED", value)
        for value in ("(1,\n            2)", "1 + \\\n        2", "(1,\n            2)  # why")
    ),
    # A route that takes any receiver's `update(endpoint_config_name=...)`: what it needs is
    # kept, wherever the receiver comes from (review of the change; so before it too).
    '''import logging
import boto3

res = logging.getLogger("x")
res.update(endpoint_config_name="other-config")  # reports nothing: configs unknown

sm = boto3.client("sagemaker")
sm.create_endpoint_config(
    EndpointConfigName="llm-config",
    ProductionVariants=[
        {"VariantName": "AllTraffic", "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1},
    ],
)
sm.create_endpoint(EndpointName="llm-endpoint", EndpointConfigName="llm-config")
sm.create_inference_component(
    InferenceComponentName="llama-70b",
    EndpointName="llm-endpoint",
    VariantName="AllTraffic",
    Specification={
        "ModelName": "llama-70b",
        "StartupParameters": {"ContainerStartupHealthCheckTimeoutInSeconds": 900},
        "ComputeResourceRequirements": {
            "NumberOfAcceleratorDevicesRequired": 8,
            "MinMemoryRequiredInMb": 65536,
        },
    },
)
''',
    # A value handed to a list's method, the list read for nothing else.
    '''from sagemaker.pytorch import PyTorchModel

items = []
env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 600}
items.append(env)
items.clear()
PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310",
             env=env).deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
''',
]


PRUNED = Engine(Settings.build(), strict_fixes=True)
WHOLE = Engine(PRUNED.settings, prune=False, strict_fixes=True)


def _whole_file_results(source: str) -> int:
    """Checks the source pruned and whole, without fixes, with safe and with unsafe ones:
    the same diagnostics and fixed bytes each time. The number of diagnostics."""
    data = source.encode()
    found = 0
    for fix, unsafe in ((False, False), (True, False), (True, True)):
        a = PRUNED.check("x.py", data, fix=fix, unsafe=unsafe)
        b = WHOLE.check("x.py", data, fix=fix, unsafe=unsafe)
        assert (a.diagnostics, a.fixed_bytes) == (b.diagnostics, b.fixed_bytes)
        found = found or len(a.diagnostics)
    return found


@pytest.mark.parametrize("source", [LOGGING, *RECEIVERS])
def test_receivers_give_the_whole_file_results(source: str) -> None:
    assert _whole_file_results(source) or "# reports nothing" in source


def test_how_a_unit_reads_a_name_combines_its_reads() -> None:
    """`h.cfg.update()` reads `cfg` to tell what is called, `g.cfg()` calls it without its
    value: together, `cfg` (maybe a property) is read for its value and followed whole."""
    source = (
        "def main(h, g, log):\n"
        "    if h:\n"
        "        h.cfg.update(a=1)\n"
        "        g.cfg()\n"
        "        log.info(1)\n"
        "        log.info.x()\n"
        "        run()\n"
        "        run.x = 1\n"
    )
    found = survey(ast.parse(source), rows_of(source))
    unit = next(each for each in found.units if isinstance(each.node, ast.If))
    # `info`: called, and the object of a method call: read for its value.
    assert unit.uses == {"update": 1, "x": 1, "g\x001": 2, "log\x001": 2}
    assert {"cfg", "info", "run"} <= unit.reads


@pytest.mark.parametrize(
    "source",
    [*(path.read_text(encoding="utf-8") for path in _python_fixtures()[::7]), *RECEIVERS],
)
def test_what_pruning_keeps_does_not_depend_on_the_order_names_are_read(source: str) -> None:
    """A name's reads in a unit are a set: the kept units must not depend on the order they
    are visited in (a class kept for its name first, and whole later, once did)."""
    import random

    from sagelint.analysis import prune as pruning

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    lines = rows_of(source)
    found = survey(tree, lines)
    if found.dynamic or found.too_deep:
        return
    for unit in found.units:
        unit.seed = any(word in "".join(lines[unit.first - 1:unit.last]) for word in TRIGGERS)
    expected = pruning._closure(found.units, lines)
    shuffler = random.Random(0)
    for _ in range(4):
        for unit in found.units:
            order = sorted(unit.reads)
            shuffler.shuffle(order)
            unit.reads = cast(Set[str], order)  # visited in this order
        assert pruning._closure(found.units, lines) == expected


@pytest.mark.parametrize("ending", ["    main()\n", "    result = main()\n", "    main(main)\n"])
def test_returns_give_the_whole_file_results(ending: str) -> None:
    assert _whole_file_results(RETURNS.replace("    main()\n", ending))


def test_an_emptied_block_keeps_a_statement_at_its_indentation() -> None:
    source = (
        "import sagemaker\n"
        "class Holder:\n"
        "    session = sagemaker.Session()\n"
        "    def m(x):\n"
        "        return x\n"
        "def f(p):\n"
        "    y\n"
        "    print('unrelated')\n"
        "f(sagemaker)\n"
    )
    pruned = _pruned(source)
    assert pruned is not None
    rows = rows_of(pruned)
    assert rows[6] == "    0\n"  # `y` leaves room for one character only
    assert rows[3].strip() == "" and rows[4].strip() == ""  # `m` is reached by nothing
    ast.parse(pruned)


def test_rows_are_those_cpython_counts() -> None:
    # A form feed (a page break in older code) starts no row for CPython.
    source = "import sagemaker\n\x0cx = 1\nsagemaker.Session()\r\ny = 2\n"
    pruned = _pruned(source)
    assert pruned is not None
    assert rows_of(pruned)[1].strip() == "" and "sagemaker.Session()" in rows_of(pruned)[2]


@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_one_walk_finds_what_the_separate_walks_found(path: Path) -> None:
    """The engine's one walk (prune.survey) judges depth as `deeper_than` does, at every
    limit, and finds the calls `created_by_code` reads."""
    source = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    lines = rows_of(source)
    for limit in range(1, 40):
        assert survey(tree, lines, limit).too_deep == deeper_than(tree, limit), limit
    walked = created_by_code(tree)
    remember_creating(tree, survey(tree, lines, None, CREATING).creating)
    assert sorted(created_by_code(tree)) == sorted(walked)


def _tokenized_quote(text: str) -> str:
    """What majority_quote counted with a second tokenize (the reference)."""
    singles = doubles = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING:
                prefix = token.string[: len(token.string) - len(token.string.lstrip("rRbBuUfF"))]
                if "f" in prefix.lower():
                    continue
                if token.string[len(prefix)] == "'":
                    singles += 1
                else:
                    doubles += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return "'" if singles > doubles else '"'


QUOTES = [
    "x = 'a'\ny = \"b\"\nz = 'c'\n",
    "# it's a comment with 'quotes' and \"more\"\nx = \"a\"\n",
    "x = '''it's \"triple\"\n'''\ny = \"one\"\nz = 'two'\n",
    "x = f'{a}' f'{b}' 'c'\ny = \"d\"\n",
    "x = rb'\\d' + Rb\"\\w\" + u'x'\n",
    "if'a' in 'abc':\n    pass\n",
    "x = 'a\\\n' + 'b'\ny = \"#not a comment\" ' s'\n",
    "x = \"\"\"a\"\"\" '''b''' 'c' \"d\\\"\" 'e\\''\n",
    "x = ('a'\n     'b'  # 'c'\n     \"d\")\n",
]


@pytest.mark.parametrize("source", QUOTES)
def test_the_quote_count_is_the_tokenizers(source: str) -> None:
    assert majority_quote(source) == _tokenized_quote(source)


@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_the_quote_count_is_the_tokenizers_on_fixtures(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert majority_quote(source) == _tokenized_quote(source)
    # Per line too, where most lines hold one kind or none: a finer comparison.
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in tree.body:
        segment = ast.get_source_segment(source, node)
        if segment is not None:
            assert majority_quote(segment) == _tokenized_quote(segment)


@pytest.mark.slow  # generated modules: a heavy property test
@given(hypothesmith.from_grammar())
def test_the_quote_count_is_the_tokenizers_on_generated_modules(source: str) -> None:
    assert majority_quote(source) == _tokenized_quote(source)


SCOPES = '''import sagemaker
from sagemaker.pytorch import PyTorchModel

env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}


def build():
    item = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env=env)
    return item.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")


def unrelated(rows):
    item = rows[0]
    print(item)
    return item


def mutate():
    names = [env for env in range(3)]
    env["SAGEMAKER_MODEL_SERVER_TIMEOUT"] = "1"
    return names


build()
mutate()
'''


def test_a_local_of_one_function_is_not_another_functions_name() -> None:
    pruned = _pruned(SCOPES)
    assert pruned is not None
    kept = [row.strip() for row in rows_of(pruned) if row.strip()]
    # `item` in `unrelated` is its own local: nothing there is read by `build`.
    assert "def unrelated(rows):" not in kept and "print(item)" not in kept
    # A comprehension's target is its own: `mutate` changes the module's `env`.
    assert 'env["SAGEMAKER_MODEL_SERVER_TIMEOUT"] = "1"' in kept


def test_scopes_give_the_whole_file_results() -> None:
    assert _whole_file_results(SCOPES)


# -- `import sagemaker` under known SDK releases: pruned unless a dotted name moved ----------

V3_ENGINE = Engine(Settings.build(sdk_version="3"), strict_fixes=True)
V3_WHOLE = Engine(V3_ENGINE.settings, prune=False, strict_fixes=True)
DOTTED_HELPERS = (
    "def helper(rows):\n    Session = rows\n    return [row * 2 for row in rows]\n\n\n"
    + "".join(f"total_{n} = helper([{n}])\n" for n in range(20))
)
DOTTED_CALLS = [
    "session = sagemaker.Session()",  # moved in v3: its fix renames every use
    "session = sm.Session()",
    "session = sagemaker.session.Session()",
    'bucket = sagemaker.s3.parse_s3_url("s3://b/k")',
    "print(sagemaker.__name__)",
    "role = sagemaker.get_execution_role()",
    "other = sess.Session()",
    "",
]
DEPLOY = (
    'from sagemaker.pytorch import PyTorchModel\n'
    'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1",'
    ' py_version="py310", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": 600})\n'
    'model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")\n'
)


def _analysis_pruned(engine: Engine, source: str) -> bool:
    return engine.analyze(source).pruned


def test_import_sagemaker_is_pruned_when_no_dotted_name_moved() -> None:
    """SM603's fix of a moved dotted name renames every use, so such a module is read whole;
    one whose dotted names did not move (or that has none) is pruned like any other."""
    plain = f"import sagemaker\n{DEPLOY}{DOTTED_HELPERS}print(sagemaker.__name__)\n"
    assert _analysis_pruned(V3_ENGINE, plain)
    moved = f"import sagemaker as sm\n{DEPLOY}{DOTTED_HELPERS}session = sm.Session()\n"
    assert not _analysis_pruned(V3_ENGINE, moved)
    # Under an unknown set (no pin) SM603 reports nothing: pruned either way.
    assert _analysis_pruned(Engine(Settings.build(), strict_fixes=True), moved)


@given(
    st.sampled_from([
        "import sagemaker", "import sagemaker as sm", "import sagemaker.session",
        "import sagemaker\nfrom sagemaker import session as sess",
    ]),
    st.lists(st.sampled_from(DOTTED_CALLS), max_size=3),
    st.integers(0, 20),
)
def test_dotted_names_under_known_releases_prune_to_the_whole_results(
    imported: str, calls: List[str], at: int
) -> None:
    lines = DOTTED_HELPERS.splitlines()
    for call in calls:
        lines.insert(min(at, len(lines)), call)
    source = f"{imported}\n{DEPLOY}" + "\n".join(lines) + "\n"
    if "sm." in source and " as sm" not in source:
        source = source.replace("sm.", "sagemaker.")
    data = source.encode()
    for fix, unsafe in ((False, False), (True, False), (True, True)):
        a = V3_ENGINE.check("gen.py", data, fix=fix, unsafe=unsafe)
        b = V3_WHOLE.check("gen.py", data, fix=fix, unsafe=unsafe)
        assert (a.diagnostics, a.fixed_bytes, a.error) == (b.diagnostics, b.fixed_bytes, b.error)


@pytest.mark.parametrize("path", _python_fixtures(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_dotted_names_from_the_statements_naming_them_are_all_of_them(path: Path) -> None:
    """Walking only the statements whose rows name an SDK import's name finds every dotted
    name a walk of the whole tree finds."""
    from sagelint.analysis.prune import sdk_dotted_names

    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return
    surveyed = survey(tree, rows_of(text))
    assert sdk_dotted_names(tree, surveyed, text) == sdk_dotted_names(tree, surveyed)
