"""Shared by the training rules."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

import libcst as cst

from sagelint.catalog import KEEP_ALIVE
from sagelint.analysis.resolve import Scalar, whole_number
from sagelint.rules import Finding, Rule, RuleContext
from sagelint.rules.common import new_training_jobs
from sagelint.rules.training.job_settings import (
    given, local_storage_type, not_set, seconds, setting, spot_state,
)
from sagelint.surfaces.facts import Field, TrainingJob

ESTIMATOR = "from sagemaker.pytorch import PyTorch\n"


def keep_alive(job: TrainingJob) -> Optional[Tuple[Field, Scalar]]:
    field = job.fields.get(KEEP_ALIVE)
    if field is None or not isinstance(field.value, Scalar):
        return None
    return field, field.value


def warm_pool(job: TrainingJob) -> Optional[Field]:
    """The keep-alive field of a new job that is known to ask for a warm pool (>= 1)."""
    found = keep_alive(job)
    if job.is_update or found is None:
        return None
    number = whole_number(found[1].value)
    return found[0] if number is not None and number >= 1 else None


def estimator(arguments: str) -> str:
    """An example: a `PyTorch` estimator built with these arguments (source)."""
    return ESTIMATOR + f"e = PyTorch({arguments})\n"


def pools_with(ctx: RuleContext, attribute: str) -> Iterator[Tuple[TrainingJob, Field, Field]]:
    """(job, its keep-alive, its `attribute`) for the new jobs known to ask for a warm pool
    that also set `attribute`."""
    for job in ctx.facts.training_jobs:
        pool = warm_pool(job)
        other = job.fields.get(attribute)
        if pool is not None and other is not None:
            yield job, pool, other


def set_on_local_storage(
    ctx: RuleContext, attribute: str
) -> Iterator[Tuple[TrainingJob, Field, str]]:
    """(job, its `attribute`, its instance type) for the new jobs known to set `attribute`
    on an instance type with local NVMe storage (SM307, SM308)."""
    for job in new_training_jobs(ctx):
        field = given(job, attribute)
        instance_type = local_storage_type(job)
        if field is not None and instance_type is not None:
            yield job, field, instance_type


def seconds_written(job: TrainingJob, attribute: str) -> Optional[Tuple[int, cst.BaseExpression]]:
    """A duration the job sets to a known whole number of seconds, and the literal that
    says so (where a finding about it points)."""
    field = job.fields.get(attribute)
    value = seconds(field)
    if field is None or value is None or not isinstance(field.value, Scalar):
        return None
    return value, field.value.literal


def spot_without(
    rule: Rule, ctx: RuleContext, attribute: str, consequence: str
) -> Iterator[Finding]:
    """A finding on each new job known to use spot instances and not to set `attribute`:
    the call, named, and `consequence` (SM309, SM312)."""
    for job in new_training_jobs(ctx):
        if spot_state(job) is not True or not not_set(job, attribute):
            continue
        yield rule.finding(
            job.site.call,
            f"`{job.site.label}(...)` uses spot instances but sets no "
            f"`{setting(job, attribute)}`: {consequence}",
        )

