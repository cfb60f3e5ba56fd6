"""The generated API tables (instance types per API, numeric ranges) and who owns each range.

The generator's `--check` runs against a real botocore wheel when one is at hand
(`SAGELINT_BOTOCORE_WHEEL=<wheel>`, or `SAGELINT_SDK_WHEELS=<dir>` holding the botocore version
the module names); everything else runs offline on the checked-in module.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import re
import runpy
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import pytest
from conftest import ROOT

from sagelint import api_tables
from sagelint.api_owners import NOT_CHECKED, OWNED
from sagelint.api_tables import HOSTING, PROCESSING, RANGES, SOURCE, TRAINING, TRANSFORM
from sagelint.config import API_TIMEOUT_MAX, API_TIMEOUT_MIN, KEEP_ALIVE_API_MAX, Settings
from sagelint.rules.deploy.sm209_serverless_config_invalid import CONCURRENCY, MEMORY_SIZES
from sagelint.rules.training.job_settings import MAX_RUN_LIMIT

SCRIPT = ROOT / "scripts" / "gen_api_tables.py"
MODULE = ROOT / "src" / "sagelint" / "api_tables.py"
APIS = {"TRAINING": TRAINING, "HOSTING": HOSTING, "PROCESSING": PROCESSING, "TRANSFORM": TRANSFORM}
INSTANCE_TYPE = re.compile(r"ml\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.(?:[0-9]*xlarge|large|medium|small|metal)")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_tables", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_api_tables"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _botocore_wheel() -> Optional[Path]:
    """The botocore wheel of the checked-in module's version, when the environment has one."""
    wheel = os.environ.get("SAGELINT_BOTOCORE_WHEEL")
    if wheel:
        return Path(wheel)
    folder = os.environ.get("SAGELINT_SDK_WHEELS")
    if folder:
        found = sorted(Path(folder).glob(f"{SOURCE}-*.whl"))
        if found:
            return found[0]
    return None


# --- the generator -------------------------------------------------------------------------


def test_checked_in_module_matches_botocore() -> None:
    wheel = _botocore_wheel()
    if wheel is None:
        pytest.skip(
            f"no botocore wheel: set SAGELINT_BOTOCORE_WHEEL or SAGELINT_SDK_WHEELS "
            f"(a folder with {SOURCE}-py3-none-any.whl)"
        )
    assert _generator().main([str(wheel), "--check"]) == 0, f"regenerate from {wheel}"


def test_checked_in_module_is_what_the_generator_writes() -> None:
    """Nobody edited the generated module by hand, and its tables are sorted: rendering its
    own data gives its text."""
    generator = _generator()
    enums = {
        enum: sorted(APIS[constant]) for enum, constant in generator.API_ENUMS.items()
    }
    tables = generator.Tables(
        SOURCE, api_tables.API_VERSION, enums, dict(api_tables.MEMBER_ENUM),
        dict(api_tables.PATH_ENUM), dict(RANGES), set(api_tables.FLOAT_PATHS),
    )
    assert MODULE.read_text(encoding="utf-8") == generator.render(tables)


def _model(**extra_shapes: Any) -> dict[str, Any]:
    """A small service model with the four instance-type enums and a few ranges."""
    shapes: dict[str, Any] = {
        "TrainingInstanceType": {"type": "string", "enum": ["ml.m5.xlarge", "ml.c5n.xlarge"]},
        "ProductionVariantInstanceType": {"type": "string", "enum": ["ml.t2.medium", "ml.m5.xlarge"]},
        "ProcessingInstanceType": {"type": "string", "enum": ["ml.m5.xlarge"]},
        "TransformInstanceType": {"type": "string", "enum": ["ml.m5.xlarge"]},
        "AcceleratorType": {"type": "string", "enum": ["ml.eia1.medium"]},
        "Size": {"type": "integer", "min": 1, "max": 512},
        "Cores": {"type": "float", "min": 0.25},
        "Plain": {"type": "integer"},
        "Variant": {"type": "structure", "members": {
            "InstanceType": {"shape": "ProductionVariantInstanceType"},
            "AcceleratorType": {"shape": "AcceleratorType"},
            "VolumeSizeInGB": {"shape": "Size"},
            "Cores": {"shape": "Cores"},
            "Weight": {"shape": "Plain"},
        }},
        "Variants": {"type": "list", "member": {"shape": "Variant"}},
        "Tags": {"type": "map", "key": {"shape": "Plain"}, "value": {"shape": "Size"}},
        "Resources": {"type": "structure", "members": {
            "InstanceType": {"shape": "TrainingInstanceType"},
            "Again": {"shape": "Resources"},  # recursive: walked once
        }},
        "Cluster": {"type": "structure", "members": {"InstanceType": {"shape": "ProcessingInstanceType"}}},
        "TransformResources": {"type": "structure", "members": {"InstanceType": {"shape": "TransformInstanceType"}}},
        "Input": {"type": "structure", "members": {
            "ProductionVariants": {"shape": "Variants"},
            "Tags": {"shape": "Tags"},
            "ResourceConfig": {"shape": "Resources"},
            "ClusterConfig": {"shape": "Cluster"},
            "TransformResources": {"shape": "TransformResources"},
        }},
    }
    shapes.update(extra_shapes)
    operations = {name: {"input": {"shape": "Input"}} for name in _generator().OPERATIONS}
    return {"metadata": {"apiVersion": "2017-07-24"}, "operations": operations, "shapes": shapes}


def _wheel(tmp_path: Path, model: object, version: Optional[str] = "9.9.9") -> Path:
    wheel = tmp_path / "botocore-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(
            "botocore/data/sagemaker/2017-07-24/service-2.json.gz",
            gzip.compress(json.dumps(model).encode()),
        )
        if version is not None:
            archive.writestr(f"botocore-{version}.dist-info/METADATA", f"Name: botocore\nVersion: {version}\n")
        archive.writestr("botocore/__init__.py", "raise SystemExit('never imported')\n")
    return wheel


def test_generator_walks_inputs_and_checks(tmp_path: Path) -> None:
    output = tmp_path / "api_tables.py"
    wheel = str(_wheel(tmp_path, _model()))
    generator = _generator()
    assert generator.main([wheel, "--output", str(output)]) == 0
    first = output.read_text(encoding="utf-8")
    namespace = runpy.run_path(str(output))
    assert namespace["SOURCE"] == "botocore-9.9.9"
    assert namespace["HOSTING"] == {"ml.t2.medium", "ml.m5.xlarge"}  # not the accelerator enum
    assert namespace["TRAINING"] == {"ml.m5.xlarge", "ml.c5n.xlarge"}
    assert namespace["MEMBER_ENUM"]["Variant.InstanceType"] == "ProductionVariantInstanceType"
    assert namespace["PATH_ENUM"]["CreateTrainingJob.ResourceConfig.InstanceType"] == "TrainingInstanceType"
    ranges = namespace["RANGES"]
    assert ranges["CreateEndpointConfig.ProductionVariants[].VolumeSizeInGB"] == (1, 512)
    assert ranges["CreateEndpointConfig.ProductionVariants[].Cores"] == (0.25, None)
    assert ranges["CreateEndpointConfig.Tags{}"] == (1, 512)
    assert "CreateEndpointConfig.ProductionVariants[].Weight" not in ranges  # no bound
    assert namespace["FLOAT_PATHS"] == {
        f"{operation}.ProductionVariants[].Cores" for operation in generator.OPERATIONS
    }
    # Deterministic, and --check tells a stale module from a current one.
    assert generator.main([wheel, "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == first
    assert generator.main([wheel, "--output", str(output), "--check"]) == 0
    output.write_text("stale\n", encoding="utf-8")
    assert generator.main([wheel, "--output", str(output), "--check"]) == 1


@pytest.mark.parametrize(
    "change,message",
    [
        ({"Cluster": {"type": "structure", "members": {"InstanceType": {"shape": "NewType"}}},
          "NewType": {"type": "string", "enum": ["ml.x9.large"]}},
         "instance-type enum NewType is not mapped to an API"),
        ({"Size": {"type": "integer", "min": "1"}}, "is not a number"),
        ({"TransformResources": {"type": "structure", "members": {}}},
         "no member references the instance-type enums ['TransformInstanceType']"),
    ],
)
def test_generator_rejects_models_it_cannot_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict[str, Any], message: str
) -> None:
    output = tmp_path / "api_tables.py"
    assert _generator().main([str(_wheel(tmp_path, _model(**change))), "--output", str(output)]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not output.exists()


def test_generator_needs_the_wheels_version(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wheel = _wheel(tmp_path, _model(), version=None)
    assert _generator().main([str(wheel), "--output", str(tmp_path / "out.py")]) == 2
    assert "no botocore dist-info METADATA" in capsys.readouterr().err


# --- the instance-type enums ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(APIS))
def test_enums_are_non_empty_and_well_formed(name: str) -> None:
    types = APIS[name]
    assert len(types) > 50
    malformed = sorted(t for t in types if not INSTANCE_TYPE.fullmatch(t))
    assert not malformed


def test_enum_anchors() -> None:
    """The facts SAGEMAKER.md §15 states."""
    for types in APIS.values():
        assert "ml.m5.xlarge" in types
    assert "ml.t2.medium" in HOSTING and "ml.t2.medium" not in TRAINING
    assert "ml.c5n.xlarge" in TRAINING and "ml.c5n.xlarge" not in HOSTING
    assert "ml.eia1.medium" not in HOSTING  # an accelerator type, not an instance type
    if SOURCE == "botocore-1.44.18":
        assert [len(TRAINING), len(HOSTING), len(PROCESSING), len(TRANSFORM)] == [225, 277, 207, 116]
        assert len(TRAINING - HOSTING) == 79 and len(HOSTING - TRAINING) == 131


def test_instance_members_map_to_the_four_apis() -> None:
    assert set(api_tables.MEMBER_ENUM.values()) == set(_generator().API_ENUMS)
    assert api_tables.MEMBER_ENUM["InstanceGroup.InstanceType"] == "TrainingInstanceType"
    assert api_tables.MEMBER_ENUM["InferenceComponentSpecification.InstanceType"] == (
        "ProductionVariantInstanceType"
    )
    assert api_tables.MEMBER_ENUM["TransformResources.InstanceType"] == "TransformInstanceType"


# Files that hold invalid instance types on purpose (SM213's own fixtures), by name.
_DELIBERATE = re.compile(r"sm213|instance_type_invalid", re.IGNORECASE)
_QUOTED_TYPE = re.compile(r"""["'](ml\.[^"'\s\\]*)\\?["']""")


def _instance_types_in(root: Path) -> dict[str, set[str]]:
    """Quoted `ml.…` strings in the fixtures and examples, by type; a string that ends in a dot
    (the start of a concatenation) is not a type."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or _DELIBERATE.search(path.name):
            continue
        if path.suffix not in (".py", ".ipynb", ".toml", ".cfg", ".json", ".yaml", ".yml"):
            continue
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if "SM213" in line:
                continue
            for value in _QUOTED_TYPE.findall(line):
                if not value.endswith("."):
                    found.setdefault(value, set()).add(str(path.relative_to(ROOT)))
    return found


def test_instance_types_in_fixtures_and_examples_are_valid() -> None:
    known = TRAINING | HOSTING | PROCESSING | TRANSFORM
    used: dict[str, set[str]] = {}
    for folder in ("fixtures", "examples"):
        for value, files in _instance_types_in(ROOT / folder).items():
            used.setdefault(value, set()).update(files)
    assert len(used) > 10
    invalid = {value: sorted(files) for value, files in used.items() if value not in known}
    assert not invalid


# --- ranges and who owns them --------------------------------------------------------------


def test_every_range_has_exactly_one_owner_or_a_reason() -> None:
    generated = set(RANGES)
    assert not set(OWNED) & set(NOT_CHECKED)
    assert set(OWNED) | set(NOT_CHECKED) == generated, "classify the new paths in api_owners.py"
    assert set(OWNED.values()) == {"SM204", "SM209", "SM214", "SM301", "SM313"}
    assert all(reason for reason in NOT_CHECKED.values())


def test_owned_paths_have_a_range() -> None:
    if SOURCE == "botocore-1.44.18":
        assert (len(RANGES), sum(high is not None for _, high in RANGES.values())) == (138, 62)
    assert all(RANGES[path] != (None, None) for path in OWNED)


# RULES.md, SM214's row: the ranges the contract quotes (botocore 1.44.18).
SM214_CONTRACT = {
    "CreateEndpointConfig.ProductionVariants[].VolumeSizeInGB": (1, 512),
    "CreateEndpointConfig.ProductionVariants[].VariantInstanceProvisionTimeoutInSeconds": (300, 3600),
    "CreateEndpointConfig.DataCaptureConfig.InitialSamplingPercentage": (0, 100),
    "CreateEndpointConfig.AsyncInferenceConfig.ClientConfig.MaxConcurrentInvocationsPerInstance": (1, 1000),
    "CreateInferenceComponent.Specification.ComputeResourceRequirements.NumberOfCpuCoresRequired": (0.25, None),
    "CreateInferenceComponent.Specification.ComputeResourceRequirements.MinMemoryRequiredInMb": (128, None),
    "CreateInferenceComponent.Specification.ComputeResourceRequirements.MaxMemoryRequiredInMb": (128, None),
    "CreateInferenceComponent.Specification.ComputeResourceRequirements.NumberOfAcceleratorDevicesRequired": (1, None),
    "CreateInferenceComponent.RuntimeConfig.CopyCount": (0, None),
    "CreateProcessingJob.ProcessingResources.ClusterConfig.VolumeSizeInGB": (1, 16384),
    "CreateProcessingJob.ProcessingResources.ClusterConfig.InstanceCount": (1, 100),
    "CreateProcessingJob.StoppingCondition.MaxRuntimeInSeconds": (1, 777600),
    "CreateTransformJob.ModelClientConfig.InvocationsTimeoutInSeconds": (1, 3600),
    "CreateTrainingJob.StoppingCondition.MaxPendingTimeInSeconds": (1800, 2419200),
    "CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds": (120, 15768000),
}


def test_sm214_paths_are_the_contracts() -> None:
    assert {path for path, code in OWNED.items() if code == "SM214"} == set(SM214_CONTRACT)
    drift = {p: (r, RANGES[p]) for p, r in SM214_CONTRACT.items() if RANGES[p] != r}
    assert not drift, "RULES.md SM214 / SAGEMAKER.md §16 quote other ranges than botocore"


def _owned_by(code: str) -> list[str]:
    return sorted(path for path, owner in OWNED.items() if owner == code)


def test_sm204_timeouts_equal_the_generated_range() -> None:
    assert len(_owned_by("SM204")) == 4
    for path in _owned_by("SM204"):
        assert RANGES[path] == (API_TIMEOUT_MIN, API_TIMEOUT_MAX), path


def test_sm209_serverless_sizes_equal_the_generated_ranges() -> None:
    base = "CreateEndpointConfig.ProductionVariants[].ServerlessConfig."
    assert RANGES[base + "MaxConcurrency"] == CONCURRENCY
    assert RANGES[base + "ProvisionedConcurrency"] == CONCURRENCY
    # The model bounds the memory size; the steps of 1024 come from the documentation.
    assert RANGES[base + "MemorySizeInMB"] == (min(MEMORY_SIZES), max(MEMORY_SIZES))


def test_sm301_keep_alive_equals_the_generated_range() -> None:
    for path in _owned_by("SM301"):
        assert RANGES[path] == (0, KEEP_ALIVE_API_MAX), path
    # The project's default maximum is stricter than the API's on purpose (RULES.md SM301).
    assert Settings().keep_alive_max <= KEEP_ALIVE_API_MAX


def test_sm313_max_run_is_documented_not_modelled() -> None:
    """The service model gives MaxRuntimeInSeconds only a minimum; the 28 days SM313 checks
    is the member's documentation ("The maximum value is 28 days"). Should botocore add a
    maximum, it must be SM313's."""
    (path,) = _owned_by("SM313")
    low, high = RANGES[path]
    assert low == 1
    assert high in (None, MAX_RUN_LIMIT)
    assert MAX_RUN_LIMIT == 28 * 24 * 3600
