"""SM313 max-run-too-long: Max run above the 28-day limit."""

from __future__ import annotations

from typing import Iterator

from sagelint.catalog import MAX_RUN
from sagelint.model import Severity
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import in_units, new_training_jobs
from sagelint.rules.training.common import estimator, seconds_written
from sagelint.rules.training.job_settings import MAX_RUN_LIMIT


class MaxRunTooLong(Rule):
    """
    ## What it does
    Checks that a training job's max run (`max_run`, `max_runtime_in_seconds`,
    `MaxRuntimeInSeconds`) is at most 28 days (2,419,200 s).

    ## Why is this bad?
    28 days is the service limit on a training job's run time. botocore checks only the
    minimum, so a larger value is rejected when the job is submitted, after the code was
    uploaded.

    ## Example
    ```python
    PyTorch(..., max_run=30 * 24 * 3600)
    ```

    ## Use instead
    ```python
    PyTorch(..., max_run=28 * 24 * 3600)  # and checkpoints to resume in a new job
    ```

    ## Fix safety
    There is no fix.
    """

    severity = Severity.ERROR
    summary = "Max run above the 28-day limit"
    invalid = (estimator("max_run=2592000"),)
    valid = (estimator("max_run=2419200"),)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in new_training_jobs(ctx):
            written = seconds_written(job, MAX_RUN)
            if written is None or written[0] <= MAX_RUN_LIMIT:
                continue
            run, literal = written
            yield self.finding(
                literal,
                f"the max run is {run} s{in_units(run, 86400, 'days')}: the service allows at most "
                f"{MAX_RUN_LIMIT} s (28 days), so the job is rejected",
                used_by=job.site,
                once_per_node=True,
            )
