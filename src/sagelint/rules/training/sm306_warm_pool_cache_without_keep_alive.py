"""SM306 warm-pool-cache-without-keep-alive: Warm-pool cache used without a warm pool."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from sagelint.catalog import ENVIRONMENT
from sagelint.analysis.resolve import DictValue, Scalar, whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import ESTIMATOR, estimator, keep_alive
from sagelint.surfaces.facts import TrainingJob

CACHE_DIRECTORY = "/opt/ml/sagemaker/warmpoolcache"
CACHE_VARIABLE = "SAGEMAKER_MANAGED_WARMPOOL_CACHE_DIRECTORY"


class WarmPoolCacheWithoutKeepAlive(Rule):
    """
    ## What it does
    Checks for a training environment that points into `/opt/ml/sagemaker/warmpoolcache` or
    names `SAGEMAKER_MANAGED_WARMPOOL_CACHE_DIRECTORY`, on a job that sets no keep-alive of 1
    second or more.

    ## Why is this bad?
    The warm-pool cache directory survives only inside a warm pool. Without a keep-alive,
    whatever the job caches there is gone when it ends, and the next job starts cold.

    ## Example
    ```python
    PyTorch(..., environment={"HF_HOME": "/opt/ml/sagemaker/warmpoolcache/hf"})
    ```

    ## Use instead
    ```python
    PyTorch(
        ...,
        environment={"HF_HOME": "/opt/ml/sagemaker/warmpoolcache/hf"},
        keep_alive_period_in_seconds=1800,
    )
    ```

    ## Fix safety
    There is no fix: how long to keep the pool is the user's call.
    """

    summary = "Warm-pool cache used without a warm pool"
    invalid = (estimator("environment={'HF_HOME': '/opt/ml/sagemaker/warmpoolcache'}"),)
    valid = (
        ESTIMATOR + "e = PyTorch(environment={'HF_HOME': '/opt/ml/sagemaker/warmpoolcache'},"
        " keep_alive_period_in_seconds=600)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.training_jobs:
            environment = job.fields.get(ENVIRONMENT)
            if job.is_update or environment is None or not self._no_pool(job):
                continue
            value = environment.value
            if not isinstance(value, DictValue):
                continue
            for entry in value.effective_entries():
                node = _cache_reference(entry.key, entry.key_node, entry.value)
                if node is not None:
                    yield self.finding(
                        node,
                        "the warm-pool cache only survives inside a warm pool, and this job "
                        "sets no keep-alive",
                        used_by=job.site,
                        once_per_node=True,
                    )

    @staticmethod
    def _no_pool(job: TrainingJob) -> bool:
        if job.keep_alive_absent:
            return True
        found = keep_alive(job)
        if found is None:
            return False
        number = whole_number(found[1].value)
        return number is not None and number < 1


def _cache_reference(
    key: object, key_node: Optional[cst.CSTNode], value: object
) -> Optional[cst.CSTNode]:
    if key == CACHE_VARIABLE:
        return key_node
    if isinstance(value, Scalar) and isinstance(value.value, str):
        if CACHE_DIRECTORY in value.value or CACHE_VARIABLE in value.value:
            return value.literal
    return None
