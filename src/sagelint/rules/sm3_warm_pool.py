"""SM3: training jobs and warm pools, on every surface that declares a training job."""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

import libcst as cst

from sagelint.catalog import ENVIRONMENT, INSTANCE_GROUPS, KEEP_ALIVE, MATCHING, SPOT
from sagelint.model import Applicability, Severity
from sagelint.resolve import DictValue, ListValue, Scalar, whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import not_integer_finding, number_literal_fix
from sagelint.surfaces import Field, TrainingJob

CACHE_DIRECTORY = "/opt/ml/sagemaker/warmpoolcache"
CACHE_VARIABLE = "SAGEMAKER_MANAGED_WARMPOOL_CACHE_DIRECTORY"

_ESTIMATOR = "from sagemaker.pytorch import PyTorch\n"


def _keep_alive(job: TrainingJob) -> Optional[Tuple[Field, Scalar]]:
    field = job.fields.get(KEEP_ALIVE)
    if field is None or not isinstance(field.value, Scalar):
        return None
    return field, field.value


def _warm_pool(job: TrainingJob) -> Optional[Field]:
    """The keep-alive field of a new job that is known to ask for a warm pool (>= 1)."""
    found = _keep_alive(job)
    if job.is_update or found is None:
        return None
    number = whole_number(found[1].value)
    return found[0] if number is not None and number >= 1 else None


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

    code = "SM301"
    name = "keep-alive-out-of-range"
    severity = Severity.ERROR
    summary = "Warm-pool keep-alive out of range"
    fix_availability = Applicability.UNSAFE
    settings_used = ("keep-alive-max",)
    invalid = (_ESTIMATOR + "e = PyTorch(keep_alive_period_in_seconds=3601)\n",)
    valid = (_ESTIMATOR + "e = PyTorch(keep_alive_period_in_seconds=0)\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        maximum = ctx.settings.keep_alive_max
        for job in ctx.facts.training_jobs:
            found = _keep_alive(job)
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


class KeepAliveNotInt(Rule):
    """
    ## What it does
    Checks that a training job's keep-alive period is an integer, not a string or a float.

    ## Why is this bad?
    The API takes integer seconds; a string or a float is rejected when the job is submitted.

    ## Example
    ```python
    PyTorch(..., keep_alive_period_in_seconds="1800")
    ```

    ## Use instead
    ```python
    PyTorch(..., keep_alive_period_in_seconds=1800)
    ```

    ## Fix safety
    Safe when the literal is a whole number (`"1800"` and `1800.0` become `1800`).
    """

    code = "SM302"
    name = "keep-alive-not-int"
    severity = Severity.ERROR
    summary = "Warm-pool keep-alive is not an integer"
    fix_availability = Applicability.SAFE
    invalid = (_ESTIMATOR + "e = PyTorch(keep_alive_period_in_seconds='1800')\n",)
    valid = (_ESTIMATOR + "e = PyTorch(keep_alive_period_in_seconds=1800)\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.training_jobs:
            found = _keep_alive(job)
            if found is None:
                continue
            finding = not_integer_finding(self, found[1], "keep-alive", job.site)
            if finding is not None:
                yield finding


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

    code = "SM303"
    name = "warm-pool-with-spot"
    severity = Severity.ERROR
    summary = "Warm pool requested with spot instances"
    invalid = (
        _ESTIMATOR + "e = PyTorch(use_spot_instances=True, keep_alive_period_in_seconds=600)\n",
    )
    valid = (
        _ESTIMATOR + "e = PyTorch(use_spot_instances=True, keep_alive_period_in_seconds=0)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.training_jobs:
            pool = _warm_pool(job)
            spot = job.fields.get(SPOT)
            if pool is None or spot is None:
                continue
            if isinstance(spot.value, Scalar) and spot.value.value is True:
                yield self.finding(
                    pool.anchor,
                    f"`{job.site.label}(...)` asks for a warm pool and uses spot instances: "
                    "warm pools cannot be used with spot, so it gets none",
                    once_per_node=True,  # a Compute shared by several trainers
                )


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

    code = "SM304"
    name = "warm-pool-with-heterogeneous-cluster"
    severity = Severity.ERROR
    summary = "Warm pool requested with a heterogeneous cluster"
    invalid = (
        _ESTIMATOR + "e = PyTorch(instance_groups=[g], keep_alive_period_in_seconds=600)\n",
    )
    valid = (_ESTIMATOR + "e = PyTorch(instance_groups=[g])\n",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for job in ctx.facts.training_jobs:
            pool = _warm_pool(job)
            groups = job.fields.get(INSTANCE_GROUPS)
            if pool is None or groups is None:
                continue
            if isinstance(groups.value, ListValue) and groups.value.items:
                yield self.finding(
                    pool.anchor,
                    f"`{job.site.label}(...)` asks for a warm pool and uses instance groups: "
                    "warm pools cannot be used with heterogeneous clusters, so it gets none",
                    once_per_node=True,
                )


def _comparable(field: Optional[Field]) -> Optional[object]:
    """A value two jobs can be compared on, when it is known."""
    if field is None:
        return None
    value = field.value
    if isinstance(value, Scalar):
        return value.value
    if isinstance(value, ListValue) and value.closed and all(
        isinstance(item, Scalar) for item in value.items
    ):
        return tuple(item.value for item in value.items if isinstance(item, Scalar))
    return None


def _differences(first: TrainingJob, second: TrainingJob) -> List[Tuple[str, object, object]]:
    out = []
    for attribute in MATCHING:
        a = _comparable(first.fields.get(attribute))
        b = _comparable(second.fields.get(attribute))
        if a is not None and b is not None and a != b:
            out.append((attribute, a, b))
    return out


class WarmPoolNotReusable(Rule):
    """
    ## What it does
    Checks two training jobs in one file that both ask for a warm pool: when they differ, with
    both values known, in an attribute the warm pool must match (role, instance type,
    instance count, volume size, volume KMS key, subnets, security groups, inter-container
    encryption, network isolation), the later one cannot reuse the earlier one's pool.

    ## Why is this bad?
    A warm pool is reused only by a job whose resource configuration matches. A script that
    keeps a pool alive for the next job and then changes, say, the instance count pays for an
    idle pool and for a cold start. One call site run in a loop is one job; an unknown value is
    not a difference.

    ## Example
    ```python
    PyTorch(..., instance_count=1, keep_alive_period_in_seconds=1800).fit()
    PyTorch(..., instance_count=2, keep_alive_period_in_seconds=1800).fit()
    ```

    ## Use instead
    ```python
    PyTorch(..., instance_count=2, keep_alive_period_in_seconds=1800).fit()
    PyTorch(..., instance_count=2, keep_alive_period_in_seconds=1800).fit()
    ```

    ## Fix safety
    There is no fix.
    """

    code = "SM305"
    name = "warm-pool-not-reusable"
    summary = "Warm pool that the next job cannot reuse"
    invalid = (
        _ESTIMATOR + "a = PyTorch(instance_count=1, keep_alive_period_in_seconds=600)\n"
        "b = PyTorch(instance_count=2, keep_alive_period_in_seconds=600)\n",
    )
    valid = (
        _ESTIMATOR + "a = PyTorch(instance_count=2, keep_alive_period_in_seconds=600)\n"
        "b = PyTorch(instance_count=2, keep_alive_period_in_seconds=600)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        pools = [job for job in ctx.facts.training_jobs if _warm_pool(job) is not None]
        for index, job in enumerate(pools):
            earlier = pools[:index]
            if not earlier:
                continue
            compared = [(other, _differences(other, job)) for other in earlier]
            if any(not differences for _, differences in compared):
                continue  # it can reuse the pool of a job it matches
            other, differences = compared[0]
            for attribute, theirs, ours in differences:
                yield self.finding(
                    job.fields[attribute].anchor,
                    f"cannot reuse the warm pool of `{other.site.label}(...)` at {{line}}: "
                    f"{attribute} is {ours!r} here and {theirs!r} there",
                    refers_to=other.site.call,
                    once_per_node=True,
                )


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

    code = "SM306"
    name = "warm-pool-cache-without-keep-alive"
    summary = "Warm-pool cache used without a warm pool"
    invalid = (
        _ESTIMATOR + "e = PyTorch(environment={'HF_HOME': '/opt/ml/sagemaker/warmpoolcache'})\n",
    )
    valid = (
        _ESTIMATOR + "e = PyTorch(environment={'HF_HOME': '/opt/ml/sagemaker/warmpoolcache'},"
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
        found = _keep_alive(job)
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


RULES = [
    KeepAliveOutOfRange,
    KeepAliveNotInt,
    WarmPoolWithSpot,
    WarmPoolWithHeterogeneousCluster,
    WarmPoolNotReusable,
    WarmPoolCacheWithoutKeepAlive,
]
