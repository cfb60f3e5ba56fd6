"""Processing and transform jobs' instance storage (SM307, SM308): the settings those jobs
share with training jobs, read from `Facts.job_storage` (`surfaces/processing.py`)."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

from sagelint.analysis.resolve import DictValue, ListValue, Scalar
from sagelint.catalog import VOLUME_SIZE
from sagelint.instances import has_local_storage
from sagelint.rules import RuleContext
from sagelint.surfaces.facts import Field, JobStorage


def job_storage_on_local(
    ctx: RuleContext, attribute: str
) -> Iterator[Tuple[JobStorage, Field, str]]:
    """(job, its volume size or volume KMS key, how its instance type is named) for the
    processing and transform jobs known to set `attribute` (VOLUME_SIZE or VOLUME_KMS_KEY) on
    an instance type with local NVMe storage: the instance type, or any preferred type (the
    platform may pick it)."""
    for job in ctx.facts.job_storage:
        field = job.volume_size if attribute == VOLUME_SIZE else job.volume_kms_key
        if field is None or not _given(field):
            continue
        instance_type = _local_type(job.instance_type)
        if instance_type is not None:
            yield job, field, f"`{instance_type}`"
            continue
        for preferred in job.preferred:
            instance_type = _local_type(preferred)
            if instance_type is not None:
                yield job, field, f"`{instance_type}` (an instance preference the job may get)"
                break


def _given(field: Field) -> bool:
    """Known to be set to something other than None (an unknown value may be None)."""
    value = field.value
    if isinstance(value, Scalar):
        return value.value is not None
    return isinstance(value, (DictValue, ListValue))


def _local_type(field: Optional[Field]) -> Optional[str]:
    if field is None or not isinstance(field.value, Scalar):
        return None
    value = field.value.value
    if isinstance(value, str) and has_local_storage(value):
        return value
    return None
