"""What a training job's storage, spot and stopping settings are known to be (SM307-SM313).

Each answer is three-valued where it matters: known true, known false (or known absent), or
unknown (None), and an unknown answer keeps a rule silent.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst

from sagelint.catalog import INSTANCE_TYPE, SPOT
from sagelint.instances import has_local_storage
from sagelint.analysis.resolve import DictValue, ListValue, Scalar
from sagelint.surfaces import Field, TrainingJob

# The service limit on MaxRuntimeInSeconds: 28 days.
MAX_RUN_LIMIT = 28 * 24 * 3600


def spot_state(job: TrainingJob) -> Optional[bool]:
    """True: spot is known on; False: known off or known not set; None: unknown."""
    field = job.fields.get(SPOT)
    if field is None:
        return False if SPOT in job.absent else None
    if isinstance(field.value, Scalar) and isinstance(field.value.value, bool):
        return field.value.value
    if isinstance(field.value, Scalar) and field.value.value is None:
        return False
    return None


def given(job: TrainingJob, attribute: str) -> Optional[Field]:
    """The field when it is known to be set to something other than None."""
    field = job.fields.get(attribute)
    if field is None:
        return None
    if isinstance(field.value, Scalar) and field.value.value is None:
        return None
    if isinstance(field.value, (Scalar, DictValue, ListValue)):
        return field
    return None  # unknown, a call's result or a pipeline variable: it may be None at run time


def not_set(job: TrainingJob, attribute: str) -> bool:
    """Whether the job is known not to set the attribute: absent from a closed call, or set
    to None."""
    field = job.fields.get(attribute)
    if field is None:
        return attribute in job.absent
    return isinstance(field.value, Scalar) and field.value.value is None


def seconds(field: Optional[Field]) -> Optional[int]:
    """A field's value when it is a known integer (a string or a float is another rule's)."""
    if field is None or not isinstance(field.value, Scalar):
        return None
    value = field.value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def local_storage_type(job: TrainingJob) -> Optional[str]:
    """The job's instance type when it is known to have local NVMe storage; else the first
    of its preferred instance types that has (the platform may pick it)."""
    field = job.fields.get(INSTANCE_TYPE)
    value = field.value.value if field is not None and isinstance(field.value, Scalar) else None
    if isinstance(value, str) and has_local_storage(value):
        return value
    return next((each for each in job.preferred_types if has_local_storage(each)), None)


def shown_type(job: TrainingJob, instance_type: str) -> str:
    """An instance type for messages, saying when it is one of the job's preferences."""
    field = job.fields.get(INSTANCE_TYPE)
    if field is not None and isinstance(field.value, Scalar) and field.value.value == instance_type:
        return f"`{instance_type}`"
    return f"`{instance_type}` (an instance preference, which the platform may pick)"


def setting(job: TrainingJob, attribute: str) -> str:
    """How the job's API spells an attribute, for messages: `max_wait`,
    `StoppingCondition.MaxWaitTimeInSeconds`."""
    paths = job.paths.get(attribute)
    return ".".join(paths[0]) if paths else attribute


def written_name(field: Field, default: str) -> str:
    """The setting's name as the code writes it (`volume_size`, `"VolumeSizeInGB"`)."""
    anchor = field.anchor
    if isinstance(anchor, cst.Arg) and anchor.keyword is not None:
        return anchor.keyword.value
    if isinstance(anchor, cst.Name):
        return anchor.value
    if isinstance(anchor, cst.SimpleString):
        value = anchor.evaluated_value
        if isinstance(value, str):
            return value
    return default
