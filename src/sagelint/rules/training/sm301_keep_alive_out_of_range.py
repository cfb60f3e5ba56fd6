"""SM301 keep-alive-out-of-range: Warm-pool keep-alive out of range."""

from __future__ import annotations

from typing import Iterator

from sagelint.model import Applicability, Severity
from sagelint.analysis.resolve import whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import number_literal_fix
from sagelint.rules.training.common import estimator, keep_alive


class KeepAliveOutOfRange(Rule):
    """
    ## What it does
    Checks that a training job's keep-alive period (`keep_alive_period_in_seconds`,
    `KeepAlivePeriodInSeconds`) is between 0 and `keep-alive-max` (3600 s by default), on
    estimators, ModelTrainer's `Compute`, `@remote`, `@step` and boto3 calls.

    ## Why is this bad?
    The warm-pool guide allows 1 to 3600 seconds for a pool, and 0 (no pool; on
    `update_training_job` it releases one). A negative value, or one above what the API
    accepts, fails only when the job is submitted. The API maximum was raised to 21600 in
    December 2025 while the guide still says 3600; raise `keep-alive-max` if you rely on it.

    ## Example
    ```python
    PyTorch(..., keep_alive_period_in_seconds=7200)
    ```

    ## Use instead
    ```python
    PyTorch(..., keep_alive_period_in_seconds=3600)
    ```

    ## Fix safety
    Unsafe: a value above the maximum is clamped to it. A negative value has no fix.

    ## Options
    - `keep-alive-max`
    """

    severity = Severity.ERROR
    summary = "Warm-pool keep-alive out of range"
    fix_availability = Applicability.UNSAFE
    settings_used = ("keep-alive-max",)
    invalid = (estimator("keep_alive_period_in_seconds=3601"),)
    valid = (estimator("keep_alive_period_in_seconds=0"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        maximum = ctx.settings.keep_alive_max
        for job in ctx.facts.training_jobs:
            found = keep_alive(job)
            if found is None:
                continue
            _, value = found
            number = whole_number(value.value)
            if number is None or 0 <= number <= maximum:
                continue
            fix = None
            if number > maximum:
                fix = number_literal_fix(
                    value, maximum, Applicability.UNSAFE, f"Clamp the keep-alive to {maximum}"
                )
            yield self.finding(
                value.literal,
                f"keep-alive is {number} s: it must be between 0 and {maximum}",
                used_by=job.site,
                fix=fix,
                once_per_node=True,
            )
