"""Surfaces declare their packages and a dispatch table; the engine names no API. A surface
module added to the package is used with no other edit, and adds its facts beside those of
the surfaces that claim the same calls: it takes nothing away."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, List, Tuple

import libcst as cst
import pytest

from conftest import ROOT, imported_modules
from sagelint.catalog import KEEP_ALIVE, SPOT
from sagelint.catalog_classes import Catalog
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint import surfaces as surfaces_package
from sagelint.surfaces import Surfaces, surface_modules
from sagelint.surfaces.common import Context
from sagelint.surfaces.facts import CallSite, ConfigValues, Facts
from sagelint.surfaces.keys import DuplicateRoute, Method, Phase, Receiver, Table, method

SOURCE = ROOT / "src" / "sagelint"


def test_the_engine_names_no_api() -> None:
    engine = (SOURCE / "engine.py").read_text(encoding="utf-8")
    for name in ("boto3", "sdk_v2", "sdk_v3", "Session", "deploy("):
        assert name not in engine, name


def test_every_surface_declares_packages_and_a_table() -> None:
    names = [module.__name__.rsplit(".", 1)[1] for module in surface_modules()]
    assert {"boto3", "processing", "resources", "sdk_v2", "sdk_v3"} <= set(names)
    catalog = Catalog()
    claims: Dict[object, List[Tuple[str, Phase]]] = {}
    for module in surface_modules():
        declared = module.packages(catalog) if hasattr(module, "packages") else module.PACKAGES
        assert declared and all(isinstance(name, str) and "." not in name for name in declared)
        table = module.table(catalog)
        assert isinstance(table, Table) and len(table), module.__name__
        surface = module.__name__.rsplit(".", 1)[1]
        for key, route in table:
            assert route.label and callable(route.handler)
            claims.setdefault(key, []).append((surface, route.phase))
    # One call, several surfaces, each in its phase.
    assert claims[method("create_model", Receiver.ESTIMATOR)] == [
        ("resources", Phase.READ), ("sdk_v2", Phase.CONSTRUCT)
    ]
    assert claims[method("create_model", Receiver.CLIENT)] == [
        ("boto3", Phase.CONSTRUCT), ("resources", Phase.CONSTRUCT)
    ]
    assert claims["sagemaker.processing.Processor"] == [
        ("api_values", Phase.CONSTRUCT), ("processing", Phase.CONSTRUCT),
        ("resources", Phase.CONSTRUCT),
    ]
    assert claims["sagemaker.pytorch.PyTorchModel"] == [
        ("resources", Phase.READ), ("sdk_v2", Phase.CONSTRUCT)
    ]
    assert claims["sagemaker.core.resources.Model.create"] == [("sdk_v3", Phase.CONSTRUCT)]
    assert claims["aws_cdk.aws_sagemaker.CfnModel"] == [("cdk", Phase.CONSTRUCT)]
    assert claims["sagemaker.workflow.pipeline.Pipeline"] == [("resources", Phase.CONSTRUCT)]


def test_no_surface_imports_another() -> None:
    """What two surfaces need is a shared piece (facts, common, keys, receivers, ...)."""
    surfaces = {module.__name__ for module in surface_modules()}
    for module in surface_modules():
        imported = imported_modules(Path(str(module.__file__)))
        assert not imported & (surfaces - {module.__name__}), module.__name__


def _noop(ctx: Context, call: cst.Call, label: str) -> None:
    pass


def test_a_surface_cannot_claim_one_key_twice() -> None:
    """Two routes of one surface on one key would shadow each other: refused at build."""
    table = Table()
    table.add("sagemaker.processing.Processor", _noop, "Processor")
    with pytest.raises(DuplicateRoute, match="claimed twice"):
        table.add("sagemaker.processing.Processor", _noop, "Processor", Phase.READ)
    table.add(method("fit", Receiver.ESTIMATOR), _noop, "fit")
    table.add(method("fit", Receiver.TUNER), _noop, "fit")  # another receiver: another key
    with pytest.raises(DuplicateRoute):
        table.add(method("fit", Receiver.TUNER, Receiver.PROCESSOR), _noop, "fit")
    with pytest.raises(DuplicateRoute):
        table.add(method("fit"), _noop, "fit")  # any receiver overlaps every kind
    assert len(table) == 3
    for module in surface_modules():  # the real tables build (none repeats a key)
        assert len(module.table(Catalog()))


def _extra_surface() -> ModuleType:
    """A throwaway surface that claims calls other surfaces handle: SDK v2 processors, an
    estimator's fit, a boto3 client's create_model."""
    extra = ModuleType("sagelint.surfaces.aa_extra")

    def seen(ctx: Context, call: cst.Call, label: str) -> None:
        ctx.facts.config_values.append(ConfigValues(CallSite(call, label), "extra", None))

    def table(catalog: Catalog) -> Table:
        routes = Table()
        routes.add("sagemaker.processing.Processor", seen, "Processor")
        routes.add("sagemaker.processing.ScriptProcessor", seen, "ScriptProcessor")
        routes.add(method("fit", Receiver.ESTIMATOR), seen, "fit", Phase.METHOD)
        routes.add(method("create_model", Receiver.CLIENT), seen, "create_model")
        return routes

    extra.PACKAGES = frozenset({"sagemaker"})  # type: ignore[attr-defined]
    extra.table = table  # type: ignore[attr-defined]
    return extra


def _shape(facts: Facts) -> Dict[str, List[Tuple[str, str, int]]]:
    """Every fact by list, as (type, label, size of the code of the call it is about)."""
    out: Dict[str, List[Tuple[str, str, int]]] = {}
    module = cst.parse_module("")
    for name, value in vars(facts).items():
        if isinstance(value, list):
            out[name] = [
                (type(fact).__name__, fact.site.label, len(module.code_for_node(fact.site.call)))
                for fact in value
            ]
    return out


@pytest.mark.parametrize(
    "fixture", ["rules/SM401.py", "surfaces/processing_env.py", "surfaces/boto3_serving.py",
                "rules/SM501.py"],
)
def test_a_new_surface_adds_its_facts_and_takes_nothing_away(
    fixture: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = (ROOT / "fixtures" / fixture).read_text(encoding="utf-8")
    settings = Settings.build()
    before = Engine(settings)
    with monkeypatch.context() as patch:
        patch.setattr(
            surfaces_package, "surface_modules",
            # First in the list: with the old first-claim-wins table, it took these calls.
            lambda: (_extra_surface(),) + surface_modules(),
        )
        after = Engine(settings)
        after.prepare()  # the engine builds its surfaces lazily: while the patch holds
    old = before.check(fixture, source.encode())
    new = after.check(fixture, source.encode())
    assert new.diagnostics == old.diagnostics
    old_facts, new_facts = before.analyze(source).facts, after.analyze(source).facts
    assert old_facts is not None and new_facts is not None
    added = [fact for fact in new_facts.config_values if fact.what == "extra"]
    assert len(new_facts.config_values) == len(old_facts.config_values) + len(added)
    old_shape, new_shape = _shape(old_facts), _shape(new_facts)
    assert {k: v for k, v in new_shape.items() if k != "config_values"} == {
        k: v for k, v in old_shape.items() if k != "config_values"
    }
    assert sum(map(len, old_shape.values())) > 0
    assert [f.what for f in new_facts.config_values if f.what != "extra"] == [
        f.what for f in old_facts.config_values
    ]
    if fixture == "rules/SM401.py":
        # The case: the processor's base_job_name still read beside the new facts.
        assert sum(d.code == "SM401" for d in new.diagnostics) == 20
        assert {fact.site.label for fact in added} == {"ScriptProcessor", "fit", "create_model"}


def test_a_method_route_gets_only_the_receivers_it_claims() -> None:
    """`.fit` on an estimator names a training job, on a tuner a tuning job, on anything else
    nothing: the dispatcher asks receivers.py once and routes by kind."""
    (name,) = _facts(
        "from sagemaker.pytorch import PyTorch\nfrom sagemaker.tuner import HyperparameterTuner\n"
        "def f(est):\n    t = HyperparameterTuner(est)\n    t.fit(job_name='tune_1')\n"
        "class Local:\n    def fit(self, job_name):\n        pass\n"
        "Local().fit(job_name='x_y')\n"
    ).names
    assert name.kind.label == "tuning job" and name.site.label == "t.fit"
    keys = Surfaces(Catalog()).table.methods["fit"]
    assert [claim.key for claim in keys] == [
        method("fit", Receiver.ESTIMATOR), method("fit", Receiver.TUNER)
    ]
    assert all(isinstance(claim.key, Method) for claim in keys)


def test_a_route_on_any_receiver_that_makes_facts_names_the_words_it_needs() -> None:
    """Statement pruning keeps what names a surface's package and what reaches it by names; a
    method route that takes any receiver (`x.update(endpoint_config_name=...)`) sees calls
    on objects from anywhere, so the words its handler needs are kept too (`Route.words`).
    A route that only reads facts of earlier phases (Phase.READ) needs none."""
    surfaces = Surfaces(Catalog())
    for found in surfaces.table.methods.values():
        for claim in found:
            if Receiver.ANY in claim.receivers and claim.route.phase < Phase.READ:
                assert claim.route.words, f"{claim.surface}: `{claim.key}` names no words"
    assert surfaces.words == {"endpoint_config_name"}


def test_packages_come_from_the_surfaces_and_the_users_classes() -> None:
    assert Surfaces(Catalog()).packages == {"aws_cdk", "boto3", "sagemaker"}
    extended = Surfaces(Catalog(extend_model_classes=["acme.serving.Model"]))
    assert extended.packages == {"acme", "aws_cdk", "boto3", "sagemaker"}


def _facts(source: str):  # type: ignore[no-untyped-def]
    analysis = Engine(Settings.build()).analyze(source)
    assert analysis.facts is not None
    return analysis.facts


def test_every_attribute_of_a_training_job_knows_whether_it_is_absent() -> None:
    (closed,) = _facts(
        "from sagemaker.pytorch import PyTorch\nPyTorch(role='r', use_spot_instances=True)\n"
    ).training_jobs
    assert set(closed.fields) == {"role", SPOT}
    assert {KEEP_ALIVE, "instance count", "subnets"} <= closed.absent
    assert not closed.absent & set(closed.fields) and closed.keep_alive_absent
    (opened,) = _facts(
        "from sagemaker.pytorch import PyTorch\ndef f(kw):\n    PyTorch(role='r', **kw)\n"
    ).training_jobs
    assert opened.absent == frozenset() and not opened.keep_alive_absent
    (boto3,) = _facts(
        "import boto3\nsm = boto3.client('sagemaker')\n"
        "sm.create_training_job(ResourceConfig={'InstanceCount': 1}, RoleArn='r')\n"
    ).training_jobs
    assert KEEP_ALIVE in boto3.absent and "instance count" in boto3.fields


ACME = '''\
"""A made-up API family, to show that a surface module needs no other edit."""

from sagelint.surfaces.common import VARIANT
from sagelint.surfaces.facts import CallSite, Deploy
from sagelint.surfaces.keys import Table

PACKAGES = frozenset({"acme_sagemaker"})


def endpoint(ctx, call, label):
    keywords = ctx.resolver.keywords(call)
    ctx.facts.deploys.append(Deploy(CallSite(call, label), VARIANT, keywords, False, container=call))


def table(catalog):
    routes = Table()
    routes.add("acme_sagemaker.Endpoint", endpoint, "Endpoint")
    return routes
'''

USES_ACME = """\
from acme_sagemaker import Endpoint

Endpoint(model_data_download_timeout=600)
"""


def test_a_surface_module_added_to_the_package_is_used(tmp_path: Path) -> None:
    package = tmp_path / "site"
    shutil.copytree(SOURCE, package / "sagelint", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "uses_acme.py").write_text(USES_ACME)
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["PYTHONPATH"] = str(package)
    command = [sys.executable, "-m", "sagelint", "check", "--no-cache", "--isolated",
               "--output-format", "concise", "uses_acme.py"]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env,
                              timeout=120, check=False)

    before = run()
    assert before.returncode == 0, before.stdout + before.stderr  # no surface knows acme
    (package / "sagelint" / "surfaces" / "acme.py").write_text(ACME)
    after = run()
    assert after.returncode == 1, after.stderr
    assert after.stdout.splitlines()[0] == (
        "uses_acme.py:3:1: SM201 [*] `Endpoint(...)` does not set "
        "`container_startup_health_check_timeout`: the container's first health check may "
        "give up before the model has loaded; set it to at least 600 s"
    )
