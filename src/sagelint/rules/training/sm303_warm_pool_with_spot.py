"""SM303 warm-pool-with-spot: Warm pool requested with spot instances."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import SPOT
from sagelint.model import Severity
from sagelint.analysis.resolve import Scalar
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import estimator, pools_with


class WarmPoolWithSpot(Rule):
    """
    ## What it does
    Checks for a keep-alive of 1 second or more on a training job that uses spot instances
    (`use_spot_instances`, `train_use_spot_instances`, `enable_managed_spot_training`,
    `EnableManagedSpotTraining` known to be true).

    ## Why is this bad?
    Warm pools cannot be used with spot instances. Nothing checks this before the job runs:
    the job silently gets no warm pool, and the next job pays the full start-up again.

    ## Example
    ```python
    PyTorch(..., use_spot_instances=True, max_wait=7200, keep_alive_period_in_seconds=1800)
    ```

    ## Use instead
    ```python
    PyTorch(..., use_spot_instances=True, max_wait=7200)  # or on-demand with a warm pool
    ```

    ## Fix safety
    There is no fix: choosing between spot savings and a warm pool is the user's call.
    """

    severity = Severity.ERROR
    summary = "Warm pool requested with spot instances"
    invalid = (estimator("use_spot_instances=True, keep_alive_period_in_seconds=600"),)
    valid = (estimator("use_spot_instances=True, keep_alive_period_in_seconds=0"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job, pool, spot in pools_with(ctx, SPOT):
            if isinstance(spot.value, Scalar) and spot.value.value is True:
                yield self.finding(
                    pool.anchor,
                    f"`{job.site.label}(...)` asks for a warm pool and uses spot instances: "
                    "warm pools cannot be used with spot, so it gets none",
                    once_per_node=True,  # a Compute shared by several trainers
                )
