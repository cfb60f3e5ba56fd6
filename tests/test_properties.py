"""Invariants over generated code: no input crashes the engine (grammar-generated modules,
SageMaker-shaped scripts, arbitrary text), every position lies inside the file, fixed code
parses, fixing twice changes nothing, and text outside the fixes' spans is unchanged.

The profile is chosen in conftest.py: `ci` by default, `long` with
SAGELINT_HYPOTHESIS_PROFILE=long."""

from __future__ import annotations

import difflib

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagelint.config import Settings
from sagelint.engine import Engine

ENGINE = Engine(Settings.build(extend_select=("SM109",)), strict_fixes=True)

MODEL_IMPORTS = [
    ("from sagemaker.pytorch import PyTorchModel", "PyTorchModel"),
    ("from sagemaker.pytorch import PyTorchModel as PTM", "PTM"),
    ("import sagemaker", "sagemaker.pytorch.model.PyTorchModel"),
    ("from sagemaker.sklearn import SKLearnModel", "SKLearnModel"),
    ("from sagemaker.tensorflow import TensorFlowModel", "TensorFlowModel"),
    ("from sagemaker.huggingface import HuggingFaceModel", "HuggingFaceModel"),
    ("from mylib import PyTorchModel", "PyTorchModel"),
]
KEYS = [
    "SAGEMAKER_MODEL_SERVER_TIMEOUT", "MODEL_SERVER_TIMEOUT", "TS_DEFAULT_RESPONSE_TIMEOUT",
    "SAGEMAKER_MODEL_SERVER_WORKERS", "OMP_NUM_THREADS", "model-dir",
    "container_startup_health_check_timeout",
]
VALUES = st.one_of(
    st.integers(-10, 40000).map(str),
    st.integers(-10, 40000).map(lambda n: f'"{n}"'),
    st.integers(0, 5000).map(lambda n: f"'{n}'"),
    st.sampled_from(['"5m"', '""', "2.5", "600.0", "True", "None", "os.environ['X']",
                     "str(120)", "json.dumps(300)", "TIMEOUT", "-1", "f'{x}'"]),
)
TIMEOUTS = st.one_of(
    st.none(),
    st.integers(-5, 9000).map(str),
    st.sampled_from(['"600"', "600.0", "TIMEOUT", "int(os.environ['T'])", '"abc"']),
)


def _join(items: list, multiline: bool, trailing: bool, indent: str = "    ") -> str:
    if not items:
        return ""
    if multiline:
        body = ",\n".join(indent + item for item in items)
        return "\n" + body + ("," if trailing else "") + "\n"
    return ", ".join(items) + ("," if trailing else "")


@st.composite
def scripts(draw: st.DrawFn) -> str:
    import_line, model_name = draw(st.sampled_from(MODEL_IMPORTS))
    entries = draw(st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=5))
    env_items = [f'"{key}": {value}' for key, value in entries]
    env_literal = "{" + _join(env_items, draw(st.booleans()), draw(st.booleans())) + "}"
    env_style = draw(st.sampled_from(["none", "inline", "named", "dict-call", "splat"]))
    lines = ["import json", "import os", import_line, f"TIMEOUT = {draw(TIMEOUTS) or 300}"]
    kwargs = ['model_data="s3://b/m.tar.gz"', 'role="r"']
    if env_style == "inline":
        kwargs.append(f"env={env_literal}")
    elif env_style == "named":
        lines.append(f"env = {env_literal}")
        if draw(st.booleans()):
            lines.append('env["EXTRA"] = "1"')
        kwargs.append("env=env")
    elif env_style == "dict-call":
        kwargs.append("env=dict(" + ", ".join(f"{k.replace('-', '_')}={v}" for k, v in entries) + ")")
    elif env_style == "splat":
        lines.append(f"common = {{'env': {env_literal}}}")
        kwargs.append("**common")
    kwargs = draw(st.permutations(kwargs))
    lines.append(f"model = {model_name}(" + _join(kwargs, draw(st.booleans()), draw(st.booleans())) + ")")
    deploy_kwargs = ["initial_instance_count=1", 'instance_type="ml.m5.large"']
    for name in ("container_startup_health_check_timeout", "model_data_download_timeout"):
        value = draw(TIMEOUTS)
        if value is not None:
            deploy_kwargs.append(f"{name}={value}")
    if draw(st.booleans()):
        deploy_kwargs.append(
            draw(st.sampled_from(["serverless_inference_config=None", "volume_size=30",
                                  "serverless_inference_config=cfg"]))
        )
    deploy_kwargs = draw(st.permutations(deploy_kwargs))
    multiline = draw(st.booleans())
    lines.append("predictor = model.deploy(" + _join(deploy_kwargs, multiline, draw(st.booleans())) + ")")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return ("\n".join(lines) + "\n").replace("\n", newline)


@given(scripts())
def test_generated_scripts_check_and_fix_cleanly(source: str) -> None:
    data = source.encode()
    result = ENGINE.check("gen.py", data)
    assert result.error is None
    lines = source.splitlines()
    for diagnostic in result.diagnostics:
        assert 1 <= diagnostic.location.row <= len(lines)
        assert 1 <= diagnostic.location.column <= len(lines[diagnostic.location.row - 1]) + 1
        assert diagnostic.location <= diagnostic.end_location
    for unsafe in (False, True):
        fixed = ENGINE.check("gen.py", data, fix=True, unsafe=unsafe)
        text = fixed.fixed_source if fixed.fixed_source is not None else source
        cst.parse_module(text)  # fixed code parses
        if "\r\n" in source:
            assert "\n" not in text.replace("\r\n", "")  # newline style kept
        again = ENGINE.check("gen.py", text.encode(), fix=True, unsafe=unsafe)
        assert again.fixed_source is None, "a second --fix changed the code"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    source = "import sagemaker\n" + text
    data = source.encode("utf-8", "surrogatepass")
    result = ENGINE.check("any.py", data)
    # What cannot be checked is said in one line; everything else is checked or is SM001.
    assert result.error is None or "\n" not in result.error.message
    fixed = ENGINE.check("any.py", data, fix=True, unsafe=True)
    if fixed.fixed_source is not None:
        cst.parse_module(fixed.fixed_source)


@given(scripts(), st.booleans())
def test_fixes_change_only_their_own_spans(source: str, unsafe: bool) -> None:
    """Every change --fix makes lies on the span of an edit the first check proposed (later
    passes only touch what earlier fixes touched, or insert at the same points)."""
    first = ENGINE.check("gen.py", source.encode())
    spans = [
        (edit.start, edit.end)
        for d in first.diagnostics
        if d.fix is not None and (unsafe or d.fix.applicability.value == "safe")
        for edit in d.fix.edits
    ]
    fixed = ENGINE.check("gen.py", source.encode(), fix=True, unsafe=unsafe).fixed_source
    if fixed is None:
        return
    matcher = difflib.SequenceMatcher(a=source, b=fixed, autojunk=False)
    for tag, start, end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        # A diff may place an insertion anywhere within its own length of where it was made
        # (inserting " x," after a comma reads the same as ", x" before it).
        slack = new_end - new_start
        assert any(lo - slack <= end and start <= hi + slack for lo, hi in spans), (
            f"changed {source[start:end]!r} at {start}..{end} outside every fix span {spans}"
        )


@pytest.mark.slow  # generated modules: a heavy property test
@given(hypothesmith.from_grammar())
def test_grammar_generated_modules_never_crash(source: str) -> None:
    text = "import sagemaker\n" + source
    data = text.encode("utf-8", "surrogatepass")
    result = ENGINE.check("gen.py", data, fix=True, unsafe=True)
    if result.fixed_source is not None:
        cst.parse_module(result.fixed_source)


# Statements that do not name SageMaker but can change what is known about its values:
# mutations and rebindings in functions, uses that make a fix unsafe, shadowing locals.
UNRELATED = [
    "def helper():\n    return TIMEOUT + 1",
    "def mutate():\n    env['SAGEMAKER_MODEL_SERVER_TIMEOUT'] = 1",
    "def rebind():\n    global TIMEOUT\n    TIMEOUT = 5",
    "def local():\n    env = {}\n    return env",
    "for i in range(3):\n    print(i)",
    "if os.environ.get('X'):\n    TIMEOUT = '900'",
    "class Config:\n    env = {'A': 1}",
    "env.update(EXTRA_ENV)",
    "EXTRA_ENV = {'SAGEMAKER_MODEL_SERVER_TIMEOUT': 1}",
    "print(model, predictor)",
    "other = TIMEOUT",
    "y = 1; z = common",
    "@decorate(TIMEOUT)\ndef decorated():\n    pass",
    "values = [common for common in range(2)]",
    "unrelated = json.dumps({'a': 1})",
]
UNPRUNED = Engine(
    Settings.build(extend_select=("SM109",)), prune=False, strict_fixes=True
)


@st.composite
def scripts_with_unrelated_code(draw: st.DrawFn) -> str:
    lines = draw(scripts()).replace("\r\n", "\n").splitlines()
    for statement in draw(st.lists(st.sampled_from(UNRELATED), max_size=6)):
        lines.insert(draw(st.integers(0, len(lines))), statement)
    return "\n".join(lines) + "\n"


@given(scripts_with_unrelated_code(), st.booleans())
def test_pruning_never_changes_a_result(source: str, unsafe: bool) -> None:
    """Statement pruning is an optimisation only: the same diagnostics and the same fixes as
    with the whole file handed to LibCST."""
    data = source.encode()
    for fix in (False, True):
        pruned = ENGINE.check("gen.py", data, fix=fix, unsafe=unsafe)
        whole = UNPRUNED.check("gen.py", data, fix=fix, unsafe=unsafe)
        assert pruned.diagnostics == whole.diagnostics
        assert pruned.fixed_bytes == whole.fixed_bytes


# -- SM6: the admitted SDK releases change SM6's findings only ------------------------------

SDK_ENGINES = {
    major: Engine(Settings.build(extend_select=("SM109",), sdk_version=major), strict_fixes=True)
    for major in ("2", "3")
}
GENERATION_IMPORTS = [
    "from sagemaker import get_execution_role",
    "from sagemaker import Session as SMSession",
    "from sagemaker.estimator import Estimator",
    "from sagemaker.inputs import TrainingInput",
    "from sagemaker.train import ModelTrainer",
    "from sagemaker.core.helper.session_helper import Session",
    "from sagemaker.core.resources import TrainingJob",
    "import sagemaker.tensorflow",
]


@st.composite
def scripts_across_generations(draw: st.DrawFn) -> str:
    extra = draw(st.lists(st.sampled_from(GENERATION_IMPORTS), max_size=4, unique=True))
    if draw(st.booleans()) and extra:
        switched = extra.pop()  # a version switch: silent under both
        extra.append(f"try:\n    {switched}\nexcept ImportError:\n    pass")
    return "\n".join(extra) + ("\n" if extra else "") + draw(scripts())


def _outside_sm6(source: str, major: str) -> list:
    result = SDK_ENGINES[major].check("gen.py", source.encode())
    assert result.error is None
    return [
        (d.location, d.code, d.message) for d in result.diagnostics if not d.code.startswith("SM6")
    ]


@given(scripts_across_generations())
def test_the_sdk_version_changes_only_sm6_findings(source: str) -> None:
    assert _outside_sm6(source, "2") == _outside_sm6(source, "3")
