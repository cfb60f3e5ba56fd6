"""Shared by the security rules."""

from __future__ import annotations

from typing import Optional, Tuple

import libcst as cst

from sagelint.analysis.resolve import Scalar
from sagelint.surfaces.facts import Field, TrainingJob

ESTIMATOR = "from sagemaker.pytorch import PyTorch\n"


def is_boto3(job: TrainingJob) -> bool:
    return job.site.label == "create_training_job"


def spelled(job: TrainingJob, attribute: str) -> str:
    """How the job's API spells a setting (`EnableNetworkIsolation`,
    `networking.enable_network_isolation`)."""
    paths = job.paths.get(attribute)
    return ".".join(paths[0]) if paths else attribute


def setting_off(job: TrainingJob, attribute: str) -> Optional[Tuple[cst.CSTNode, bool]]:
    """Where a boolean setting is known not to be true: (its literal, False) when written
    false, (the call, True) when known absent; None when true or unknown."""
    field = job.fields.get(attribute)
    if field is None:
        return (job.site.call, True) if attribute in job.absent else None
    if isinstance(field.value, Scalar) and field.value.value in (False, None):
        return field.value.literal, False
    return None


def known_count(field: Optional[Field]) -> Optional[int]:
    if field is None or not isinstance(field.value, Scalar):
        return None
    value = field.value.value
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def unset(job: TrainingJob, attribute: str) -> bool:
    field = job.fields.get(attribute)
    if field is None:
        return attribute in job.absent
    return isinstance(field.value, Scalar) and field.value.value in (None, "")
