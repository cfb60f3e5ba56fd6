"""SM106 env-timeout-implausible: Timeout env value above 3600 seconds."""

from __future__ import annotations

from typing import Iterator

from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import in_units
from sagelint.rules.env.common import serving_timeouts, timeout_env

_IMPLAUSIBLE = 3600


class EnvTimeoutImplausible(Rule):
    """
    ## What it does
    Checks that a timeout key of a serving env is at most 3600 seconds.

    ## Why is this bad?
    These keys take seconds. A value such as `"30000"` is more than 8 hours and was most
    likely meant as milliseconds; real-time invocations are capped at 60 s by the platform and
    asynchronous ones at 3600 s anyway.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "30000"}  # 30 seconds
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    There is no fix: whether seconds or milliseconds were meant is the user's call.

    ## Options
    - `timeout-env-keys`
    """

    summary = "Timeout env value above 3600 seconds"
    settings_used = ("timeout-env-keys",)
    invalid = (timeout_env("'30000'"),)
    valid = (timeout_env("'3600'"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for mapping, key, value in serving_timeouts(ctx):
            number = whole_number(value.value)
            if number is not None and number > _IMPLAUSIBLE:
                yield self.finding(
                    value.literal,
                    f"`{key}` is {number} s{in_units(number, 3600, 'hours')}: these keys take "
                    "seconds, not milliseconds",
                    used_by=mapping.site,
                    once_per_node=True,
                )

