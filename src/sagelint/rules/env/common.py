"""Shared by the env rules."""

from __future__ import annotations

SERVER_TIMEOUT = "SAGEMAKER_MODEL_SERVER_TIMEOUT"


IMPORT_PYTORCH = "from sagemaker.pytorch import PyTorchModel\n"


def model_env(env: str) -> str:
    """An example: a `PyTorchModel` built with this env (Python source of a dict)."""
    return IMPORT_PYTORCH + f"m = PyTorchModel(env={env})\n"


def timeout_env(value: str) -> str:
    """An example: a `PyTorchModel` whose env sets the server timeout to `value` (source)."""
    return model_env(f"{{'{SERVER_TIMEOUT}': {value}}}")
