"""Instance facts: the SDK's local-storage test and the generated GPU table (offline)."""

from __future__ import annotations

import importlib.util
import json
import os
import runpy
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT

from sagelint.instance_gpus import GPU_COUNTS, SOURCES, TRAINIUM_COUNTS
from sagelint.instances import gpu_count, has_local_storage, instance_family

SCRIPT = ROOT / "scripts" / "gen_gpu_table.py"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_gpu_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_gpu_table"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "instance_type",
    ["ml.c5d.xlarge", "ml.m5d.large", "ml.r5d.4xlarge", "ml.p3dn.24xlarge", "ml.g4dn.xlarge",
     "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.g5.xlarge", "ml.g6.2xlarge", "ml.g6e.xlarge",
     "ml.p5.48xlarge", "ml.p5e.48xlarge", "ml.trn1.32xlarge", "ml.trn1n.32xlarge"],
)
def test_local_storage_families(instance_type: str) -> None:
    assert has_local_storage(instance_type) is True


@pytest.mark.parametrize(
    "instance_type",
    ["ml.m5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge", "ml.g4.xlarge", "ml.inf2.xlarge",
     "ml.trn2.48xlarge", "ml.t3.medium", "local", "local_gpu"],
)
def test_ebs_families(instance_type: str) -> None:
    assert has_local_storage(instance_type) is False


@pytest.mark.parametrize("instance_type", ["g5.xlarge", "ml.g5", "ml..xlarge", "", "ml.g5.x.y"])
def test_malformed_types_are_unknown(instance_type: str) -> None:
    assert has_local_storage(instance_type) is None
    assert instance_family(instance_type) is None


def test_gpu_counts_from_the_sdk_table() -> None:
    # The figures SAGEMAKER.md §9 quotes.
    assert gpu_count("ml.g5.12xlarge") == 4
    assert gpu_count("ml.g5.48xlarge") == 8
    assert gpu_count("ml.p4d.24xlarge") == 8
    assert gpu_count("ml.p5.48xlarge") == 8
    assert gpu_count("ml.g4dn.xlarge") == 1
    # From sagemaker-hyperpod's table: the types the SDK's lacks.
    assert gpu_count("ml.g5.xlarge") == 1
    assert gpu_count("ml.g6.12xlarge") == 4
    assert gpu_count("ml.g6e.48xlarge") == 8
    assert gpu_count("ml.p5e.48xlarge") == 8
    assert gpu_count("ml.p5en.48xlarge") == 8
    assert TRAINIUM_COUNTS["ml.trn1.32xlarge"] == 16
    assert TRAINIUM_COUNTS["ml.trn2.48xlarge"] == 16
    # In neither table, or no GPU: unknown, never guessed.
    assert gpu_count("ml.trn1.32xlarge") is None
    assert gpu_count("ml.inf2.xlarge") is None
    assert gpu_count("ml.m5.large") is None
    assert gpu_count("local_gpu") is None


def test_checked_in_table_is_what_the_generator_writes() -> None:
    """Nobody edited the generated module by hand: rendering its own data gives its text."""
    generator = _generator()
    module = ROOT / "src" / "sagelint" / "instance_gpus.py"
    assert module.read_text(encoding="utf-8") == generator.render(
        GPU_COUNTS, list(SOURCES), TRAINIUM_COUNTS
    )
    sdk, hyperpod = SOURCES
    assert sdk.startswith("sagemaker-") and "instance_gpu_info.json" in sdk
    assert hyperpod.startswith("sagemaker_hyperpod-") and "training/constants.py" in hyperpod


def _wheel(tmp_path: Path, table: object) -> Path:
    wheel = tmp_path / "sagemaker-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("sagemaker/image_uri_config/instance_gpu_info.json", json.dumps(table))
        archive.writestr("sagemaker/__init__.py", "raise SystemExit('never imported')\n")
    return wheel


def test_generator_reads_a_wheel_and_merges_regions(tmp_path: Path) -> None:
    table = {
        "us-east-1": {"ml.g5.2xlarge": {"Count": 1, "TotalGpuMemoryInMiB": 24576}},
        "eu-west-1": {"ml.g5.2xlarge": {"Count": 1}, "ml.p4d.24xlarge": {"Count": 8}},
    }
    output = tmp_path / "instance_gpus.py"
    generator = _generator()
    assert generator.main([str(_wheel(tmp_path, table)), "--output", str(output)]) == 0
    namespace = runpy.run_path(str(output))
    assert namespace["GPU_COUNTS"] == {"ml.g5.2xlarge": 1, "ml.p4d.24xlarge": 8}
    assert namespace["SOURCES"][0].startswith("sagemaker-9.9.9-py3-none-any.whl:")
    assert namespace["TRAINIUM_COUNTS"] == {}
    wheel = str(_wheel(tmp_path, table))
    assert generator.main([wheel, "--output", str(output), "--check"]) == 0
    output.write_text("stale\n", encoding="utf-8")
    assert generator.main([wheel, "--output", str(output), "--check"]) == 1


@pytest.mark.parametrize(
    "table,message",
    [
        ({"a": {"ml.g5.2xlarge": {"Count": 1}}, "b": {"ml.g5.2xlarge": {"Count": 2}}},
         "ml.g5.2xlarge: 1 GPUs in a, 2 in b"),
        ({"a": {"ml.g5.2xlarge": {}}}, "no whole GPU count"),
        ([], "expected an object of regions"),
    ],
)
def test_generator_rejects_tables_it_cannot_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: object, message: str
) -> None:
    output = tmp_path / "instance_gpus.py"
    assert _generator().main([str(_wheel(tmp_path, table)), "--output", str(output)]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not output.exists()


HYPERPOD = """\
# a comment the script does not read
INSTANCE_RESOURCES = {
    "ml.g6.12xlarge": {"cpu": 48, "gpu": 4, "trainium": 0, "memory": 192, "efa": 1},
    "ml.p4d.24xlarge": {"cpu": 96, "gpu": 8, "trainium": 0, "memory": 1152, "efa": 4},
    "ml.trn1.32xlarge": {"cpu": 128, "gpu": 0, "trainium": 16, "memory": 512, "efa": 8},
    "ml.m5.large": {"cpu": 2, "gpu": 0, "trainium": 0, "memory": 8, "efa": 0},
}
raise SystemExit("never run")
"""


def _hyperpod_wheel(tmp_path: Path, text: str) -> Path:
    wheel = tmp_path / "sagemaker_hyperpod-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("sagemaker/hyperpod/training/constants.py", text)
    return wheel


def test_generator_merges_the_hyperpod_table(tmp_path: Path) -> None:
    sdk = _wheel(tmp_path, {"us-east-1": {"ml.p4d.24xlarge": {"Count": 8}}})
    hyperpod = _hyperpod_wheel(tmp_path, HYPERPOD)
    output = tmp_path / "instance_gpus.py"
    generator = _generator()
    assert generator.main([str(sdk), str(hyperpod), "--output", str(output)]) == 0
    namespace = runpy.run_path(str(output))
    # GPUs only where there are some: a CPU or Trainium type stays unknown for GPUs.
    assert namespace["GPU_COUNTS"] == {"ml.g6.12xlarge": 4, "ml.p4d.24xlarge": 8}
    assert namespace["TRAINIUM_COUNTS"] == {"ml.trn1.32xlarge": 16}
    assert namespace["SOURCES"][1] == (
        "sagemaker_hyperpod-9.9.9-py3-none-any.whl:sagemaker/hyperpod/training/constants.py"
    )
    assert generator.main([str(sdk), str(hyperpod), "--output", str(output), "--check"]) == 0


@pytest.mark.parametrize(
    "sdk_count,text,message",
    [
        (4, HYPERPOD, "ml.p4d.24xlarge: 4 GPUs in sagemaker-9.9.9"),
        (8, "OTHER = {}\n", "no INSTANCE_RESOURCES assignment"),
        (8, "INSTANCE_RESOURCES = {'ml.g6.xlarge': {'gpu': 1}}\n", "no whole gpu / trainium count"),
        (8, "INSTANCE_RESOURCES = dict(a=1)\n", "is not a literal"),
    ],
)
def test_generator_rejects_hyperpod_tables_it_cannot_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sdk_count: int, text: str, message: str
) -> None:
    sdk = _wheel(tmp_path, {"us-east-1": {"ml.p4d.24xlarge": {"Count": sdk_count}}})
    output = tmp_path / "instance_gpus.py"
    arguments = [str(sdk), str(_hyperpod_wheel(tmp_path, text)), "--output", str(output)]
    assert _generator().main(arguments) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
    assert not output.exists()


def test_checked_in_table_matches_the_sdk_wheels() -> None:
    """With the pinned wheels at hand (`SAGELINT_SDK_WHEELS=<dir>`), the table is current."""
    folder = os.environ.get("SAGELINT_SDK_WHEELS")
    names = [where.split(":", 1)[0] for where in SOURCES]
    wheels = [Path(folder) / name for name in names] if folder else []
    if not wheels or not all(wheel.is_file() for wheel in wheels):
        pytest.skip(f"set SAGELINT_SDK_WHEELS to a folder with {' and '.join(names)}")
    assert _generator().main([*map(str, wheels), "--check"]) == 0
