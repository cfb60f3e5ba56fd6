"""SM309 spot-without-max-wait: Spot training without a max wait."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import MAX_WAIT
from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import estimator, spot_without


class SpotWithoutMaxWait(Rule):
    """
    ## What it does
    Checks for a training job that uses managed spot training (`use_spot_instances`,
    `enable_managed_spot_training`, `EnableManagedSpotTraining` known to be true) and sets no
    max wait (`max_wait`, `max_wait_time_in_seconds`, `StoppingCondition.MaxWaitTimeInSeconds`).
    Only a call whose keywords are all known is checked: `**kwargs` of unknown content may
    carry one.

    ## Why is this bad?
    Managed spot training requires `MaxWaitTimeInSeconds` (Managed Spot Training guide,
    StoppingCondition). Neither SDK checks it: the job is rejected when it is submitted, after
    the code was uploaded.

    ## Example
    ```python
    PyTorch(..., use_spot_instances=True)
    ```

    ## Use instead
    ```python
    PyTorch(..., use_spot_instances=True, max_run=86400, max_wait=172800)
    ```

    ## Fix safety
    There is no fix: how long to wait for spot capacity is the user's call.
    """

    severity = Severity.ERROR
    summary = "Spot training without a max wait"
    invalid = (estimator("use_spot_instances=True, checkpoint_s3_uri='s3://b/c'"),)
    valid = (estimator("use_spot_instances=True, max_wait=86400, checkpoint_s3_uri='s3://b/c'"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        return spot_without(
            self, ctx, MAX_WAIT,
            "managed spot training requires a max wait, and the job is rejected when it is "
            "submitted",
        )
