"""SM104 env-timeout-too-low: Server timeout below the floor."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Applicability
from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import number_literal_fix, timeout_values
from sagelint.rules.env.common import timeout_env


class EnvTimeoutTooLow(Rule):
    """
    ## What it does
    Checks that a timeout key of a serving env (setting `timeout-env-keys`) is at least
    `server-timeout-floor` seconds, on models whose container reads the server timeout.

    ## Why is this bad?
    A model server timeout below the time a model takes to load or answer makes the first
    requests fail with a timeout. Models that load in minutes are common; 300 seconds is the
    floor teams that have been bitten settle on.

    ## Example
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "180"}
    ```

    ## Use instead
    ```python
    env = {"SAGEMAKER_MODEL_SERVER_TIMEOUT": "300"}
    ```

    ## Fix safety
    Unsafe: it changes a value the user wrote. It sets the value to the floor, keeping its
    type (a string stays a string).

    ## Options
    - `server-timeout-floor`
    - `timeout-env-keys`
    """

    summary = "Server timeout below the floor"
    fix_availability = Applicability.UNSAFE
    settings_used = ("server-timeout-floor", "timeout-env-keys")
    invalid = (timeout_env("'180'"),)
    valid = (timeout_env("'300'"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        floor = ctx.settings.server_timeout_floor
        subject = (m for m in ctx.facts.env_mappings if m.reads_server_timeout is True)
        for mapping, key, value in timeout_values(subject, ctx.settings.timeout_env_keys):
            number = whole_number(value.value)
            if number is None or number >= floor:
                continue
            yield self.finding(
                value.literal,
                f"`{key}` is {number} s, below the floor of {floor} s: requests to a "
                "slow model time out",
                used_by=mapping.site,
                fix=number_literal_fix(
                    value, floor, Applicability.UNSAFE, f"Set `{key}` to {floor}"
                ),
                once_per_node=True,
            )
