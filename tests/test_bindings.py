"""The binding analysis (`sagelint.analysis.bindings`): unit checks of what a read sees, and
the invariants of issue 12 over generated scripts — unrelated statements never change a
diagnostic, `x = None` right before a deploy of `x` removes that deploy's diagnostics, and
no grammar-generated module makes the analysis raise."""

from __future__ import annotations

import re
from typing import List, Set, Tuple

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagelint.analysis.bindings import Bindings, DefKind
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.sdk_generations import FRAMEWORKS

ENGINE = Engine(Settings.build())


def _reads(source: str, name: str) -> List[Set[str]]:
    """For each read of `name`, in source order: the kinds and lines of what reaches it,
    written as `assign@3`, `import@1`, `unbound`."""
    module = cst.parse_module(source)
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(cst.metadata.PositionProvider)
    bindings = Bindings(module)
    out: List[Tuple[int, int, Set[str]]] = []
    for node, defs in bindings.reads.items():
        if node.value != name:
            continue
        seen = set()
        for binding in defs:
            if binding.kind is DefKind.UNBOUND:
                seen.add("unbound")
            else:
                line = positions[binding.node].start.line if binding.node in positions else 0
                seen.add(f"{binding.kind.value}@{line}")
        start = positions[node].start
        out.append((start.line, start.column, seen))
    return [seen for _, _, seen in sorted(out, key=lambda item: (item[0], item[1]))]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("x = 1\nx = 2\nprint(x)\nx = 3\n", [{"assign@2"}]),
        ("if c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n", [{"assign@2", "assign@4"}]),
        ("x = 0\nif c:\n    x = 1\nprint(x)\n", [{"assign@1", "assign@3"}]),
        ("if c:\n    x = 1\nelse:\n    raise E\nprint(x)\n", [{"assign@2"}]),
        ("x = 0\nfor i in y:\n    print(x)\n    x = 1\n", [{"assign@1", "assign@4"}]),
        ("x = 0\nfor x in y:\n    pass\nprint(x)\n", [{"assign@1", "other@2"}]),
        ("x = 0\nwhile c:\n    x = 1\n    break\nprint(x)\n", [{"assign@1", "assign@3"}]),
        ("try:\n    x = 1\n    x = 2\nexcept E:\n    print(x)\n",
         [{"assign@2", "assign@3", "unbound"}]),
        ("x = 1\ndel x\nprint(x)\n", [{"unbound"}]),
        ("x = 1\ndef f():\n    print(x)\nx = 2\n", [{"assign@1", "assign@4"}]),
        ("x = 1\ndef f():\n    print(x)\n    x = 2\n", [set()]),
        ("x = 1\ndef f():\n    global x\n    x = 2\nprint(x)\n", [{"assign@1", "assign@4"}]),
        ("x = 1\nclass C:\n    x = 2\n    print(x)\n    def m(self):\n        print(x)\n",
         [{"assign@3"}, {"assign@1"}]),
        ("x = 1\ny = [x for x in z]\nprint(x)\n", [{"other@2"}, {"assign@1"}]),
        ("if (x := 1):\n    print(x)\n", [{"assign@1"}]),
        ("x = 1\nx += 1\nprint(x)\n", [{"assign@1"}, {"other@2"}]),
        ("a, *x = y\nprint(x)\n", [{"other@1"}]),
        ("import a.b as x\nprint(x)\n", [{"import@1"}]),
        ("def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n    print(x)\n",
         [{"assign@2", "assign@5"}]),
        ("with m() as x:\n    print(x)\n", [{"other@1"}]),
        ("x = 1\nglobals()['x'] = 2\nprint(x)\n", [{"other@2"}]),
        ("x = 1\ndef f():\n    globals().setdefault('x', 2)\nprint(x)\n",
         [{"assign@1", "other@3"}]),
        ("match v:\n    case [x]:\n        pass\n    case _:\n        x = 1\nprint(x)\n",
         [{"other@2", "assign@5", "unbound"}]),
    ],
)
def test_what_a_read_sees(source: str, expected: List[Set[str]]) -> None:
    assert _reads(source, "x") == expected


# Issue 28: a known test reaches only the branch it takes; an unknown one joins both.
@pytest.mark.parametrize(
    "source, expected",
    [
        ("c = False\nif c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n", [{"assign@5"}]),
        ("c = 3\nif c > 2 and not None:\n    x = 1\nelse:\n    x = 2\nprint(x)\n",
         [{"assign@3"}]),
        ("s = 'prod'\nif s == 'dev':\n    x = 1\nelif s in ('prod', 'qa'):\n    x = 2\n"
         "else:\n    x = 3\nprint(x)\n", [{"assign@5"}]),
        ("n = 2 * 3\nx = 0\nif n % 2:\n    x = 1\nprint(x)\n", [{"assign@2"}]),
        ("x = 0\nwhile False:\n    x = 1\nprint(x)\n", [{"assign@1"}]),
        ("x = 0\nwhile True:\n    x = 1\n    break\nprint(x)\n", [{"assign@3"}]),
        ("c = False\nif c:\n    x = 1\n    print(x)\n", [{"assign@3"}]),
        # Unknown: a name from outside, a name a loop changes, a name a function rebinds.
        ("if c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n", [{"assign@2", "assign@4"}]),
        ("c = 1\nfor i in y:\n    if c:\n        x = 1\n    else:\n        x = 2\n"
         "    c = 0\nprint(x)\n", [{"assign@4", "assign@6", "unbound"}]),
        ("c = False\ndef f():\n    global c\n    c = True\nif c:\n    x = 1\nelse:\n"
         "    x = 2\nprint(x)\n", [{"assign@6", "assign@8"}]),
        ("c = 1 < 'a'\nif c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n",
         [{"assign@3", "assign@5"}]),
        # A function's switch an inner function rebinds (`nonlocal`); one it only reads.
        ("def f():\n    c = False\n    def g():\n        nonlocal c\n        c = True\n"
         "    if c:\n        x = 1\n    else:\n        x = 2\n    print(x)\n",
         [{"assign@7", "assign@9"}]),
        ("def f():\n    c = False\n    def g():\n        print(c)\n"
         "    if c:\n        x = 1\n    else:\n        x = 2\n    print(x)\n",
         [{"assign@8"}]),
        # Writes through the module's namespace: the name written, or any name.
        ("c = False\nglobals()['c'] = True\nif c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n",
         [{"assign@4", "assign@6"}]),
        ("c = False\ndef f():\n    setattr(sys.modules[__name__], 'c', 1)\nif c:\n    x = 1\n"
         "else:\n    x = 2\nprint(x)\n", [{"assign@5", "assign@7"}]),
        ("c = False\ndef f(d):\n    globals().update(d)\nif c:\n    x = 1\nelse:\n"
         "    x = 2\nprint(x)\n", [{"assign@5", "assign@7"}]),
        ("c = False\nfor k in ks:\n    globals()[k] = 1\nif c:\n    x = 1\nelse:\n"
         "    x = 2\nprint(x)\n", [{"assign@5", "assign@7"}]),
        # Another key, a plain dict, a function's own `vars()`: the switch stays known.
        ("c = False\nglobals()['d'] = True\nsettings['c'] = True\ndef f():\n"
         "    vars()['c'] = True\nif c:\n    x = 1\nelse:\n    x = 2\nprint(x)\n",
         [{"assign@9"}]),
    ],
)
def test_known_conditions_choose_their_branch(source: str, expected: List[Set[str]]) -> None:
    assert _reads(source, "x") == expected


def test_two_paths_of_one_class_are_one_class() -> None:
    source = (
        "try:\n    from sagemaker.pytorch import PyTorchModel\n"
        "except ImportError:\n    from sagemaker.pytorch.model import PyTorchModel\n"
        'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r")\n'
    )
    result = ENGINE.check("two.py", source.encode())
    assert [d.code for d in result.diagnostics] == ["SM101"]


# -- properties ---------------------------------------------------------------------------
MODEL_LINES = [
    'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r")',
    'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env=ENV)',
    'model = PyTorch(entry_point="t.py", role="r", instance_count=1, instance_type="ml.m5.large")',
    "model = load_model()",
]
ENV_LINES = [
    'ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}',
    'ENV = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 30}',
    'ENV = {"OMP_NUM_THREADS": "2"}',
]
DEPLOY_ARGS = st.lists(
    st.sampled_from([
        "container_startup_health_check_timeout=60",
        "container_startup_health_check_timeout=TIMEOUT",
        "model_data_download_timeout=900",
        "model_data_download_timeout='600'",
        "env=ENV",
    ]),
    unique_by=lambda arg: arg.split("=", 1)[0],
    max_size=3,
)
# Statements that bind only names of their own, or rebind another name.
UNRELATED = [
    "unrelated_a = 1",
    "unrelated_a = unrelated_a if flag else None",
    "for unrelated_i in range(3):\n    unrelated_b = unrelated_i",
    "def unrelated_f(model):\n    return model",
    "class UnrelatedC:\n    model = None",
    "try:\n    unrelated_t = 1\nexcept Exception as unrelated_e:\n    pass",
    "unrelated_c = [model for model in range(3)]",
    "while unrelated_a:\n    unrelated_a = None",
    "if flag:\n    unrelated_d = {}\nelse:\n    del unrelated_a",
    "with context() as unrelated_w:\n    pass",
    "print(model)",
]


@st.composite
def statement_scripts(draw: st.DrawFn) -> List[str]:
    """A script as a list of top-level statements, the deploy last."""
    statements = [
        "from sagemaker.pytorch import PyTorch, PyTorchModel",
        f"TIMEOUT = {draw(st.sampled_from([60, 600, 5000]))}",
        draw(st.sampled_from(ENV_LINES)),
    ]
    statements.extend(draw(st.lists(st.sampled_from(MODEL_LINES), min_size=1, max_size=3)))
    args = ["initial_instance_count=1", 'instance_type="ml.m5.large"', *draw(DEPLOY_ARGS)]
    statements.append("predictor = model.deploy(" + ", ".join(args) + ")")
    return statements


FACTORY_LINES = [
    'model = PyTorch(entry_point="t.py", role="r", instance_count=1,'
    ' instance_type="ml.m5.large").create_model(env=ENV)',
    'model = PyTorch.attach("job-1")',
    'model = HyperparameterTuner(PyTorch(entry_point="t.py", role="r", instance_count=1,'
    ' instance_type="ml.m5.large"), "loss", {})',
    "model = model.best_estimator() if flag else model",
]


@st.composite
def factory_scripts(draw: st.DrawFn) -> List[str]:
    """A `statement_scripts` script whose receiver the SDK's factories make."""
    statements = draw(statement_scripts())
    statements[0] += "; from sagemaker.tuner import HyperparameterTuner"
    for index in range(3, len(statements) - 1):
        statements[index] = draw(st.sampled_from(FACTORY_LINES))
    return statements


def _normalized(source: str) -> List[Tuple[str, str, int, str]]:
    """Diagnostics as (code, text of their line, column, message without line numbers)."""
    lines = source.splitlines()
    result = ENGINE.check("gen.py", source.encode())
    assert result.error is None
    return sorted(
        (
            d.code,
            lines[d.location.row - 1],
            d.location.column,
            re.sub(r"line \d+", "line N", d.message),
        )
        for d in result.diagnostics
    )


@given(st.one_of(statement_scripts(), factory_scripts()),
       st.lists(st.tuples(st.sampled_from(UNRELATED), st.integers(1, 20)), max_size=4))
def test_unrelated_statements_never_change_a_diagnostic(
    statements: List[str], inserts: List[Tuple[str, int]]
) -> None:
    before = "\n".join(statements) + "\n"
    changed = list(statements)
    for statement, where in inserts:
        changed.insert(min(where, len(changed)), statement)  # never before the import
    after = "\n".join(changed) + "\n"
    assert _normalized(after) == _normalized(before)


@given(st.one_of(statement_scripts(), factory_scripts()))
def test_none_right_before_a_deploy_removes_its_diagnostics(statements: List[str]) -> None:
    source = "\n".join([*statements[:-1], "model = None", statements[-1]]) + "\n"
    deploy_row = len(statements) + 1
    for d in ENGINE.check("gen.py", source.encode()).diagnostics:
        assert d.location.row != deploy_row, d
        assert "model.deploy" not in d.message, d


@given(hypothesmith.from_grammar())
def test_analysis_never_raises_on_grammar_generated_modules(source: str) -> None:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        return
    bindings = Bindings(module)
    for defs in bindings.reads.values():
        for binding in defs:
            assert binding.kind is DefKind.UNBOUND or binding.scope is not None


# -- SDK factories -------------------------------------------------------------------------
def _codes(source: str) -> List[str]:
    result = ENGINE.check("factory.py", source.encode())
    assert result.error is None
    return sorted(d.code for d in result.diagnostics)


def _estimators_with_models() -> List[Tuple[str, str]]:
    from sagelint.catalog import ESTIMATORS, catalog_sdk

    return sorted(
        (path, info.model_class)
        for path, info in ESTIMATORS.items()
        if info.model_class is not None and path in catalog_sdk.CLASSES
    )


def test_every_estimator_creates_a_known_model() -> None:
    from sagelint.catalog import Kind
    from sagelint.catalog_classes import Catalog

    catalog = Catalog()
    found = _estimators_with_models()
    assert len(found) >= 19
    for path, model_class in found:
        info = catalog.lookup(model_class)
        assert info is not None and info.kind is Kind.MODEL, (path, model_class)


@pytest.mark.parametrize("path", [path for path, _ in _estimators_with_models()])
def test_factories_of_every_estimator_class_are_checked(path: str) -> None:
    module, name = path.rsplit(".", 1)
    head = f"from {module} import {name}\nfrom sagemaker.tuner import HyperparameterTuner\n"
    deploy = '.deploy(1, "ml.m5.large", container_startup_health_check_timeout=600)\n'
    # A framework class names its versions, as v2 requires (else SM608).
    versions = ', framework_version="2.1", py_version="py310"' if path in FRAMEWORKS else ""
    trained = f'est = {name}(role="r", instance_count=1, instance_type="ml.m5.large"{versions})\n'
    # Each deploy lacks only the download timeout, and each deployed model has artifacts.
    assert _codes(head + trained + "est.create_model(env={'A': '1'})" + deploy)[-1] == "SM202"
    assert _codes(head + f'{name}.attach("job")' + deploy) == ["SM202"]
    assert _codes(head + trained + 'HyperparameterTuner(est, "m", {})' + deploy) == ["SM202"]
