"""SM204 deploy-timeout-too-high: Deploy timeout outside the API range."""

from __future__ import annotations

from typing import Iterator, Optional

from sagelint.config import API_TIMEOUT_MAX, API_TIMEOUT_MIN
from sagelint.model import Applicability, Severity
from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import number_literal_fix
from sagelint.rules.deploy.common import deploy_with, floor_of, timeout_values_of


class DeployTimeoutOutOfRange(Rule):
    """
    ## What it does
    Checks that the deploy timeouts are within the API's range, 60 to 3600 seconds. (Values
    below 60 are reported by SM203 unless its floor is set lower than 60.)

    ## Why is this bad?
    botocore checks only minimums before sending; a value above 3600 fails on the server,
    after the model was created.

    ## Example
    ```python
    model.deploy(..., model_data_download_timeout=7200)
    ```

    ## Use instead
    ```python
    model.deploy(..., model_data_download_timeout=3600)
    ```

    ## Fix safety
    Unsafe: it clamps a value the user wrote into the range.
    """

    severity = Severity.ERROR
    summary = "Deploy timeout outside the API range"
    fix_availability = Applicability.UNSAFE
    invalid = (deploy_with("600", "7200"),)
    valid = (deploy_with("3600", "600"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, setting, argument, value in timeout_values_of(ctx):
            number = whole_number(value.value)
            if number is None:
                continue
            clamp: Optional[int] = None
            if number > API_TIMEOUT_MAX:
                clamp = API_TIMEOUT_MAX
            elif number < API_TIMEOUT_MIN and floor_of(ctx, setting) < API_TIMEOUT_MIN:
                clamp = API_TIMEOUT_MIN
            if clamp is None:
                continue
            yield self.finding(
                value.literal,
                f"`{argument}` is {number} s, outside the API range "
                f"{API_TIMEOUT_MIN}..{API_TIMEOUT_MAX}: the endpoint config is rejected",
                used_by=deploy.site,
                fix=number_literal_fix(
                    value, clamp, Applicability.UNSAFE, f"Set `{argument}` to {clamp}"
                ),
                once_per_node=True,
            )
