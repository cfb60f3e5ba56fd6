"""Processing and transform jobs: the checks they share with training jobs, on SDK v2, SDK
v3, boto3 (also through a v3 `Session.sagemaker_client`) and the v3 core resources.

- **Environment** (SM103 values are strings, SM107 keys are valid, SM501 no secrets, also in
  the `tags` of the SDK classes and core resources): SDK v2 processors (`Processor`,
  `ScriptProcessor`, `SKLearnProcessor`, `PySparkProcessor`, ...) and v3 processors (`env=`),
  v2 and v3 `Transformer(env=...)`, boto3 `create_processing_job` /
  `create_transform_job(Environment=...)`, core `ProcessingJob.create` /
  `TransformJob.create(environment=...)`. A processing or transform container is no model
  server: the serving timeouts (SM101, SM102, SM104 to SM106, SM109) do not apply.
  (`model.transformer(env=...)` is read by `surfaces/sdk_v2.py`.)
- **Names** (SM401): `Transformer(base_transform_job_name=...)` goes through `name_from_base`
  (shortened, characters kept: SDK 2.257.7 and sagemaker-core 2.27.0 alike);
  `transformer.transform(job_name=...)`, core `processing_job_name` / `transform_job_name`
  and the model a transform job names (`Transformer(model_name, ...)`,
  `TransformJob.create(model_name=...)`) are used as written. A v3 processor replaces every
  character but letters, digits and `-` in its `base_job_name` by `-` before it shortens it:
  not checked. v2 processors' `base_job_name`, `processor.run(job_name=...)` (v2 and v3) and
  the boto3 names are read by `surfaces/resources.py`: both surfaces claim these calls, each
  adds its own facts.
- **Instance storage** (SM307, SM308): the instance type (or each preferred type), volume
  size and volume KMS key of a processing job (processors, boto3 `ProcessingResources.
  ClusterConfig`, the core `ProcessingClusterConfig` shape) or a transform job (`Transformer`,
  `model.transformer(...)` / `estimator.transformer(...)`, boto3 and core `TransformResources`;
  a transform job has no volume size). botocore 1.44.18 documents, for
  `ProcessingClusterConfig.VolumeKmsKeyId` and `TransformResources.VolumeKmsKeyId`: "You can't
  request a VolumeKmsKeyId when using an instance type with local storage", and for
  `ProcessingClusterConfig.VolumeSizeInGB` that local instance storage is mounted instead of
  EBS and a size above it cannot be requested.
- **Instance preferences** (SM316): v3 `Processor(instance_preferences=[...])`, core
  `ProcessingClusterConfig(instance_preferences=...)` and boto3
  `ProcessingResources.ClusterConfig.InstancePreferences`, with the instance type and count
  the same job writes (a processing job has no instance groups, placement or spot).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import libcst as cst

from sagelint import names as n
from sagelint.analysis.resolve import DictValue, Keyword, Keywords, ListValue, ObjectValue, Value
from sagelint.catalog import (
    CORE_PROCESSING_JOB_CREATE,
    CORE_TRANSFORM_JOB_CREATE,
    INSTANCE_TYPE,
    PROCESSING_CLUSTER_CONFIGS,
    PROCESSING_PREFERENCES,
    PROCESSORS,
    TRANSFORM_RESOURCES,
    TRANSFORMERS,
    V3_PROCESSORS,
)
from sagelint.catalog_classes import Catalog
from sagelint.surfaces.common import Context, argument, dict_keywords, preference_entries
from sagelint.surfaces.facts import (
    CallSite,
    ConfigValues,
    EnvMapping,
    Field,
    InstancePreferences,
    JobStorage,
    ResourceName,
)
from sagelint.surfaces.keys import Phase, Receiver, Table, method

PACKAGES = frozenset({"sagemaker", "boto3"})

_PROCESSING = ("processing job", "CreateProcessingJob")
_TRANSFORM = ("transform job", "CreateTransformJob")
_COUNT = "instance count"  # the attribute name SM316's settings use


# -- SDK v2 and v3 classes -------------------------------------------------------------------
def processor(ctx: Context, call: cst.Call, label: str) -> None:
    """A v2 processor: its env and instance storage (its settings are keywords only in
    every v2 processor class)."""
    keywords = _environment_of(ctx, call, label, "env")
    _storage(ctx, CallSite(call, label), _PROCESSING, keywords, _SDK_PROCESSING)


def v3_processor(ctx: Context, call: cst.Call, label: str) -> None:
    """A v3 `Processor` / `ScriptProcessor` / `FrameworkProcessor`: as v2's, plus its
    instance preferences (dicts of `InstanceType` / `InstanceCount`)."""
    keywords = _environment_of(ctx, call, label, "env")
    site = CallSite(call, label)
    _storage(ctx, site, _PROCESSING, keywords, _SDK_PROCESSING)
    _preferences(ctx, site, keywords, _SDK_PROCESSING)


def transformer(ctx: Context, call: cst.Call, label: str) -> None:
    """`Transformer(model_name, instance_count, instance_type, ..., env=...,
    base_transform_job_name=..., volume_kms_key=...)`, v2 or v3."""
    keywords = _environment_of(ctx, call, label, "env")
    site = CallSite(call, label)
    instance_type = argument(ctx.resolver, call, keywords, 2, "instance_type")
    _storage(ctx, site, _TRANSFORM, keywords, _SDK_TRANSFORM, instance_type)
    _name(
        ctx, site, keywords, "base_transform_job_name", n.TRANSFORM_JOB, n.DEFAULT_SHORTENING,
        job=True,
    )
    model = argument(ctx.resolver, call, keywords, 0, "model_name")
    _name(ctx, site, keywords, "model_name", n.MODEL, given=model)


def transform(ctx: Context, call: cst.Call, label: str) -> None:
    """`transformer.transform(data, ..., job_name=...)`: the name is used as written."""
    keywords = ctx.resolver.keywords(call)
    _name(ctx, _method_site(call, label), keywords, "job_name", n.TRANSFORM_JOB, job=True)


def transformer_of(ctx: Context, call: cst.Call, label: str) -> None:
    """`model.transformer(instance_count, instance_type, ..., volume_kms_key=...)` and
    `estimator.transformer(...)`: the Transformer they build takes these as they are (SDK
    2.257.7); its env is read by `surfaces/sdk_v2.py`, its base name is the model's or the
    estimator's."""
    keywords = ctx.resolver.keywords(call)
    instance_type = argument(ctx.resolver, call, keywords, 1, "instance_type")
    _storage(ctx, _method_site(call, label), _TRANSFORM, keywords, _SDK_TRANSFORM, instance_type)


# -- boto3 -----------------------------------------------------------------------------------
def create_processing_job(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = _environment_of(ctx, call, label, "Environment", tags=None)
    site = CallSite(call, label)
    cluster = _dict_at(keywords, ("ProcessingResources", "ClusterConfig"))
    if cluster is not None:
        _storage(ctx, site, _PROCESSING, cluster, _API_PROCESSING)
        _preferences(ctx, site, cluster, _API_PROCESSING)


def create_transform_job(ctx: Context, call: cst.Call, label: str) -> None:
    """Its `TransformJobName` and `ModelName` are read by `surfaces/resources.py`."""
    keywords = _environment_of(ctx, call, label, "Environment", tags=None)
    resources = _dict_at(keywords, ("TransformResources",))
    if resources is not None:
        _storage(ctx, CallSite(call, label), _TRANSFORM, resources, _API_TRANSFORM)


# -- core resources and shapes ---------------------------------------------------------------
def core_processing_job_create(ctx: Context, call: cst.Call, label: str) -> None:
    """`ProcessingJob.create(processing_job_name=..., environment=...)`; its cluster is read
    where the `ProcessingClusterConfig(...)` shape is built."""
    keywords = _environment_of(ctx, call, label, "environment")
    _name(ctx, CallSite(call, label), keywords, "processing_job_name", n.PROCESSING_JOB)


def core_transform_job_create(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = _environment_of(ctx, call, label, "environment")
    site = CallSite(call, label)
    _name(ctx, site, keywords, "transform_job_name", n.TRANSFORM_JOB)
    _name(ctx, site, keywords, "model_name", n.MODEL)


def processing_cluster_config(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    site = CallSite(call, label)
    _storage(ctx, site, _PROCESSING, keywords, _SHAPE_PROCESSING)
    _preferences(ctx, site, keywords, _SHAPE_PROCESSING)


def transform_resources(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    _storage(ctx, CallSite(call, label), _TRANSFORM, keywords, _SHAPE_TRANSFORM)


# -- shared ----------------------------------------------------------------------------------
# How each surface spells the settings: instance type, volume size (None: the API has none),
# volume KMS key, instance preferences, instance count, and a preference's instance type.
_Names = Tuple[str, Optional[str], str, str, str, str]
_SDK_PROCESSING: _Names = (
    "instance_type", "volume_size_in_gb", "volume_kms_key", "instance_preferences",
    "instance_count", "InstanceType",
)
_SDK_TRANSFORM: _Names = ("instance_type", None, "volume_kms_key", "", "", "")
_API_PROCESSING: _Names = (
    "InstanceType", "VolumeSizeInGB", "VolumeKmsKeyId", "InstancePreferences", "InstanceCount",
    "InstanceType",
)
_API_TRANSFORM: _Names = ("InstanceType", None, "VolumeKmsKeyId", "", "", "")
_SHAPE_PROCESSING: _Names = (
    "instance_type", "volume_size_in_gb", "volume_kms_key_id", "instance_preferences",
    "instance_count", "instance_type",
)
_SHAPE_TRANSFORM: _Names = ("instance_type", None, "volume_kms_key_id", "", "", "")


def _method_site(call: cst.Call, label: str) -> CallSite:
    """A method call named by its receiver in messages (`model.transformer(...)`)."""
    assert isinstance(call.func, cst.Attribute)
    receiver = call.func.value
    named = f"{receiver.value}.{label}" if isinstance(receiver, cst.Name) else label
    return CallSite(call, named)


def _environment_of(
    ctx: Context, call: cst.Call, label: str, name: str, tags: Optional[str] = "tags"
) -> Keywords:
    """The call's keywords, after recording its environment (an env assigned later,
    `processor.env = ...`, is not the one given here: then it is left alone) and its tags
    (SM501; a boto3 call's `Tags` are read by `surfaces/resources.py`)."""
    keywords = ctx.resolver.keywords(call)
    site = CallSite(call, label)
    env = keywords.get(name)
    if env is not None and not ctx.resolver.attribute_touched(call, name):
        ctx.facts.env_mappings.append(
            EnvMapping(site, env.anchor, env.value, False, None, serving=False)
        )
    written = keywords.get(tags) if tags is not None else None
    if written is not None:
        ctx.facts.config_values.append(ConfigValues(site, "tags", written.value))
    return keywords


def _storage(
    ctx: Context,
    site: CallSite,
    job: Tuple[str, str],
    keywords: Keywords,
    names: _Names,
    instance_type: Optional[Keyword] = None,
) -> None:
    type_name, size_name, kms_name, preferences_name = names[:4]
    size = keywords.get(size_name) if size_name is not None else None
    kms = keywords.get(kms_name)
    if instance_type is None:
        instance_type = keywords.get(type_name)
    preferred: Tuple[Field, ...] = ()
    if preferences_name:
        listed = keywords.get(preferences_name)
        preferred = _preferred_types(ctx, listed.value, names[5]) if listed else ()
    if size is None and kms is None and instance_type is None and not preferred:
        return  # nothing for a rule to report (SM213 checks the instance types)
    ctx.facts.job_storage.append(
        JobStorage(
            site, job[0], job[1], _as_field(instance_type), preferred, _as_field(size),
            _as_field(kms),
        )
    )


def _preferences(ctx: Context, site: CallSite, keywords: Keywords, names: _Names) -> None:
    listed = keywords.get(names[3])
    if listed is None:
        return
    settings: Dict[str, Field] = {}
    for attribute, name in ((INSTANCE_TYPE, names[0]), (_COUNT, names[4])):
        field = _as_field(keywords.get(name))
        if field is not None:
            settings[attribute] = field
    ctx.facts.instance_preferences.append(
        InstancePreferences(
            site, Field(listed.anchor, listed.value), settings,
            entries=preference_entries(ctx.resolver, listed.value), api="processing",
        )
    )


def _preferred_types(ctx: Context, value: Value, key: str) -> Tuple[Field, ...]:
    """The instance type of each preference whose type is written: a dict's `InstanceType`
    entry (v3 processors, boto3), or a `ProcessingInstancePreference(instance_type=...)`."""
    found = []
    for item in value.items if isinstance(value, ListValue) else ():
        fields: Optional[Keywords] = None
        if isinstance(item, DictValue):
            fields = dict_keywords(item)
        elif isinstance(item, ObjectValue) and item.qualified_name in PROCESSING_PREFERENCES:
            fields = ctx.resolver.keywords(item.call)
        written = fields.get(key) if fields is not None else None
        if written is not None:
            found.append(Field(written.anchor, written.value))
    return tuple(found)


def _dict_at(keywords: Keywords, path: Tuple[str, ...]) -> Optional[Keywords]:
    """The entries of the dict a boto3 keyword path leads to (`ProcessingResources` then
    `ClusterConfig`); None when some step is not a known dict."""
    found: Optional[Keywords] = keywords
    for name in path:
        step = found.get(name) if found is not None else None
        if step is None or not isinstance(step.value, DictValue):
            return None
        found = dict_keywords(step.value)
    return found


def _as_field(keyword: Optional[Keyword]) -> Optional[Field]:
    return Field(keyword.anchor, keyword.value) if keyword is not None else None


def _name(
    ctx: Context,
    site: CallSite,
    keywords: Keywords,
    field: str,
    kind: n.NameKind,
    shortened: Optional[n.Shortening] = None,
    given: Optional[Keyword] = None,  # when written by position
    job: bool = False,
) -> None:
    """A name the API validates. `job`: an SDK job name, which a SageMaker Pipeline drops
    from its steps; a core resource's name is not (`create` calls the API at once), nor is a
    model's (the transform job names an existing model)."""
    keyword = given if given is not None else keywords.get(field)
    if keyword is not None and keyword.arg is not None:
        ctx.facts.names.append(
            ResourceName(site, f"`{field}`", kind, keyword.arg.value, shortened, job)
        )


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name in sorted(PROCESSORS):
        routes.add(name, processor, name.rsplit(".", 1)[-1])
    for name in sorted(V3_PROCESSORS):
        routes.add(name, v3_processor, name.rsplit(".", 1)[-1])
    for name in sorted(TRANSFORMERS):
        routes.add(name, transformer, "Transformer")
    routes.add(method("transform", Receiver.TRANSFORMER), transform, "transform", Phase.METHOD)
    routes.add(
        method("transformer", Receiver.MODEL, Receiver.ESTIMATOR), transformer_of,
        "transformer", Phase.METHOD,
    )
    routes.add(
        method("create_processing_job", Receiver.CLIENT), create_processing_job,
        "create_processing_job",
    )
    routes.add(
        method("create_transform_job", Receiver.CLIENT), create_transform_job,
        "create_transform_job",
    )
    for name in sorted(CORE_PROCESSING_JOB_CREATE):
        routes.add(name, core_processing_job_create, "ProcessingJob.create")
    for name in sorted(CORE_TRANSFORM_JOB_CREATE):
        routes.add(name, core_transform_job_create, "TransformJob.create")
    for name in sorted(PROCESSING_CLUSTER_CONFIGS):
        routes.add(name, processing_cluster_config, "ProcessingClusterConfig")
    for name in sorted(TRANSFORM_RESOURCES):
        routes.add(name, transform_resources, "TransformResources")
    return routes
