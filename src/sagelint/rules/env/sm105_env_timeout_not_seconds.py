"""SM105 env-timeout-not-seconds: Timeout env value is not a whole number of seconds."""

from __future__ import annotations

from typing import Iterator

from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import shorten
from sagelint.rules.env.common import serving_timeouts, timeout_env


class EnvTimeoutNotSeconds(Rule):
    """
    ## What it does
    Checks that a timeout key of a serving env holds a whole number of seconds.

    ## Why is this bad?
    The model servers parse these values as integers. `"5m"`, `"300s"`, `"3.5"` or `""` are
    not read as intended: the server falls back to its default or fails to start.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "5m"}
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    There is no fix: which number was meant is the user's call.

    ## Options
    - `timeout-env-keys`
    """

    summary = "Timeout env value is not a whole number of seconds"
    settings_used = ("timeout-env-keys",)
    invalid = (timeout_env("'5m'"),)
    valid = (timeout_env("'300'"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping, key, value in serving_timeouts(ctx):
            if isinstance(value.value, str) and whole_number(value.value) is None:
                yield self.finding(
                    value.literal,
                    f"`{key}` is {shorten(value.value)}: it takes a whole number of seconds",
                    used_by=mapping.site,
                    once_per_node=True,
                )
