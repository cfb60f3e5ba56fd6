"""SM310 spot-max-wait-below-max-run: Max wait below the max run."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import MAX_RUN, MAX_WAIT
from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import new_training_jobs
from sagelint.rules.training.common import estimator, seconds_written
from sagelint.rules.training.job_settings import seconds, setting, spot_state

_SPOT = "use_spot_instances=True, checkpoint_s3_uri='s3://b/c', "


class SpotMaxWaitBelowMaxRun(Rule):
    """
    ## What it does
    Checks that a training job's max wait (`max_wait`, `max_wait_time_in_seconds`,
    `MaxWaitTimeInSeconds`) is at least its max run (`max_run`, `max_runtime_in_seconds`,
    `MaxRuntimeInSeconds`) when both are known. A max run that is not set counts as the
    SDK's default: 86400 s for SDK v2 estimators, `@remote` and `@step`, 3600 s for
    `ModelTrainer`; a boto3 call without one is not checked.

    ## Why is this bad?
    The max wait covers the whole job, waiting for spot capacity included, so the API
    requires it to be at least the max run (Managed Spot Training guide). A smaller value is
    rejected when the job is submitted. Only jobs known to use spot are checked; one known
    not to gets SM311 instead.

    ## Example
    ```python
    PyTorch(..., use_spot_instances=True, max_run=7200, max_wait=3600)
    ```

    ## Use instead
    ```python
    PyTorch(..., use_spot_instances=True, max_run=7200, max_wait=14400)
    ```

    ## Fix safety
    There is no fix: raising the wait or lowering the run is the user's call.
    """

    severity = Severity.ERROR
    summary = "Max wait below the max run"
    invalid = (estimator(_SPOT + "max_run=7200, max_wait=3600"),)
    valid = (estimator(_SPOT + "max_run=7200, max_wait=7200"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in new_training_jobs(ctx):
            written = seconds_written(job, MAX_WAIT)
            if written is None or spot_state(job) is not True:
                continue
            wait, literal = written
            run = seconds(job.fields.get(MAX_RUN))
            default = ""
            if run is None and MAX_RUN not in job.fields and MAX_RUN in job.absent:
                run = job.max_run_default
                default = f" (the default when `{setting(job, MAX_RUN)}` is not set)"
            if run is None or wait >= run:
                continue
            yield self.finding(
                literal,
                f"the max wait is {wait} s, below the max run of {run} s{default}: the job is "
                "rejected; the max wait must be at least the max run",
                used_by=job.site,
                once_per_node=True,
            )
