"""SM109 env-key-not-read: Environment key the container does not read."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import Family
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import env_entries
from sagelint.rules.env.common import timeout_env

_SERVER_KEYS = frozenset({"SAGEMAKER_MODEL_SERVER_TIMEOUT", "SAGEMAKER_MODEL_SERVER_WORKERS"})
_UNPREFIXED_KEYS = frozenset({"MODEL_SERVER_TIMEOUT", "MODEL_SERVER_WORKERS"})
_IGNORES_SERVER_KEYS = {
    Family.TFS: "TensorFlow Serving",
    Family.LMI: "LMI / DJL Serving",
    Family.TGI: "text-generation-inference (TGI)",
}
_FRAMEWORK_FAMILIES = frozenset({Family.TORCHSERVE, Family.MMS, Family.HUGGINGFACE})


class EnvKeyNotRead(Rule):
    """
    ## What it does
    Opt-in. Reports env keys that the model's container is known not to read:
    `SAGEMAKER_MODEL_SERVER_TIMEOUT` / `SAGEMAKER_MODEL_SERVER_WORKERS` on TensorFlow Serving,
    LMI / DJL and TGI models; unprefixed `MODEL_SERVER_TIMEOUT` / `MODEL_SERVER_WORKERS` on
    framework models.

    ## Why is this bad?
    A key no one reads gives a false sense of safety: the timeout seems set and is not. The
    unprefixed names are read by AWS's bring-your-own-container template, so they are right
    for custom images and wrong for framework images. Off by default because many working
    scripts carry both spellings on purpose.

    ## Example
    ```python
    TensorFlowModel(..., env={"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"})
    ```

    ## Use instead
    ```python
    TensorFlowModel(..., env={"SAGEMAKER_GUNICORN_TIMEOUT_SECONDS": "300"})
    ```

    ## Fix safety
    There is no fix.
    """

    default_enabled = False
    summary = "Environment key the container does not read"
    invalid = (
        "from sagemaker.tensorflow import TensorFlowModel\n"
        "m = TensorFlowModel(env={'SAGEMAKER_MODEL_SERVER_TIMEOUT': '300'})\n",
    )
    valid = (timeout_env("'300'"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            family = mapping.family
            if family is None or not mapping.serving:
                continue
            for key, entry in env_entries(mapping):
                if entry.key_node is None:
                    continue
                if key in _SERVER_KEYS and family in _IGNORES_SERVER_KEYS:
                    reason = f"{_IGNORES_SERVER_KEYS[family]} containers do not read it"
                elif key in _UNPREFIXED_KEYS and family in _FRAMEWORK_FAMILIES:
                    reason = (
                        "framework containers read `SAGEMAKER_" + key + "`; the unprefixed "
                        "name is only for custom images"
                    )
                else:
                    continue
                yield self.finding(
                    entry.key_node, f"env key `{key}` is not read: {reason}",
                    used_by=mapping.site, once_per_node=True,
                )
