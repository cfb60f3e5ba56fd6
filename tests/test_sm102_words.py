"""SM102 through the real command: its message names the timeout keys the container does not
read (and the key it reads), and its fix keeps the timeout the author asked for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

from test_cli import no_traceback, sagelint

# The real-world case: an async endpoint's 15 minutes set with the multi-model server's key on
# a TorchServe container.
ASYNC = """\
from sagemaker.pytorch import PyTorchModel

model = PyTorchModel(
    model_data="s3://b/model.tar.gz",
    role="r",
    env={
        'MMS_DEFAULT_RESPONSE_TIMEOUT': '900',  # 15 min for async
    },
)
"""

CUSTOM = """\
from acme.serving import ClipModel

model = ClipModel(model_data="s3://b/model.tar.gz", role="r", env={"MODEL_SERVER_TIMEOUT": "900"})
"""


def _sm102(path: str, cwd: Path, *extra: str) -> Dict[str, Any]:
    result = sagelint(
        "check", "--select", "SM102", "--output-format", "json", *extra, path, cwd=cwd
    )
    no_traceback(result)
    items: List[Dict[str, Any]] = json.loads(result.stdout)
    assert len(items) == 1, items
    return items[0]


def test_the_message_names_the_key_this_container_does_not_read(tmp_path: Path) -> None:
    (tmp_path / "deploy_async.py").write_text(ASYNC)
    item = _sm102("deploy_async.py", tmp_path, "--isolated")
    assert item["message"].startswith(
        "env lacks `SAGEMAKER_MODEL_SERVER_TIMEOUT`: the model server keeps its 60 s default "
        "timeout: `MMS_DEFAULT_RESPONSE_TIMEOUT` is not read by this container (TorchServe "
        "reads `TS_DEFAULT_RESPONSE_TIMEOUT`)"
    )
    assert item["fix"]["message"] == (
        'Add `"SAGEMAKER_MODEL_SERVER_TIMEOUT": "900"` to the env '
        "(the value of `MMS_DEFAULT_RESPONSE_TIMEOUT`)"
    )


def test_the_fix_carries_over_the_authors_value(tmp_path: Path) -> None:
    (tmp_path / "deploy_async.py").write_text(ASYNC)
    fixed = sagelint("check", "--isolated", "--select", "SM102", "--fix", "deploy_async.py",
                     cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "        'SAGEMAKER_MODEL_SERVER_TIMEOUT': '900',\n" in (
        tmp_path / "deploy_async.py"
    ).read_text()
    # A floor above the author's value: the floor is inserted instead.
    (tmp_path / "deploy_async.py").write_text(ASYNC)
    (tmp_path / "sagelint.toml").write_text("server-timeout-floor = 1200\n")
    item = _sm102("deploy_async.py", tmp_path)
    assert item["fix"]["edits"][0]["content"].strip() == "'SAGEMAKER_MODEL_SERVER_TIMEOUT': '1200',"


def test_a_custom_images_keys_are_not_called_unread(tmp_path: Path) -> None:
    """A class from `extend-model-classes` may run any image: which keys it reads is unknown."""
    (tmp_path / "deploy.py").write_text(CUSTOM)
    (tmp_path / "sagelint.toml").write_text('extend-model-classes = ["acme.serving.ClipModel"]\n')
    item = _sm102("deploy.py", tmp_path)
    assert "not read" not in item["message"]
    assert item["fix"]["message"].startswith('Add `"SAGEMAKER_MODEL_SERVER_TIMEOUT": "900"`')
