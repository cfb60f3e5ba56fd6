"""What a one-file run imports (issue 29, start-up): a file without SageMaker text loads no
engine, rule, surface, reporter helper or LibCST; a file the gate rejects loads the engine's
front (the generated gate table) but no rule, surface or LibCST; a run loads only the reporter
its --output-format names; a quiet script's run builds only the data classes it needs (no
class table, no class declared lazily). Checked in a fresh process, never timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from conftest import ROOT
from test_cli import BAD

# The modules are listed before the probe imports `json` to print them: the run's own.
_PROBE = (
    "import sys\n"
    "from sagelint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "modules = sorted(sys.modules)\n"
    "import json\n"
    "sys.stdout.flush()\n"
    "print()\n"
    "print(json.dumps([code, modules]))\n"
)

REPORTERS = {
    "sagelint.reporters.text", "sagelint.reporters.json_format", "sagelint.reporters.sarif",
    "sagelint.reporters.ci", "sagelint.reporters.junit", "sagelint.reporters.rdjson",
    "sagelint.reporters.html", "sagelint.reporters.markdown", "sagelint.reporters.audit",
}


def _modules(cwd: Path, *args: str) -> List[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "check", "--no-cache", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code in (0, 1), done.stdout + done.stderr
    return list(modules)


def test_a_file_without_sagemaker_text_loads_no_engine(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import os\n\nprint(os.getcwd())\n")
    modules = set(_modules(tmp_path, "plain.py"))
    heavy = {"libcst", "sagelint.engine", "sagelint.rules", "sagelint.surfaces",
             "sagelint.fixes", "sagelint.mask", "sagelint.notebook", "tempfile"}
    assert not modules & heavy, modules & heavy
    assert not modules & REPORTERS - {"sagelint.reporters.text"}


# Files that name SageMaker (past the prefilter) where no call can reach a finding: no import
# at all, and boto3 used for S3 only.
GATED = {
    "notes.py": '"""Helpers."""\n\nREGION = "sagemaker jobs run in eu-west-1"\n\n\n'
    "def describe(job):\n    return job['name']\n",
    "upload.py": "import boto3\n\ns3 = boto3.client('s3')\n"
    "s3.upload_file('model.tar.gz', 'my-sagemaker-bucket', 'models/model.tar.gz')\n",
    # The SDK imported, none of it called: the SDK-import judges are asked without their
    # rules (sagelint.sdk_judging).
    "session.py": "import sagemaker\n\nSESSION_NAME = 'ranker'\n\n\n"
    "def name():\n    return SESSION_NAME\n",
}


@pytest.mark.parametrize("name", sorted(GATED))
def test_a_file_the_gate_rejects_loads_no_rule_surface_or_libcst(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / name).write_text(GATED[name])
    modules = set(_modules(tmp_path, name))
    assert "sagelint.engine" in modules and "sagelint.gate_table" in modules  # it was checked
    heavy = sorted(
        module for module in modules
        if module.split(".")[0] == "libcst"
        or module.startswith(("sagelint.rules", "sagelint.surfaces"))
        or module in {"sagelint.fixes", "sagelint.sdk_generations", "sagelint.analysis.resolve"}
        or module in CLASS_TABLES
    )
    assert not heavy, heavy


# The catalogue's class tables: the first lookup of a class imports them (the prefilter's
# trigger words do not need them).
CLASS_TABLES = {"sagelint.catalog", "sagelint.catalog_sdk", "sagelint.catalog_v3"}


# What a one-file run of a script with no finding does not need before, or instead of, the
# first file: the notebook reader (and `json`), OpenSSL's hashes (a read of another project
# file), the reader of suppression comments and the credential masker (findings only).
NOT_FOR_A_QUIET_SCRIPT = {
    "sagelint.notebook", "json", "hashlib", "_hashlib", "sagelint.suppression",
    "sagelint.credentials", "sagelint.mask", "sagelint.cache", "sagelint.baseline",
    *CLASS_TABLES,
    "pkgutil",  # the rule and surface modules are listed by sagelint.module_listing
}


@pytest.mark.parametrize("name", ["plain.py", *sorted(GATED)])
def test_a_script_without_findings_loads_only_what_its_check_needs(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / name).write_text(GATED.get(name, "import os\n\nprint(os.getcwd())\n"))
    modules = set(_modules(tmp_path, name))
    assert not modules & NOT_FOR_A_QUIET_SCRIPT, modules & NOT_FOR_A_QUIET_SCRIPT


# The data classes declared with sagelint.lazydata.lazy_dataclass: a run builds each with its
# first instance. A quiet script's run builds none of them.
LAZY_CLASSES = {
    "sagelint.model": ("Location", "Edit", "Fix", "Diagnostic", "FileError", "Elsewhere"),
    "sagelint.config": ("ConfigFile",),
    "sagelint.reporters": ("BaselineState",),
    "sagelint.engine": ("_Fixable",),
    "sagelint.programs": ("CellRows", "Cells", "NotebookFile"),
    # A check builds the facts its file has (27 classes compiled at import were a tenth of a
    # one-file run with findings).
    "sagelint.surfaces.facts": (
        "CallSite", "EnvMapping", "ServingModel", "EstimatorJob", "Tuner", "DeployNames",
        "SettingsBlock", "ContainerImage", "Deploy", "Field", "TrainingJob", "ServingContainer",
        "ResourceName", "SourceFiles", "EntryScript", "ConfigValues", "ModelIsolation",
        "ServerlessSettings", "PreferenceEntry", "InstancePreferences", "JobStorage",
        "MemoryRequest", "AcceleratorRequest", "InferenceConfigProblem", "ApiValue",
        "InstanceTypeUse", "Facts",
    ),
}

# Prints, after the run, the lazy classes it built (one JSON line).
_BUILT_PROBE = (
    "import dataclasses, importlib, json, sys\n"
    "from sagelint.cli import main\n"
    "try:\n"
    "    main(sys.argv[2:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "built = sorted(\n"
    "    f'{module}.{name}' for module, names in json.loads(sys.argv[1]).items()\n"
    "    if module in sys.modules for name in names\n"
    "    if dataclasses.is_dataclass(getattr(sys.modules[module], name))\n"
    ")\n"
    "sys.stdout.flush()\n"
    "print()\n"
    "print(json.dumps(built))\n"
)


def _built(cwd: Path, *args: str) -> List[str]:
    done = subprocess.run(
        [sys.executable, "-c", _BUILT_PROBE, json.dumps(LAZY_CLASSES), "check", "--no-cache",
         *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return list(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("name", ["plain.py", *sorted(GATED)])
def test_a_quiet_script_builds_no_lazy_data_class(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(GATED.get(name, "import os\n\nprint(os.getcwd())\n"))
    assert _built(tmp_path, name) == []


# The data classes a quiet script's run builds (each costs about a millisecond to build at
# import): those it cannot do without. Another one on this path is either only needed for
# findings (declare it with sagelint.lazydata.lazy_dataclass) or a small frozen class the run
# makes (sagelint.records.frozen_record, when nothing uses dataclasses.replace or fields on it).
QUIET_RUN_DATA_CLASSES = {
    "sagelint.config.Settings", "sagelint.model.FileResult", "sagelint.runner.RunResult", "sagelint.engine.Analysis", "sagelint.paths.SourcePaths",
    "sagelint.programs.Script",
}

_DATA_CLASSES_PROBE = (
    "import dataclasses, sys\n"
    "from sagelint.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "import json\n"
    "built = sorted(\n"
    "    f'{name}.{value.__qualname__}' for name, module in list(sys.modules.items())\n"
    "    if name.split('.')[0] == 'sagelint' and module is not None\n"
    "    for value in vars(module).values()\n"
    "    if isinstance(value, type) and value.__module__ == name\n"
    "    and '__dataclass_fields__' in vars(value)\n"
    ")\n"
    "sys.stdout.flush()\n"
    "print()\n"
    "print(json.dumps(built))\n"
)


@pytest.mark.parametrize("name", ["plain.py", *sorted(GATED)])
def test_a_quiet_script_builds_only_the_data_classes_it_needs(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(GATED.get(name, "import os\n\nprint(os.getcwd())\n"))
    done = subprocess.run(
        [sys.executable, "-c", _DATA_CLASSES_PROBE, "check", "--no-cache", name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    built = set(json.loads(done.stdout.splitlines()[-1]))
    assert built <= QUIET_RUN_DATA_CLASSES, built - QUIET_RUN_DATA_CLASSES


def test_a_run_with_findings_builds_what_it_reports(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(BAD)
    built = set(_built(tmp_path, "deploy.py"))
    assert {"sagelint.model.Diagnostic", "sagelint.model.Location"} <= built


def test_every_lazy_class_is_declared_lazily() -> None:
    """LAZY_CLASSES lists every class declared with lazy_dataclass (and only those), so
    that the test above watches each."""
    import importlib

    from sagelint.lazydata import is_lazy

    for module, names in LAZY_CLASSES.items():
        loaded = importlib.import_module(module)
        assert all(is_lazy(getattr(loaded, name)) for name in names), module
    source = ROOT / "src" / "sagelint"
    declared = set()
    for path in source.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        for decorator, line in zip(lines, lines[1:]):
            if decorator.startswith("@lazy_dataclass"):
                declared.add((path.relative_to(source).as_posix(), line[len("class "):-1]))
    listed = {
        (module.replace("sagelint.", "", 1).replace(".", "/")
         + ("/__init__.py" if module == "sagelint.reporters" else ".py"), name)
        for module, names in LAZY_CLASSES.items() for name in names
    }
    assert declared == listed


def test_the_prefilter_words_need_no_class_table() -> None:
    """`Catalog.trigger_words` is `catalog_classes.BUILT_IN_TOPS` plus the user's classes'
    packages, without the tables: the same words as the tables' own packages give."""
    from sagelint.catalog import ESTIMATORS, MODELS
    from sagelint.catalog_classes import Catalog
    from sagelint.catalog_classes import BUILT_IN_TOPS

    tops = {path.split(".", 1)[0].encode() for path in {**MODELS, **ESTIMATORS}}
    assert tops | {b"sagemaker"} == BUILT_IN_TOPS
    extended = Catalog(["acme.serving.Model"], ["lab.train.Trainer", "sagemaker.x.Y"])
    assert extended.trigger_words == BUILT_IN_TOPS | {b"acme", b"lab"}
    assert set(extended.classes) == set(MODELS) | set(ESTIMATORS) | {
        "acme.serving.Model", "lab.train.Trainer", "sagemaker.x.Y"
    }
    info = extended.lookup("acme.serving.Model")
    assert info is not None and info.name == "Model" and info.reads_server_timeout
    assert extended.lookup("sagemaker.pytorch.model.PyTorchModel") is MODELS[
        "sagemaker.pytorch.model.PyTorchModel"
    ]


def test_the_notebook_flags_are_spelled_out_alike() -> None:
    """`programs.NotebookFile.flags` repeats `notebook.COMPILE_FLAGS` so that reading a
    script never loads the notebook reader."""
    from sagelint.notebook import COMPILE_FLAGS
    from sagelint.programs import NotebookFile

    assert NotebookFile.flags == COMPILE_FLAGS


def test_only_the_chosen_reporter_is_imported(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(BAD)
    modules = set(_modules(tmp_path, "--output-format", "json", "deploy.py"))
    assert "libcst" in modules  # the file has findings: the engine ran
    assert modules & REPORTERS == {"sagelint.reporters.json_format"}


@pytest.mark.slow  # a quick local run skips it: pytest -m "not slow"
def test_startup_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "startup.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "startup.py"), "--runs", "1", "--repeat", "1",
         "--dense-files", "4", "--small-lines", "200", "--large-lines", "1200",
         "--json", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())["results"]
    for key in ("plain_one_file_to_click", "gated_one_file_to_click",
                "findings_one_file_to_floor", "growth_per_line", "growth_per_line_default_gc"):
        assert results[key] > 0, key
    assert 0 <= results["engine_share_on_files_without_finding"] <= 1
    assert not results["plain_imports"]["libcst"]

