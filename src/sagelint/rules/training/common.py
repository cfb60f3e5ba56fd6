"""Shared by the training rules."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from sagelint.catalog import KEEP_ALIVE
from sagelint.analysis.resolve import Scalar, whole_number
from sagelint.rules import RuleContext
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
