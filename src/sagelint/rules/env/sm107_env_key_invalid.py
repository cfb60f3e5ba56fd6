"""SM107 env-key-invalid: Environment key is invalid or an endpoint setting."""

from __future__ import annotations

import re
from typing import Iterator

from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import env_entries
from sagelint.rules.env.common import model_env

_ENV_KEY = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_ENDPOINT_SETTINGS = frozenset(
    {
        "container_startup_health_check_timeout",
        "container_startup_health_check_timeout_in_seconds",
        "model_data_download_timeout",
        "model_data_download_timeout_in_seconds",
        "ContainerStartupHealthCheckTimeoutInSeconds",
        "ModelDataDownloadTimeoutInSeconds",
    }
)


class EnvKeyInvalid(Rule):
    """
    ## What it does
    Checks that every key of a container environment mapping is a valid variable name
    (`[a-zA-Z_][a-zA-Z0-9_]*`) and is not an endpoint setting.

    ## Why is this bad?
    CreateModel and CreateTrainingJob reject keys that are not valid names. Endpoint settings
    such as `container_startup_health_check_timeout` or
    `ModelDataDownloadTimeoutInSeconds` put in the env do nothing: no container reads them. They
    belong in `deploy(...)` or the ProductionVariant.

    ## Example
    ```python
    env = {"container_startup_health_check_timeout": "600"}
    ```

    ## Use instead
    ```python
    model.deploy(..., container_startup_health_check_timeout=600)
    ```

    ## Fix safety
    There is no fix.
    """

    severity = Severity.ERROR
    summary = "Environment key is invalid or an endpoint setting"
    invalid = (model_env("{'model-dir': '/opt'}"),)
    valid = (model_env("{'MODEL_DIR': '/opt'}"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping in ctx.facts.env_mappings:
            for key, entry in env_entries(mapping):
                if entry.key_node is None:
                    continue
                if key in _ENDPOINT_SETTINGS:
                    message = (
                        f"env key `{key}` is an endpoint setting that no container reads: pass "
                        "it to `deploy(...)` or the production variant"
                    )
                elif not _ENV_KEY.match(key):
                    message = (
                        f"env key {key!r} is not a valid variable name "
                        "(`[a-zA-Z_][a-zA-Z0-9_]*`): the API rejects it"
                    )
                else:
                    continue
                yield self.finding(
                    entry.key_node, message, used_by=mapping.site, once_per_node=True
                )
