"""SM305 warm-pool-not-reusable: Warm pool that the next job cannot reuse."""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Tuple

from sagelint.catalog import INSTANCE_PREFERENCES, INSTANCE_TYPE, MATCHING
from sagelint.analysis.resolve import ListValue, Scalar
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.training.common import ESTIMATOR, warm_pool
from sagelint.surfaces.facts import Field, TrainingJob


class WarmPoolNotReusable(Rule):
    """
    ## What it does
    Checks two training jobs in the same body of code (module level and notebook cells are
    one body; each function is its own) that both ask for a warm pool: when they differ, with
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

    summary = "Warm pool that the next job cannot reuse"
    invalid = (
        ESTIMATOR + "a = PyTorch(instance_count=1, keep_alive_period_in_seconds=600)\n"
        "b = PyTorch(instance_count=2, keep_alive_period_in_seconds=600)\n",
    )
    valid = (
        ESTIMATOR + "a = PyTorch(instance_count=2, keep_alive_period_in_seconds=600)\n"
        "b = PyTorch(instance_count=2, keep_alive_period_in_seconds=600)\n",
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        bodies: Dict[int, List[TrainingJob]] = {}
        for job in ctx.facts.training_jobs:
            if warm_pool(job) is not None:
                # One body of code: module level (notebook cells too) or one function; jobs
                # in separate functions (separate tests, say) are not run one after another.
                body = ctx.function_of(job.site.call)
                bodies.setdefault(id(body), []).append(job)
        for pools in bodies.values():
            yield from self._in_body(pools)

    def _in_body(self, pools: List[TrainingJob]) -> Iterator[Finding]:
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
    # A job with instance preferences runs on a type the platform picks: not known.
    preferred = INSTANCE_PREFERENCES in first.fields or INSTANCE_PREFERENCES in second.fields
    for attribute in MATCHING:
        if preferred and attribute == INSTANCE_TYPE:
            continue
        a = _comparable(first.fields.get(attribute))
        b = _comparable(second.fields.get(attribute))
        if a is not None and b is not None and a != b:
            out.append((attribute, a, b))
    return out
