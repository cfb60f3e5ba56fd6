"""Attributes of module classes (#28), as properties: code that writes other attributes
changes no diagnostic, and a second store of an attribute a diagnostic reads makes that
diagnostic go (the attribute is no longer known)."""

from __future__ import annotations

from collections import Counter
from typing import List, Tuple

from hypothesis import given
from hypothesis import strategies as st

from sagelint.config import Settings
from sagelint.engine import Engine

ENGINE = Engine(Settings.build(), strict_fixes=True)

# Top-level statements of a script whose diagnostics all come through attributes: the
# env, the startup timeout and the model kept on `self` in `__init__`, a class-body
# instance type, a dataclass default, an attribute set right after construction.
BASE = [
    "from dataclasses import dataclass\n\nfrom sagemaker.pytorch import PyTorchModel",
    'TIMEOUTS = {"container_startup_health_check_timeout": 600, "model_data_download_timeout": 600}',
    """class Runner:
    GPU_TYPE = "ml.g5.2xlarge"

    def __init__(self):
        self.env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300}
        self.startup = 120
        self.model = PyTorchModel(
            model_data="s3://models/clip/model.tar.gz",
            role="arn:aws:iam::123456789012:role/SageMakerRole",
            framework_version="2.1",
            py_version="py310",
            entry_point="inference.py",
            env=self.env,
        )

    def deploy(self):
        self.model.deploy(
            1,
            self.GPU_TYPE,
            volume_size=50,
            container_startup_health_check_timeout=self.startup,
            model_data_download_timeout=600,
        )""",
    """@dataclass
class Config:
    host: str = "ml.p4d.24xlarge\"""",
    "cfg = Config()",
    """serving = PyTorchModel(
    model_data="s3://models/clip/model.tar.gz",
    role="arn:aws:iam::123456789012:role/SageMakerRole",
    framework_version="2.1",
    py_version="py310",
    entry_point="inference.py",
    env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "600", "SAGEMAKER_MODEL_SERVER_WORKERS": "2"},
)""",
    "serving.deploy(1, cfg.host, volume_size=50, **TIMEOUTS)",
    "later = Runner()",
    'later.node = "ml.g5.2xlarge"',
    "serving.deploy(1, later.node, volume_size=60, **TIMEOUTS)",
]
# Where a statement may go (between `later = Runner()` and its store too: straight-line
# code in between does not keep the store from running).
SLOTS = list(range(len(BASE) + 1))

# Code that writes or defines only other attributes.
UNRELATED = [
    "class Other:\n    GPU = 'ml.m5.xlarge'\n\n    def __init__(self):\n"
    "        self.other_env = {}\n        self.other_type = 'ml.m5.xlarge'",
    "later.other_type = 'ml.m5.xlarge'",
    "Runner.OTHER = 1",
    "setattr(later, 'unrelated', 1)",
    "del later.temporary",
    "cfg.tag = 'x'",
    "@dataclass\nclass Unused:\n    host_name: str = 'ml.m5.xlarge'",
    "print(later.model, cfg.host)",
    "def configure(runner):\n    runner.extra = {'A': '1'}\n    runner.count += 1",
]

# A second store of an attribute, and the row text of the diagnostic that depends on it.
SECOND_STORES: List[Tuple[str, str, str]] = [
    ("later.env = {}", "SM103", 'self.env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300}'),
    ("later.startup = 900", "SM203", "self.startup = 120"),
    ("Runner.GPU_TYPE = 'ml.m5.xlarge'", "SM207", "volume_size=50,"),
    ("cfg.host = 'ml.m5.xlarge'", "SM207", "serving.deploy(1, cfg.host, volume_size=50, **TIMEOUTS)"),
    ("later.node = 'ml.m5.xlarge'", "SM207",
     "serving.deploy(1, later.node, volume_size=60, **TIMEOUTS)"),
    ("def tune(runner):\n    runner.startup = 900", "SM203", "self.startup = 120"),
]


def _findings(statements: List[str]) -> Counter:
    """Each diagnostic as its code and the text of its row (insertions move rows)."""
    source = "\n\n\n".join(statements) + "\n"
    rows = source.splitlines()
    result = ENGINE.check("attrs.py", source.encode())
    assert result.error is None
    return Counter((d.code, rows[d.location.row - 1].strip()) for d in result.diagnostics)


BASE_FINDINGS = _findings(BASE)


def test_the_base_script_reads_every_attribute() -> None:
    assert BASE_FINDINGS == Counter(
        {
            ("SM103", 'self.env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": 300}'): 1,
            ("SM203", "self.startup = 120"): 1,
            ("SM207", "volume_size=50,"): 1,
            ("SM207", "serving.deploy(1, cfg.host, volume_size=50, **TIMEOUTS)"): 1,
            ("SM207", "serving.deploy(1, later.node, volume_size=60, **TIMEOUTS)"): 1,
        }
    )


@st.composite
def with_unrelated(draw: st.DrawFn) -> List[str]:
    statements = list(BASE)
    for snippet in draw(st.lists(st.sampled_from(UNRELATED), max_size=5)):
        statements.insert(draw(st.integers(0, len(statements))), snippet)
    return statements


@given(with_unrelated())
def test_unrelated_attributes_change_nothing(statements: List[str]) -> None:
    assert _findings(statements) == BASE_FINDINGS


@given(st.sampled_from(SECOND_STORES), st.sampled_from(SLOTS))
def test_a_second_store_makes_the_dependent_diagnostic_go(
    store: Tuple[str, str, str], slot: int
) -> None:
    snippet, code, row = store
    statements = list(BASE)
    statements.insert(slot, snippet)
    expected = BASE_FINDINGS.copy()
    del expected[(code, row)]
    assert _findings(statements) == expected
