"""SM203 deploy-timeout-too-low: Deploy timeout below its floor."""

from __future__ import annotations

from typing import Iterator

from sagelint.config import API_TIMEOUT_MIN
from sagelint.model import Applicability
from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import number_literal_fix
from sagelint.rules.deploy.common import deploy_with, floor_of, timeout_values_of


class DeployTimeoutTooLow(Rule):
    """
    ## What it does
    Checks that `container_startup_health_check_timeout` and `model_data_download_timeout`
    are at least their floors (`startup-timeout-floor`, `download-timeout-floor`, 600 s by
    default).

    ## Why is this bad?
    A timeout shorter than the model's load or download time fails the deployment late, after
    code was uploaded and resources were created. 300 s passes the API's range check and still
    fails for large models.

    ## Example
    ```python
    model.deploy(..., container_startup_health_check_timeout=300)
    ```

    ## Use instead
    ```python
    model.deploy(..., container_startup_health_check_timeout=600)
    ```

    ## Fix safety
    Unsafe: it raises a value the user wrote to the floor.

    ## Options
    - `startup-timeout-floor`
    - `download-timeout-floor`
    """

    summary = "Deploy timeout below its floor"
    fix_availability = Applicability.UNSAFE
    settings_used = ("startup-timeout-floor", "download-timeout-floor")
    invalid = (deploy_with("300", "600"),)
    valid = (deploy_with("900", "600"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for deploy, setting, argument, value in timeout_values_of(ctx):
            number = whole_number(value.value)
            floor = floor_of(ctx, setting)
            if number is None or number >= floor:
                continue
            if number < API_TIMEOUT_MIN and floor < API_TIMEOUT_MIN:
                continue  # SM204's: below the API minimum
            yield self.finding(
                value.literal,
                f"`{argument}` is {number} s, below the floor of {floor} s",
                used_by=deploy.site,
                fix=number_literal_fix(
                    value, floor, Applicability.UNSAFE, f"Set `{argument}` to {floor}"
                ),
                once_per_node=True,
            )
