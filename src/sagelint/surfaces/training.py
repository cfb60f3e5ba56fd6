"""Training jobs, whatever surface declares them (estimators, ModelTrainer with Compute,
`@remote` / RemoteExecutor / `@step`, boto3 and Session calls): each becomes a TrainingJob
with canonical attributes read through a field map."""

from __future__ import annotations

from typing import Dict, Optional, Set, Tuple

import libcst as cst

from sagelint.catalog import (
    ENVIRONMENT,
    INSTANCE_GROUPS,
    INSTANCE_PLACEMENT,
    INSTANCE_PREFERENCES,
    INSTANCE_TYPE,
    LAX_CONFIGS,
    SPOT,
    TRAINER_SETTERS,
    TRAINING_CONFIGS,
    FieldMap,
    max_run_default,
    v3,
)
from sagelint.analysis.resolve import (
    DictValue, Keywords, ListValue, ObjectValue, Resolver, Scalar, Value,
)
from sagelint.surfaces.common import Context, argument, bound, dict_keywords, preference_entries
from sagelint.surfaces.facts import (
    CallSite,
    EnvMapping,
    Field,
    InstancePreferences,
    TrainingJob,
)


def training_job(
    ctx: Context,
    call: cst.Call,
    label: str,
    fields: FieldMap,
    is_update: bool = False,
    keywords: Optional[Keywords] = None,  # when the caller already resolved them
) -> TrainingJob:
    if keywords is None:
        keywords = ctx.resolver.keywords(call)
    found: Dict[str, Field] = {}
    absent: Set[str] = set()
    for attribute, paths in fields.items():
        certain_absence = True
        for path in paths:
            value, missing = field_at(ctx.resolver, keywords, path)
            if missing and _changed_later(ctx.resolver, call, keywords, path, False):
                missing = False  # `estimator.checkpoint_s3_uri = ...` later: not absent
            if value is not None and _changed_later(ctx.resolver, call, keywords, path, True):
                # `trainer.stopping_condition = ...` or `compute.instance_type = ...` later:
                # what the job is sent is not the call's.
                certain_absence = False
                break
            if value is not None:
                found[attribute] = value
                break
            certain_absence = certain_absence and missing
        if attribute not in found and certain_absence:
            absent.add(attribute)
    site = CallSite(call, label)
    job = TrainingJob(
        site, found, frozenset(absent), is_update, paths=fields,
        max_run_default=max_run_default(fields),
    )
    ctx.facts.training_jobs.append(job)
    _preferences(ctx, job)
    groups = found.get(INSTANCE_GROUPS)
    if groups is not None:
        job.group_types = group_types(ctx.resolver, groups.value)
    environment = found.get(ENVIRONMENT)
    if environment is not None:
        ctx.facts.env_mappings.append(
            EnvMapping(site, environment.anchor, environment.value, False, None, serving=False)
        )
    return job


def _changed_later(
    resolver: Resolver, call: cst.Call, keywords: Keywords, path: Tuple[str, ...],
    stores_only: bool,
) -> bool:
    """Whether the setting at `path` may be given after construction: the job's object has
    the attribute set (or, for a missing setting, read) later, or so has the config object
    a two-name path reads (`compute.enable_managed_spot_training = True`)."""
    if resolver.attribute_touched(call, path[0], stores_only):
        return True
    if len(path) < 2:
        return False
    first = keywords.get(path[0])
    return (
        first is not None
        and isinstance(first.value, ObjectValue)
        and resolver.attribute_touched(first.value.call, path[1], stores_only)
    )


def field_at(
    resolver: Resolver, keywords: Keywords, path: Tuple[str, ...]
) -> Tuple[Optional[Field], bool]:
    """The field at a keyword path, and whether its absence is certain."""
    first = keywords.get(path[0])
    if first is None:
        return None, keywords.closed
    if len(path) == 1:
        return Field(first.anchor, first.value), False
    container = first.value
    if isinstance(container, ObjectValue) and container.qualified_name in TRAINING_CONFIGS:
        inner = resolver.keywords(container.call)
        keyword = inner.get(path[1])
        if keyword is None:
            return None, inner.closed
        lax = container.qualified_name in LAX_CONFIGS
        return Field(keyword.anchor, keyword.value, lax), False
    if isinstance(container, DictValue):
        for entry in reversed(container.effective_entries()):
            if entry.key == path[1] and entry.key_node is not None:
                # A snake_case key is a field of a v3 pydantic config given as a dict
                # (`resource_config={...}`): validated, so lax; boto3 keys are PascalCase.
                return Field(entry.key_node, entry.value, path[1].islower()), False
        return None, container.closed and not container.has_key(path[1])
    return None, False


# SM213: the instance groups' types. `InstanceGroup(instance_group_name, instance_type,
# instance_count)` in SDK v2; the v3 shape takes keywords.
_INSTANCE_GROUPS = frozenset(
    {"sagemaker.instance_group.InstanceGroup", "sagemaker.InstanceGroup"}
) | v3("shape:InstanceGroup")


def group_types(resolver: Resolver, value: Value) -> Tuple[Field, ...]:
    """The instance type each group of a known list writes (a dict's `InstanceType`, a v3
    pydantic dict's `instance_type`, an `InstanceGroup(...)`'s)."""
    found = []
    for item in value.items if isinstance(value, ListValue) else ():
        if isinstance(item, DictValue):
            fields = dict_keywords(item)
            written = fields.get("InstanceType") or fields.get("instance_type")
        elif isinstance(item, ObjectValue) and item.qualified_name in _INSTANCE_GROUPS:
            written = argument(resolver, item.call, resolver.keywords(item.call), 1, "instance_type")
        else:
            continue
        if written is not None:
            found.append(Field(written.anchor, written.value))
    return tuple(found)


# What a job's instance preferences exclude (SM316), by canonical attribute.
EXCLUDED_BY_PREFERENCES = (INSTANCE_TYPE, INSTANCE_GROUPS, INSTANCE_PLACEMENT, SPOT, "instance count")


def _preferences(ctx: Context, job: TrainingJob) -> None:
    """A job with instance preferences: the fact SM316 reads, and its preferred types for
    the instance-type rules (the platform may pick any of them)."""
    field = job.fields.get(INSTANCE_PREFERENCES)
    if field is None:
        return
    entries = preference_entries(ctx.resolver, field.value)
    job.preferred_types = tuple(
        entry.instance_type.value.value
        for entry in entries or ()
        if entry.instance_type is not None
        and isinstance(entry.instance_type.value, Scalar)
        and isinstance(entry.instance_type.value.value, str)
    )
    settings = {
        attribute: job.fields[attribute]
        for attribute in EXCLUDED_BY_PREFERENCES
        if attribute in job.fields
    }
    ctx.facts.instance_preferences.append(
        InstancePreferences(job.site, field, settings, entries=entries)
    )


def trainer_setter(ctx: Context, call: cst.Call, label: str) -> None:
    """`trainer.with_checkpoint_config(...)` (or chained on the constructor): the setting is
    given after construction, so the job's call no longer shows it missing."""
    assert isinstance(call.func, cst.Attribute)
    attribute = TRAINER_SETTERS[call.func.attr.value]
    receiver = bound(ctx.resolver, call.func.value)
    for job in ctx.facts.training_jobs:
        if job.site.call is receiver and attribute in job.absent:
            job.absent = job.absent - {attribute}
