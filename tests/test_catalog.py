"""The catalogue against the table generated from the SDK wheels (scripts/gen_catalog.py),
the generator itself on a small wheel written here (the tests stay offline), and every
catalogued path recognised the same however it is imported."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from typing import Dict, List

import pytest
from conftest import ROOT, lint

from sagelint import catalog, catalog_sdk
from sagelint.catalog import Kind


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_catalog", ROOT / "scripts" / "gen_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_catalog"] = module
    spec.loader.exec_module(module)
    return module


def test_catalogue_covers_the_generated_table() -> None:
    for path, canonical in catalog_sdk.V2_PATHS.items():
        kind, *_ = catalog_sdk.CLASSES[canonical]
        if kind == "model":
            assert path in catalog.MODELS, path
        elif kind == "estimator":
            assert path in catalog.ESTIMATORS, path
    for path, canonical in {**catalog_sdk.V2_PATHS, **catalog_sdk.V3_PATHS}.items():
        if canonical.endswith(".ModelBuilder"):
            assert catalog.MODELS[path].model_builder, path


@pytest.mark.parametrize(
    "name",
    [
        "KMeans", "LinearLearner", "PCA", "RandomCutForest", "FactorizationMachines",
        "IPInsights", "KNN", "LDA", "NTM", "Object2Vec", "AlgorithmEstimator",
    ],
)
def test_first_party_algorithm_estimators_and_models_are_catalogued(name: str) -> None:
    assert catalog.ESTIMATORS[f"sagemaker.{name}"].kind is Kind.ESTIMATOR
    if name != "AlgorithmEstimator":
        model = catalog.MODELS[f"sagemaker.{name}Model"]
        # AWS algorithm containers: the SM2 rules apply to their deploys, SM1's do not.
        assert model.deploy_takes_timeouts and not model.reads_server_timeout
    assert catalog.MODELS["sagemaker.ModelPackage"].deploy_takes_timeouts


def test_paths_of_one_class_share_its_facts() -> None:
    assert catalog.MODELS["sagemaker.Model"] is catalog.MODELS["sagemaker.model.Model"]
    assert (
        catalog.MODELS["sagemaker.tensorflow.serving.Model"]
        is catalog.MODELS["sagemaker.tensorflow.model.TensorFlowModel"]
    )


def _write_wheel(path: Path, files: Dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def test_generator_reads_a_wheel_without_importing_it(tmp_path: Path) -> None:
    v2 = {
        "sagemaker/__init__.py": "from sagemaker.model import Model\nfrom .algo import Algo as A\n",
        "sagemaker/model.py": (
            "raise SystemExit('imported!')\n"
            "class Model:\n"
            "    def __init__(self, model_data=None): ...\n"
            "    def deploy(self, container_startup_health_check_timeout=None,\n"
            "               model_data_download_timeout=None): ...\n"
        ),
        "sagemaker/estimator.py": "class EstimatorBase:\n    def deploy(self, **kwargs): ...\n",
        "sagemaker/algo.py": (
            "from sagemaker.estimator import EstimatorBase\nfrom sagemaker import model\n"
            "class Algo(EstimatorBase): ...\nclass AlgoModel(model.Model): ...\n"
            "class _Private(model.Model): ...\n"
        ),
        "sagemaker/old.py": (
            "from sagemaker.deprecations import deprecated_class\nfrom sagemaker.algo import AlgoModel\n"
            "OldModel = deprecated_class(AlgoModel, 'sagemaker.old.OldModel')\n"
        ),
        "sagemaker/uses.py": "from sagemaker.algo import AlgoModel\n",  # a use, not an export
    }
    gen = _generator()
    named = {name: () for name in ("V2_NAMED", "V3_NAMED", "V3_ROOTS")}
    for name, value in named.items():
        setattr(gen, name, value)
    wheels: List[Path] = [
        _write_wheel(tmp_path / "sagemaker-2.0.0-py3-none-any.whl", v2),
        _write_wheel(tmp_path / "sagemaker_core-1.0.0-py3-none-any.whl", {"sagemaker/core/__init__.py": ""}),
    ]
    namespace: Dict[str, object] = {}
    exec(gen.generate(wheels), namespace)  # the generated module is plain tables
    assert namespace["CLASSES"] == {
        "sagemaker.algo.Algo": ("estimator", "kwargs", None),
        "sagemaker.algo.AlgoModel": ("model", "named", 0),
        "sagemaker.algo._Private": ("model", "named", 0),
        "sagemaker.estimator.EstimatorBase": ("estimator", "kwargs", None),
        "sagemaker.model.Model": ("model", "named", 0),
    }
    assert namespace["V2_PATHS"] == {
        "sagemaker.A": "sagemaker.algo.Algo",
        "sagemaker.Model": "sagemaker.model.Model",
        "sagemaker.algo.Algo": "sagemaker.algo.Algo",
        "sagemaker.algo.AlgoModel": "sagemaker.algo.AlgoModel",
        "sagemaker.estimator.EstimatorBase": "sagemaker.estimator.EstimatorBase",
        "sagemaker.model.Model": "sagemaker.model.Model",
        "sagemaker.old.OldModel": "sagemaker.algo.AlgoModel",
    }
    assert gen.generate(wheels) == gen.generate(list(reversed(wheels)))  # reproducible


# -- however it is imported ------------------------------------------------------------------

def _probe(kind: Kind, target: str, info: catalog.ClassInfo) -> str:
    """A call of the class that some rule reports, whatever class of that kind it is."""
    if kind is Kind.ESTIMATOR:
        return f"{target}(keep_alive_period_in_seconds='1800')\n"
    keyword = info.env_keyword
    return f"{target}({keyword}={{'KEY': 300}})\n"


def _sources(path: str, info: catalog.ClassInfo) -> List[str]:
    """The probe after each way of importing the class: (import line, how the call names it)."""
    module, _, name = path.rpartition(".")
    forms = [
        (f"from {module} import {name}", name),
        (f"from {module} import {name} as Alias", "Alias"),
        (f"import {module}", path),
        (f"import {module} as mod", f"mod.{name}"),
    ]
    if "." in module:
        parent, _, leaf = module.rpartition(".")
        forms.append((f"from {parent} import {leaf}", f"{leaf}.{name}"))
    return [f"{header}\n{_probe(info.kind, target, info)}" for header, target in forms]


CATALOGUED = sorted({**catalog.MODELS, **catalog.ESTIMATORS}.items())


@pytest.mark.parametrize("path,info", CATALOGUED, ids=[path for path, _ in CATALOGUED])
def test_every_catalogued_path_resolves_however_imported(path: str, info: catalog.ClassInfo) -> None:
    results = set()
    for source in _sources(path, info):
        # SM6 reports a v1 name where it is written, the import or the dotted use: its row
        # depends on the import style by design.
        found = tuple(
            (d.location.row, d.code)
            for d in lint(source).diagnostics
            if not d.code.startswith("SM6")
        )
        results.add(found)
    (found,) = results  # the same diagnostics whichever way the class was imported
    assert found, f"{path}: the probe found nothing"


TWO_PATHS = [
    (a, b)
    for a, info in sorted(catalog.MODELS.items()) + sorted(catalog.ESTIMATORS.items())
    for b, other in sorted({**catalog.MODELS, **catalog.ESTIMATORS}.items())
    if other is info and a < b and a.rpartition(".")[2] == b.rpartition(".")[2]
]


@pytest.mark.parametrize("first,second", TWO_PATHS)
def test_one_class_imported_under_two_paths_in_one_file(first: str, second: str) -> None:
    name = first.rpartition(".")[2]
    info = {**catalog.MODELS, **catalog.ESTIMATORS}[first]
    source = (
        f"from {first.rpartition('.')[0]} import {name}\n"
        f"from {second.rpartition('.')[0]} import {name}\n"
        + _probe(info.kind, name, info)
    )
    assert [d.code for d in lint(source).diagnostics]


def test_two_paths_cases_exist() -> None:
    assert ("sagemaker.Model", "sagemaker.model.Model") in TWO_PATHS
