"""SM311 max-wait-without-spot: Max wait set without spot training."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import MAX_WAIT
from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import new_training_jobs
from sagelint.rules.training.common import estimator
from sagelint.rules.training.job_settings import given, spot_state, written_name


class MaxWaitWithoutSpot(Rule):
    """
    ## What it does
    Checks for a max wait (`max_wait`, `max_wait_time_in_seconds`, `MaxWaitTimeInSeconds`)
    on a training job whose spot flag is known to be false or known not to be set (every
    keyword of the call known).

    ## Why is this bad?
    The API accepts a max wait only with managed spot training: "Invalid
    MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is set to
    true". The SDK sends it whenever it is given, so the job fails when it is submitted.

    ## Example
    ```python
    PyTorch(..., max_run=3600, max_wait=7200)
    ```

    ## Use instead
    ```python
    PyTorch(..., max_run=3600, use_spot_instances=True, max_wait=7200)  # or drop max_wait
    ```

    ## Fix safety
    There is no fix: turning spot on, or dropping the wait, is the user's call.
    """

    severity = Severity.ERROR
    summary = "Max wait set without spot training"
    invalid = (estimator("max_run=3600, max_wait=7200"),)
    valid = (
        estimator("use_spot_instances=True, max_wait=7200, checkpoint_s3_uri='s3://b/c'"),
        estimator("max_wait=7200, **options"),
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in new_training_jobs(ctx):
            wait = given(job, MAX_WAIT)
            if wait is None or spot_state(job) is not False:
                continue
            yield self.finding(
                wait.anchor,
                f"`{written_name(wait, 'max_wait')}` is set but `{job.site.label}(...)` does "
                "not use spot instances: the API accepts a max wait only with managed spot "
                "training, so the job is rejected",
                once_per_node=True,
            )
