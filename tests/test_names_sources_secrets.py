"""SM401 names, SM402's view of the file system, SM501's credential formats, and the CDK
surface's separation from the SDK: unit, property and CLI tests beside the fixtures."""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import codes, lint
from sagelint.names import DEFAULT_SHORTENING, TRAINING_JOB, TUNING_JOB, NameText, problem, shorten
from sagelint.paths import SourcePaths, created_by_code, notebook_creators
from sagelint.rules.security.sm501_secret_in_configuration import credential

_API_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_NAME_CHARS = string.ascii_letters + string.digits + "-_. "


def _name(text: str) -> NameText:
    return NameText((text,), None)  # type: ignore[arg-type]


# -- SM401 --------------------------------------------------------------------------------
@given(st.text(alphabet=_NAME_CHARS, max_size=80))
def test_a_known_name_is_reported_exactly_when_the_api_pattern_rejects_it(text: str) -> None:
    assert (problem(_name(text), TRAINING_JOB) is None) == bool(_API_NAME.match(text))


@given(st.text(alphabet=_NAME_CHARS, max_size=20), st.text(alphabet=_NAME_CHARS, max_size=20))
def test_an_unknown_part_never_makes_a_valid_filling_reported(left: str, right: str) -> None:
    """Whatever fills the hole, a name the API accepts is never reported: a reported
    partial name has no valid filling."""
    partial = NameText((left or None, None, right or None), None)  # type: ignore[arg-type]
    if problem(partial, TRAINING_JOB) is None:
        return
    for filling in ("", "a", "a-1", "x" * 30):
        assert not _API_NAME.match(left + filling + right)


@given(st.text(alphabet=string.ascii_letters + string.digits + "-", min_size=1, max_size=200))
def test_name_from_base_of_valid_characters_fits_its_length(base: str) -> None:
    made = shorten(_name(base), DEFAULT_SHORTENING)
    assert made.text is not None and len(made.text) <= 63
    assert made.text.startswith(base[:39])


def test_shortening_keeps_the_characters_the_sdk_keeps() -> None:
    # The SDK keeps base[:39]: an underscore beyond it is cut off with the rest.
    assert problem(shorten(_name("a" * 39 + "_b"), DEFAULT_SHORTENING), TRAINING_JOB) is None
    assert problem(shorten(_name("a" * 38 + "_b"), DEFAULT_SHORTENING), TRAINING_JOB) is not None
    assert problem(_name("x" * 33), TUNING_JOB) is not None


def test_model_trainer_base_job_name_is_repaired_by_the_sdk() -> None:
    source = (
        "from sagemaker.modules.train import ModelTrainer\n"
        "t = ModelTrainer(training_image='i', base_job_name='bert_finetune')\n"
    )
    assert "SM401" not in codes(lint(source))


# -- SM402 --------------------------------------------------------------------------------
_ESTIMATOR = (
    "from sagemaker.pytorch import PyTorch\n"
    "e = PyTorch(entry_point='train.py', role='r', instance_type='ml.g5.xlarge', "
    "instance_count=1)\n"
)


def test_standard_input_without_a_real_path_has_no_file_system(tmp_path: Path) -> None:
    assert SourcePaths.for_file("-", tmp_path) is None
    assert SourcePaths.for_file(str(tmp_path / "missing-folder" / "x.py"), tmp_path) is None
    paths = SourcePaths.for_file(str(tmp_path / "x.py"), tmp_path)
    assert paths is not None and not paths.exists("train.py")
    (tmp_path / "train.py").write_text("")
    assert paths.exists("train.py")


def test_repository_root_is_the_folder_holding_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("")
    (tmp_path / "jobs").mkdir()
    paths = SourcePaths.for_file(str(tmp_path / "jobs" / "launch.py"), Path("/nonexistent"))
    assert paths is not None and paths.exists("src/train.py")


def test_created_paths_come_from_the_whole_module() -> None:
    import ast

    tree = ast.parse(
        "import os, shutil\nos.makedirs('build/src')\nshutil.copy('a.py', 'src/train.py')\n"
        "from pathlib import Path\nPath('gen').mkdir()\nprint('not this')\n"
    )
    found = created_by_code(tree)
    assert {"build/src", "src/train.py", "gen"} <= set(found)
    assert "not this" not in found
    assert notebook_creators(["x = 1\n!mkdir src\n", "%%writefile t.py\nprint(1)\n"]) == [
        "!mkdir src",
        "%%writefile t.py\nprint(1)\n",
    ]


def _sagelint(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sagelint", *args],
        cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120,
    )


def test_stdin_is_checked_for_files_only_with_a_real_stdin_filename(tmp_path: Path) -> None:
    plain = _sagelint("check", "--isolated", "--output-format", "concise", "-", cwd=tmp_path,
                      stdin=_ESTIMATOR)
    assert "SM402" not in plain.stdout
    named = _sagelint("check", "--isolated", "--output-format", "concise", "--stdin-filename",
                      str(tmp_path / "launch.py"), "-", cwd=tmp_path, stdin=_ESTIMATOR)
    assert "SM402" in named.stdout
    (tmp_path / "train.py").write_text("")
    named = _sagelint("check", "--isolated", "--output-format", "concise", "--stdin-filename",
                      str(tmp_path / "launch.py"), "-", cwd=tmp_path, stdin=_ESTIMATOR)
    assert "SM402" not in named.stdout, named.stdout


def test_a_result_that_looked_at_paths_is_cached_with_the_answers_it_got(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    project = tmp_path / "project"
    project.mkdir()
    (project / "launch.py").write_text(_ESTIMATOR)
    args = ("check", "--isolated", "--output-format", "concise", "--cache-dir", str(cache),
            "launch.py")
    first = _sagelint(*args, cwd=project)
    assert "SM402" in first.stdout
    (entries_file,) = cache.rglob("*.json")
    entries = json.loads(entries_file.read_text())
    (entry,) = entries.values()
    assert [str(project / "train.py"), False] in entry["paths"]
    # Unchanged file, unchanged paths: the cached result is used (a marked message shows it).
    for diagnostic in entry["result"]["diagnostics"]:
        diagnostic["message"] += " [from the cache]"
    entries_file.write_text(json.dumps(entries))
    second = _sagelint(*args, cwd=project)
    assert "SM402" in second.stdout and "[from the cache]" in second.stdout, second.stdout
    # The entry point now exists: the cached answer is stale and the file is checked again.
    (project / "train.py").write_text("")
    third = _sagelint(*args, cwd=project)
    assert "SM402" not in third.stdout, third.stdout
    # And gone again: the entry cached with "it exists" is stale in turn.
    (project / "train.py").unlink()
    fourth = _sagelint(*args, cwd=project)
    assert "SM402" in fourth.stdout and "[from the cache]" not in fourth.stdout, fourth.stdout


# -- SM501 --------------------------------------------------------------------------------
_RANDOM = st.text(alphabet=string.ascii_letters, min_size=34, max_size=34).filter(
    lambda body: len(set(body)) >= 12
)


@given(_RANDOM)
def test_hugging_face_token_is_reported_without_being_shown(body: str) -> None:
    token = "hf_" + body
    found = credential(token)
    if found is None:  # a random body may spell a placeholder word ("your", "fake", ...)
        return
    source = (
        "from sagemaker.huggingface import HuggingFaceModel\n"
        f"m = HuggingFaceModel(role='r', env={{'HF_TOKEN': '{token}'}})\n"
    )
    (diagnostic,) = [d for d in lint(source).diagnostics if d.code == "SM501"]
    assert token not in diagnostic.message and body[1:] not in diagnostic.message
    assert "`hf_" + body[0] + "…`" in diagnostic.message and "37 characters" in diagnostic.message


@given(st.sampled_from(["hf_", "AKIA", "ghp_", "sk-"]), st.integers(0, 60),
       st.sampled_from("xX*.0<"))
def test_placeholders_never_match(prefix: str, length: int, filler: str) -> None:
    assert credential(prefix + filler * length) is None
    assert credential(f"<{prefix}{filler * length}>") is None


def test_key_names_alone_are_not_credentials() -> None:
    assert credential("HF_TOKEN") is None
    assert credential("use-the-secret-from-secrets-manager") is None
    assert credential("AKIAIOSFODNN7EXAMPLE") is None  # AWS's documented example key
    assert credential("AKIA4QWERTYZ7ASDFGH2") is not None


# -- CDK and the SDK ------------------------------------------------------------------------
def test_cdk_module_alias_is_not_the_sdk() -> None:
    source = (
        "from aws_cdk import aws_sagemaker as sagemaker\n"
        "m = sagemaker.CfnModel(None, 'M', primary_container=sagemaker.CfnModel."
        "ContainerDefinitionProperty(image='x/pytorch-inference:2.1', environment={'A': 1}))\n"
    )
    assert sorted(codes(lint(source))) == ["SM102", "SM103"]  # read as a boto3 container
    sdk = "import sagemaker\nsagemaker.CfnModel(None, 'M', model_name='a_b')\n"
    assert codes(lint(sdk)) == []


def test_readme_security_selection_runs_the_opt_in_rules(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sagelint]\nselect = ["SM5", "SM502", "SM503", "SM504"]\n'
    )
    (tmp_path / "train_job.py").write_text(
        "from sagemaker.pytorch import PyTorch\n"
        "e = PyTorch(entry_point='t.py', role='r', instance_type='ml.m5.xlarge', "
        "instance_count=2)\n"
    )
    result = _sagelint("check", "--output-format", "concise", "train_job.py", cwd=tmp_path)
    found = {line.split()[1] for line in result.stdout.splitlines() if ": SM" in line}
    assert found == {"SM502", "SM503", "SM504"}, result.stdout
