"""Issue 30's smaller points, through the real command: inserted arguments wrapped at
`line-length`, `--sarif-category` and GitHub's SARIF limits."""

from __future__ import annotations

from pathlib import Path

from test_cli import no_traceback, sagelint

ONE_LINE = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(model_data="s3://b/model.tar.gz", role="r", env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
if model:
    predictor = model.deploy(initial_instance_count=1, instance_type="ml.m5.large")
short = model.deploy(instance_type="ml.m5.large")
"""


def test_a_fix_wraps_a_call_that_would_exceed_the_line_length(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(ONE_LINE)
    result = sagelint("check", "--isolated", "--no-cache", "--fix", "deploy.py", cwd=tmp_path)
    no_traceback(result)
    fixed = (tmp_path / "deploy.py").read_text()
    assert fixed.splitlines()[4:] == [
        "    predictor = model.deploy(",
        "        initial_instance_count=1,",
        '        instance_type="ml.m5.large",',
        "        container_startup_health_check_timeout=600,",
        "        model_data_download_timeout=600,",
        "    )",
        "short = model.deploy(",
        '    instance_type="ml.m5.large",',
        "    container_startup_health_check_timeout=600,",
        "    model_data_download_timeout=600,",
        ")",
    ]
    compile(fixed, "deploy.py", "exec")
    again = sagelint("check", "--isolated", "--no-cache", "--fix", "deploy.py", cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "deploy.py").read_text() == fixed


def test_line_length_setting_decides_where_a_fix_wraps(tmp_path: Path) -> None:
    (tmp_path / "deploy.py").write_text(
        "from sagemaker.pytorch import PyTorchModel\n"
        'model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env={"A": "1"})\n'
    )
    (tmp_path / "pyproject.toml").write_text("[tool.sagelint]\nline-length = 120\n")
    wide = sagelint("check", "--no-cache", "--diff", "deploy.py", cwd=tmp_path)
    assert '+model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env={"A": "1", ' \
        '"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})\n' in wide.stdout
    # The default, 88: the line (118 characters) would exceed it.
    narrow = sagelint("check", "--isolated", "--no-cache", "--diff", "deploy.py", cwd=tmp_path)
    assert narrow.returncode == 1
    assert "\n".join([
        '+model = PyTorchModel(model_data="s3://b/m.tar.gz", role="r", env={',
        '+    "A": "1",',
        '+    "SAGEMAKER_MODEL_SERVER_TIMEOUT": "300",',
        "+})",
    ]) in narrow.stdout
    (tmp_path / "pyproject.toml").write_text("[tool.sagelint]\nline-length = 0\n")
    bad = sagelint("check", "--no-cache", "deploy.py", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith(
        "line-length: expected a whole number of characters from 1 to 320, got 0"
    )
    no_traceback(bad)
