"""SM304 warm-pool-with-heterogeneous-cluster: Warm pool requested with a heterogeneous cluster."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import INSTANCE_GROUPS
from sagelint.model import Severity
from sagelint.analysis.resolve import ListValue
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import estimator, pools_with


class WarmPoolWithHeterogeneousCluster(Rule):
    """
    ## What it does
    Checks for a keep-alive of 1 second or more on a training job with instance groups
    (`instance_groups`, `InstanceGroups` known to be a non-empty list).

    ## Why is this bad?
    Warm pools cannot be used with heterogeneous clusters: the job silently gets no warm pool.

    ## Example
    ```python
    PyTorch(..., instance_groups=[group_a, group_b], keep_alive_period_in_seconds=1800)
    ```

    ## Use instead
    ```python
    PyTorch(..., instance_groups=[group_a, group_b])
    ```

    ## Fix safety
    There is no fix.
    """

    severity = Severity.ERROR
    summary = "Warm pool requested with a heterogeneous cluster"
    invalid = (estimator("instance_groups=[g], keep_alive_period_in_seconds=600"),)
    valid = (estimator("instance_groups=[g]"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job, pool, groups in pools_with(ctx, INSTANCE_GROUPS):
            if isinstance(groups.value, ListValue) and groups.value.items:
                yield self.finding(
                    pool.anchor,
                    f"`{job.site.label}(...)` asks for a warm pool and uses instance groups: "
                    "warm pools cannot be used with heterogeneous clusters, so it gets none",
                    once_per_node=True,
                )
