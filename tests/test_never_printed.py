"""What never leaves sagelint as it is: credentials (in every output format, in fix listings,
diffs and the cache) and control characters (in terminal output). Through the real command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sagelint.reporters import FORMATS
from sagelint.mask import Redactor

# Planted credentials: SM501 reports the first three (known formats); the others sit beside
# them, an AWS secret access key on the same line and passwords under secret-named keys.
HF_TOKEN = "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"
ACCESS_KEY_ID = "AKIA4QWERTYZ7ASDFGH2"
GITHUB_TOKEN = "ghp_Zq8Xw7Vu6Ts5Rq4Po3Nm2Lk1Jh0GfEdCbA9y"
SECRET_ACCESS_KEY = "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"
PASSWORD = "Hunt3r2-Correct-Horse"
NOTEBOOK_PASSWORD = "Tr0ub4dor&3-Battery"
# Assigned under a secret's key by subscript, in a file where SM501 fires.
SUBSCRIPT_PASSWORD = "Wh4tever-Staple-Battery"
# In a comment after the last entry of a dict a fix adds an entry to: no edit may carry it.
COMMENT_TOKEN = "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"
SECRETS = (
    HF_TOKEN, ACCESS_KEY_ID, GITHUB_TOKEN, SECRET_ACCESS_KEY, PASSWORD, NOTEBOOK_PASSWORD,
    COMMENT_TOKEN, SUBSCRIPT_PASSWORD,
)

SCRIPT = f"""\
from sagemaker.huggingface import HuggingFaceModel
from sagemaker.pytorch import PyTorch

env = {{
    "HF_TOKEN": "{HF_TOKEN}",
    "DB_PASSWORD": "{PASSWORD}",
}}
env["REDIS_PASSWORD"] = "{SUBSCRIPT_PASSWORD}"
model = HuggingFaceModel(role="r", env=env, transformers_version="4.37", pytorch_version="2.1", py_version="py310")
predictor = model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
est = PyTorch(entry_point="t.py", role="r", framework_version="2.1", py_version="py310", instance_count=1, instance_type="ml.g5.xlarge", environment={{"AWS_ACCESS_KEY_ID": "{ACCESS_KEY_ID}", "AWS_SECRET_ACCESS_KEY": "{SECRET_ACCESS_KEY}"}}, tags=[{{"Key": "gh", "Value": "{GITHUB_TOKEN}"}}])
second = HuggingFaceModel(
    role="r", transformers_version="4.37", pytorch_version="2.1", py_version="py310",
    env={{
        "HF_MODEL_ID": "x/y"  # was {COMMENT_TOKEN}
    }},
)
"""

NOTEBOOK_CELLS = [
    "from sagemaker.huggingface import HuggingFaceModel\n",
    (
        f'm = HuggingFaceModel(role="r", env={{"HF_TOKEN": "{HF_TOKEN}", '
        f'"AWS_SECRET_ACCESS_KEY": "{SECRET_ACCESS_KEY}", "ADMIN_PASSWORD": "{NOTEBOOK_PASSWORD}"}}, '
        'transformers_version="4.37", pytorch_version="2.1", py_version="py310")\n'
        'p = m.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")\n'
    ),
]

# A file without credentials, with findings: its source is what the cache does store.
CLEAN = """\
from sagemaker.pytorch import PyTorchModel

clean_model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310", entry_point="i.py")
clean_model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")
"""


def _notebook(cells: List[str]) -> str:
    return json.dumps({
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": cell.splitlines(keepends=True)}
            for cell in cells
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }, indent=1)


def _fragments() -> Iterator[str]:
    """Every 8 characters of every planted secret: what is shown of one is at most its first
    4 characters, so no 8 of them in a row may appear anywhere."""
    for secret in SECRETS:
        for start in range(len(secret) - 7):
            yield secret[start : start + 8]


def _leaks(text: str) -> List[str]:
    return sorted({fragment for fragment in _fragments() if fragment in text})


def _project(folder: Path) -> Path:
    folder.mkdir()
    (folder / "deploy.py").write_text(SCRIPT)
    (folder / "serve.ipynb").write_text(_notebook(NOTEBOOK_CELLS))
    (folder / "clean.py").write_text(CLEAN)
    return folder


def _run(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env["SAGELINT_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-m", "sagelint", "check", "--isolated", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=120,
    )


def _output(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.stdout + result.stderr


def test_planted_secrets_appear_in_no_output_and_not_in_the_cache(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    cache = tmp_path / "cache"
    # The planted secrets are there to find: SM501 reports the known formats, in the script
    # and in the notebook, and the excerpts have something to mask.
    outputs: Dict[str, str] = {}
    for name in FORMATS:
        outputs[name] = _output(_run("--no-cache", "--output-format", name, ".",
                                     cwd=project, cache=cache))
    reported = [line for line in outputs["concise"].splitlines() if " SM501 " in line]
    assert len(reported) == 4 and sum("serve.ipynb" in line for line in reported) == 1, reported
    full = outputs["full"]
    assert "hf_Q…" in full and "AKIA…" in full and "ghp_…" in full, full
    outputs["statistics"] = _output(_run("--no-cache", "--statistics", ".", cwd=project,
                                         cache=cache))
    outputs["diff"] = _output(_run("--no-cache", "--diff", "--unsafe-fixes", ".", cwd=project,
                                   cache=cache))
    assert "+++ deploy.py" in outputs["diff"] and "serve.ipynb:cell 2" in outputs["diff"]
    # With the cache: the first run fills it, the second reads from it.
    outputs["cached first"] = _output(_run(".", cwd=project, cache=cache))
    outputs["cached second"] = _output(_run(".", cwd=project, cache=cache))
    for name in ("html", "markdown"):
        outputs[f"cached {name}"] = _output(_run("--output-format", name, ".", cwd=project,
                                                 cache=cache))
    # --fix (the remaining findings' excerpts come from the fixed text), listed fixes.
    fixed = shutil.copytree(project, tmp_path / "fixed")
    outputs["fix"] = _output(_run("--no-cache", "--fix", "--unsafe-fixes", "--show-fixes", ".",
                                  cwd=fixed, cache=cache))
    assert "Fixed " in outputs["fix"] and "hf_Q…" in outputs["fix"], outputs["fix"]
    fixed_html = shutil.copytree(project, tmp_path / "fixed-html")
    outputs["fix html"] = _output(_run("--no-cache", "--fix", "--unsafe-fixes", "--output-format",
                                       "html", ".", cwd=fixed_html, cache=cache))

    for name, text in outputs.items():
        assert not _leaks(text), f"{name} shows {_leaks(text)}"

    stored = [path for path in cache.rglob("*") if path.is_file()]
    entries = [path for path in stored if path.suffix == ".json"]
    assert entries, stored
    contents = "".join(path.read_text(errors="replace") for path in stored)
    assert "clean_model.deploy(" in contents  # the cache does hold sources: the grep means something
    assert not _leaks(contents), _leaks(contents)
    # A file holding a credential is checked again each run, never read back from the cache.
    assert outputs["cached second"] == outputs["cached first"]


def test_a_credential_in_a_known_format_is_masked_on_any_line_shown(tmp_path: Path) -> None:
    """A token SM501 does not report (in a print) is still masked where an excerpt shows it."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "deploy.py").write_text(
        "from sagemaker.pytorch import PyTorchModel\n"
        f'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310", entry_point="i.py"); print("{HF_TOKEN}")\n'
        'm.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")\n'
    )
    out = _output(_run("--no-cache", "--diff", ".", cwd=project, cache=tmp_path / "c"))
    out += _output(_run("--no-cache", ".", cwd=project, cache=tmp_path / "c"))
    assert "SM501" not in out and "hf_Q…" in out, out
    assert not _leaks(out), _leaks(out)


# -- control characters ------------------------------------------------------------------------
ESC_NAME = "deploy\x1b[31mred.py"
# Inside a string before the finding's span: an escape sequence (clear screen, set the
# title, BEL), a C1 CSI, a bidi override.
ESC_LINE = 'banner = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u202eevil"; m.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge")  # a\ttab\n'
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def test_a_credential_quoted_by_another_rule_is_masked_in_its_message(tmp_path: Path) -> None:
    """SM402 quotes the file name it misses; a token in it is masked like SM501's."""
    token = "ghp_3Og85NwnI5tWoLbIKBi0IqZHPRKWzp33mppq"
    (tmp_path / "train.py").write_text(
        "from sagemaker.pytorch import PyTorch\n"
        f'est = PyTorch(entry_point="{token}.py", role="r", framework_version="2.1", '
        'py_version="py310", instance_count=1, instance_type="ml.m5.large")\n'
    )
    for output_format in ("concise", "json", "sarif"):
        out = _output(_run("--output-format", output_format, "train.py", cwd=tmp_path,
                           cache=tmp_path / "cache"))
        assert "SM402" in out and "ghp_…" in out
        assert token[4:12] not in out, output_format


@pytest.mark.parametrize("args", [
    ("--output-format", "full"),
    ("--output-format", "concise"),
    ("--diff",),
    ("--fix", "--show-fixes"),
])
def test_control_characters_reach_the_terminal_escaped(tmp_path: Path, args: tuple) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / ESC_NAME).write_text(
        "from sagemaker.pytorch import PyTorchModel\n"
        'm = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", framework_version="2.1", py_version="py310", entry_point="i.py")\n'
        + ESC_LINE
    )
    (project / "bad\x1b]0;x\x07.py").write_bytes(b"import sagemaker\nx = '\xff'\n")  # cannot decode
    result = _run("--no-cache", *args, ".", cwd=project, cache=tmp_path / "c")
    output = _output(result)
    for raw in RAW:
        assert raw not in output, (raw, output)
    assert "deploy\\x1b[31mred.py" in output, output
    assert "error: bad\\x1b]0;x\\x07.py: cannot decode" in result.stderr, result.stderr
    if args[-1] == "full":
        # The excerpt shows the escapes, and the caret is still under `m.deploy(`.
        lines = result.stdout.splitlines()
        row = next(i for i, line in enumerate(lines) if "banner = " in line)
        assert '"\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m\\u202eevil"' in lines[row]
        assert lines[row + 1].index("^") == lines[row].index("m.deploy("), lines[row : row + 2]
    if args[0] == "--diff":
        assert "+++ deploy\\x1b[31mred.py" in output, output
        assert "# a\ttab" in output and "\\x09" not in output  # a tab is no control to escape


_CONTROL_CHARACTERS = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} - {"\t"} | set(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


_SECRET_ALPHABET = "AbCdEfGh0123456789/+"
_AROUND = st.text(st.characters(blacklist_characters=_SECRET_ALPHABET))


@given(_AROUND, st.text(alphabet=_SECRET_ALPHABET, min_size=16, max_size=40), _AROUND)
def test_a_shown_line_holds_no_control_character_and_no_secret(
    before: str, secret: str, after: str
) -> None:
    line = before + secret + after
    shown = Redactor([secret]).show(line)
    assert not _CONTROL_CHARACTERS & set(shown.text)
    assert secret not in shown.text
    # Every column maps into the shown text, in order: a caret can always be drawn.
    assert list(shown.starts) == sorted(shown.starts) and shown.starts[-1] == len(shown.text)
    start, end = shown.span(len(before), len(before) + len(secret))
    assert shown.text[start:end] == secret[: min(4, len(secret) // 4)] + "…"
