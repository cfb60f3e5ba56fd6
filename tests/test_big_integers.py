"""Integers of more than 4,300 digits (Python's int/str conversion limit) through the real
command: a literal is SM001 as CPython says, an env string an ordinary SM105 value, and the
file's other findings are kept."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import no_traceback, sagelint

DIGITS = "1" + "0" * 4500
MODEL = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(model_data="s3://models/m.tar.gz", role="arn:aws:iam::123456789012:role/R",
                     env={ENV}, framework_version="2.1", py_version="py310")
model.deploy(initial_instance_count=1, instance_type="ml.g5.xlarge",
             model_data_download_timeout=600, container_startup_health_check_timeout={TIMEOUT})
"""


def _check(tmp_path: Path, source: str) -> list:
    (tmp_path / "deploy.py").write_text(source)
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "json",
                      "deploy.py", cwd=tmp_path)
    no_traceback(result)
    assert "internal error" not in result.stderr
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout)


def test_a_4500_digit_deploy_timeout_is_a_syntax_error_like_cpython_says(tmp_path: Path) -> None:
    source = MODEL.replace("{ENV}", '{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}').replace(
        "{TIMEOUT}", DIGITS
    )
    found = _check(tmp_path, source)
    assert [(d["code"], d["location"]["row"]) for d in found] == [("SM001", 6)]
    assert "Exceeds the limit (4300 digits)" in found[0]["message"]


def test_a_4500_digit_env_string_is_sm105_and_the_other_findings_stay(tmp_path: Path) -> None:
    source = MODEL.replace("{ENV}", '{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "%s"}' % DIGITS).replace(
        "{TIMEOUT}", "30"
    )
    found = _check(tmp_path, source)
    codes = sorted(d["code"] for d in found)
    assert codes == ["SM105", "SM203"]  # SM203: the 30 s startup timeout, found as before
    sm105 = next(d for d in found if d["code"] == "SM105")
    assert "(4,501 characters)" in sm105["message"] and len(sm105["message"]) < 200


def test_a_400_digit_timeout_is_reported_without_float_overflow(tmp_path: Path) -> None:
    # 10**400 s is past what a float holds: the "(n hours)" in SM106's message is left out.
    source = MODEL.replace(
        "{ENV}", '{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "1%s"}' % ("0" * 400)
    ).replace("{TIMEOUT}", "600")
    found = _check(tmp_path, source)
    assert [d["code"] for d in found] == ["SM106"]
    assert "hours" not in found[0]["message"]


def test_a_huge_hexadecimal_literal_is_unknown_not_a_crash(tmp_path: Path) -> None:
    # CPython compiles it (no decimal conversion), but it has no decimal text to print.
    source = MODEL.replace("{ENV}", '{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "30"}').replace(
        "{TIMEOUT}", "0x" + "f" * 4000
    )
    found = _check(tmp_path, source)
    assert [d["code"] for d in found] == ["SM104"]


def test_a_notebook_with_a_huge_json_integer_is_one_line_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 0,
            "source": "import sagemaker\n"}
    text = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (tmp_path / "big.ipynb").write_text(text.replace('"execution_count": 0', '"execution_count": ' + DIGITS))
    (tmp_path / "deploy.py").write_text(
        MODEL.replace("{ENV}", '{"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}').replace("{TIMEOUT}", "30")
    )
    result = sagelint("check", "--isolated", "--no-cache", "--output-format", "concise",
                      "big.ipynb", "deploy.py", cwd=tmp_path)
    no_traceback(result)
    assert "big.ipynb: not a notebook: JSON with an integer of more than 4,300 digits" in result.stderr
    assert "internal error" not in result.stderr
    assert result.returncode == 1 and "deploy.py:6:" in result.stdout and "SM203" in result.stdout
