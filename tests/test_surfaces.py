"""Surfaces declare their packages and a dispatch table; the engine names no API. A surface
module added to the package is used with no other edit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from sagelint.catalog import KEEP_ALIVE, SPOT, Catalog
from sagelint.config import Settings
from sagelint.engine import Engine
from sagelint.surfaces import Surfaces, surface_modules

SOURCE = ROOT / "src" / "sagelint"


def test_the_engine_names_no_api() -> None:
    engine = (SOURCE / "engine.py").read_text(encoding="utf-8")
    for name in ("boto3", "sdk_v2", "sdk_v3", "Session", "deploy("):
        assert name not in engine, name


def test_every_surface_declares_packages_and_a_table() -> None:
    names = [module.__name__.rsplit(".", 1)[1] for module in surface_modules()]
    assert {"boto3", "sdk_v2", "sdk_v3"} <= set(names)
    catalog = Catalog()
    seen: dict = {}
    for module in surface_modules():
        declared = module.packages(catalog) if hasattr(module, "packages") else module.PACKAGES
        assert declared and all(isinstance(name, str) and "." not in name for name in declared)
        table = module.table(catalog)
        assert table, module.__name__
        for key, route in table.items():
            assert route.label and callable(route.handler)
            assert key not in seen, f"{key} claimed by {seen.get(key)} and {module.__name__}"
            seen[key] = module.__name__
    assert seen[".create_model"].endswith("boto3")
    assert seen["sagemaker.core.resources.Model.create"].endswith("sdk_v3")
    assert seen["sagemaker.pytorch.PyTorchModel"].endswith("sdk_v2")
    assert seen["aws_cdk.aws_sagemaker.CfnModel"].endswith("cdk")


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

from sagelint.surfaces.common import VARIANT, Route
from sagelint.surfaces.facts import CallSite, Deploy

PACKAGES = frozenset({"acme_sagemaker"})


def endpoint(ctx, call, label):
    keywords = ctx.resolver.keywords(call)
    ctx.facts.deploys.append(Deploy(CallSite(call, label), VARIANT, keywords, False, container=call))


def table(catalog):
    return {"acme_sagemaker.Endpoint": Route(endpoint, "Endpoint")}
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
