"""Shared by the env rules."""

from __future__ import annotations

from typing import Iterator, Tuple

from sagelint.analysis.resolve import Scalar
from sagelint.rules import RuleContext
from sagelint.rules.common import timeout_values
from sagelint.surfaces.facts import EnvMapping

SERVER_TIMEOUT = "SAGEMAKER_MODEL_SERVER_TIMEOUT"


IMPORT_PYTORCH = "from sagemaker.pytorch import PyTorchModel\n"


def model_env(env: str) -> str:
    """An example: a `PyTorchModel` built with this env (Python source of a dict)."""
    return IMPORT_PYTORCH + f"m = PyTorchModel(env={env})\n"


def timeout_env(value: str) -> str:
    """An example: a `PyTorchModel` whose env sets the server timeout to `value` (source)."""
    return model_env(f"{{'{SERVER_TIMEOUT}': {value}}}")


def serving_timeouts(ctx: RuleContext) -> Iterator[Tuple[EnvMapping, str, Scalar]]:
    """(mapping, key, known value) for the `timeout-env-keys` of every serving env."""
    serving = (mapping for mapping in ctx.facts.env_mappings if mapping.serving)
    return timeout_values(serving, ctx.settings.timeout_env_keys)
