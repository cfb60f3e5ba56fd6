"""Values sent to API fields that have a generated range (SM214, `api_tables.RANGES`), on every
surface that writes them: SDK v2 and v3 classes, v3 shapes and core resources, boto3 and the
SDK's `Session`. Each becomes an `ApiValue` naming the API path the value reaches; the rule
decides which paths it owns (`api_owners.OWNED`) and reads the range from the table.

Read elsewhere: a variant's or a deploy's volume size and provisioning timeout are in the
`Deploy` facts (`Deploy.keywords`), which SM214 reads directly.

A pydantic shape is claimed where it is built (`DataCaptureConfig(initial_sampling_percentage=
150)`), whatever it is passed to; boto3 and Session calls are walked through their dicts, and
v3 core `create` calls through dicts and the shapes of `sagemaker.core` they are given (a shape
without a role of its own, such as `InferenceComponentRuntimeConfig`).
"""

from __future__ import annotations

from typing import Iterable, Optional, Tuple

import libcst as cst

from sagelint.analysis.resolve import DictValue, Keyword, Keywords, ObjectValue, Scalar, Value
from sagelint.catalog import (
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_IC_COMPUTE_REQUIREMENTS,
    CORE_INFERENCE_COMPONENT_CREATE,
    CORE_PROCESSING_JOB_CREATE,
    CORE_TRAINING_JOB_CREATE,
    CORE_TRANSFORM_JOB_CREATE,
    CORE_TUNING_JOB_CREATE,
    PROCESSING_CLUSTER_CONFIGS,
    PROCESSORS,
    STOPPING_CONDITIONS,
    TRAINING_JOB_DEFINITIONS,
    V3_PROCESSORS,
    v3,
)
from sagelint.catalog_classes import Catalog
from sagelint.surfaces.common import Context, argument, dict_keywords, items
from sagelint.surfaces.facts import ApiValue, CallSite, InstanceTypeUse
from sagelint.surfaces.keys import Phase, Receiver, Table, method

PACKAGES = frozenset({"sagemaker", "boto3", "aws_cdk"})

# The API paths (keys of `api_tables.RANGES`).
_EC = "CreateEndpointConfig."
SAMPLING = _EC + "DataCaptureConfig.InitialSamplingPercentage"
ASYNC_CONCURRENCY = _EC + "AsyncInferenceConfig.ClientConfig.MaxConcurrentInvocationsPerInstance"
_IC = "CreateInferenceComponent."
_IC_COMPUTE = _IC + "Specification.ComputeResourceRequirements."
COPY_COUNT = _IC + "RuntimeConfig.CopyCount"
_PJ = "CreateProcessingJob."
PROCESSING_COUNT = _PJ + "ProcessingResources.ClusterConfig.InstanceCount"
PROCESSING_VOLUME = _PJ + "ProcessingResources.ClusterConfig.VolumeSizeInGB"
PROCESSING_RUNTIME = _PJ + "StoppingCondition.MaxRuntimeInSeconds"
INVOCATIONS_TIMEOUT = "CreateTransformJob.ModelClientConfig.InvocationsTimeoutInSeconds"
MAX_PENDING = "CreateTrainingJob.StoppingCondition.MaxPendingTimeInSeconds"
TUNING_RUNTIME = (
    "CreateHyperParameterTuningJob.HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds"
)

# (keyword or dict-key path, API path): how one surface spells the fields.
_Spec = Tuple[Tuple[Tuple[str, ...], str], ...]
_COMPUTE_FIELDS = (
    "NumberOfCpuCoresRequired", "MinMemoryRequiredInMb", "MaxMemoryRequiredInMb",
    "NumberOfAcceleratorDevicesRequired",
)


def _snake(name: str) -> str:
    """The pydantic (sagemaker-core) name of an API member: `MinMemoryRequiredInMb` ->
    `min_memory_required_in_mb` (acronyms are not in these names)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


_PROCESSOR: _Spec = (
    (("instance_count",), PROCESSING_COUNT),
    (("volume_size_in_gb",), PROCESSING_VOLUME),
    (("max_runtime_in_seconds",), PROCESSING_RUNTIME),
)
_CLUSTER_SHAPE: _Spec = (
    (("instance_count",), PROCESSING_COUNT),
    (("volume_size_in_gb",), PROCESSING_VOLUME),
)
_COMPUTE_SHAPE: _Spec = tuple(((_snake(f),), _IC_COMPUTE + f) for f in _COMPUTE_FIELDS)
_BOTO3_ENDPOINT_CONFIG: _Spec = (
    (("DataCaptureConfig", "InitialSamplingPercentage"), SAMPLING),
    (("AsyncInferenceConfig", "ClientConfig", "MaxConcurrentInvocationsPerInstance"), ASYNC_CONCURRENCY),
)
_SESSION_ENDPOINT_CONFIG: _Spec = (
    (("data_capture_config_dict", "InitialSamplingPercentage"), SAMPLING),
    (("async_inference_config_dict", "ClientConfig", "MaxConcurrentInvocationsPerInstance"), ASYNC_CONCURRENCY),
)
_CORE_ENDPOINT_CONFIG: _Spec = (
    (("data_capture_config", "initial_sampling_percentage"), SAMPLING),
    (("async_inference_config", "client_config", "max_concurrent_invocations_per_instance"), ASYNC_CONCURRENCY),
)
_BOTO3_COMPONENT: _Spec = (
    *((("Specification", "ComputeResourceRequirements", f), _IC_COMPUTE + f) for f in _COMPUTE_FIELDS),
    (("RuntimeConfig", "CopyCount"), COPY_COUNT),
)
_SESSION_COMPONENT: _Spec = (
    *((("specification", "ComputeResourceRequirements", f), _IC_COMPUTE + f) for f in _COMPUTE_FIELDS),
    (("runtime_config", "CopyCount"), COPY_COUNT),
)
_CORE_COMPONENT: _Spec = (
    *(
        (("specification", "compute_resource_requirements", _snake(f)), _IC_COMPUTE + f)
        for f in _COMPUTE_FIELDS
    ),
    (("runtime_config", "copy_count"), COPY_COUNT),
)
_BOTO3_PROCESSING: _Spec = (
    (("ProcessingResources", "ClusterConfig", "InstanceCount"), PROCESSING_COUNT),
    (("ProcessingResources", "ClusterConfig", "VolumeSizeInGB"), PROCESSING_VOLUME),
    (("StoppingCondition", "MaxRuntimeInSeconds"), PROCESSING_RUNTIME),
)
_CORE_PROCESSING: _Spec = (
    (("processing_resources", "cluster_config", "instance_count"), PROCESSING_COUNT),
    (("processing_resources", "cluster_config", "volume_size_in_gb"), PROCESSING_VOLUME),
    (("stopping_condition", "max_runtime_in_seconds"), PROCESSING_RUNTIME),
)
_BOTO3_TRANSFORM: _Spec = ((("ModelClientConfig", "InvocationsTimeoutInSeconds"), INVOCATIONS_TIMEOUT),)
_SDK_TRANSFORM: _Spec = ((("model_client_config", "InvocationsTimeoutInSeconds"), INVOCATIONS_TIMEOUT),)
_CORE_TRANSFORM: _Spec = (
    (("model_client_config", "invocations_timeout_in_seconds"), INVOCATIONS_TIMEOUT),
)
_BOTO3_TRAINING: _Spec = ((("StoppingCondition", "MaxPendingTimeInSeconds"), MAX_PENDING),)
_CORE_TRAINING: _Spec = ((("stopping_condition", "max_pending_time_in_seconds"), MAX_PENDING),)
_BOTO3_TUNING: _Spec = (
    (("HyperParameterTuningJobConfig", "ResourceLimits", "MaxRuntimeInSeconds"), TUNING_RUNTIME),
)
_CORE_TUNING: _Spec = (
    (("hyper_parameter_tuning_job_config", "resource_limits", "max_runtime_in_seconds"), TUNING_RUNTIME),
)

# AWS CDK (aws-cdk-lib 2.275.0): `CfnEndpointConfig(data_capture_config=..., async_inference_config=...)`
# with `...Property(...)` calls or dicts in the Python or the CloudFormation spelling.
_CORE = "sagemaker.core."
_CDK = "aws_cdk.aws_sagemaker."
_CDK_ENDPOINT_CONFIG = _CDK + "CfnEndpointConfig"
_CDK_CONFIG: _Spec = (
    (("data_capture_config", "initial_sampling_percentage"), SAMPLING),
    (("data_capture_config", "initialSamplingPercentage"), SAMPLING),
    (("async_inference_config", "client_config", "max_concurrent_invocations_per_instance"), ASYNC_CONCURRENCY),
    (("async_inference_config", "clientConfig", "maxConcurrentInvocationsPerInstance"), ASYNC_CONCURRENCY),
)

# Every API path this surface records (a test holds it to SM214's part of `api_owners.OWNED`).
PATHS = frozenset(
    path
    for spec in (
        _PROCESSOR, _CLUSTER_SHAPE, _COMPUTE_SHAPE, _BOTO3_ENDPOINT_CONFIG, _SESSION_ENDPOINT_CONFIG,
        _CORE_ENDPOINT_CONFIG, _BOTO3_COMPONENT, _SESSION_COMPONENT, _CORE_COMPONENT,
        _BOTO3_PROCESSING, _CORE_PROCESSING, _BOTO3_TRANSFORM, _SDK_TRANSFORM, _CORE_TRANSFORM,
        _BOTO3_TRAINING, _CORE_TRAINING, _BOTO3_TUNING, _CORE_TUNING, _CDK_CONFIG,
    )
    for _, path in spec
)

# SDK classes: v2 `DataCaptureConfig(enable_capture, sampling_percentage=20, ...)` and
# `AsyncInferenceConfig(output_path, max_concurrent_invocations_per_instance, ...)` (SDK
# 2.257.7; v3's take the same keywords); `HyperparameterTuner(..., max_runtime_in_seconds=)`.
_DATA_CAPTURE = frozenset({
    "sagemaker.model_monitor.DataCaptureConfig",
    "sagemaker.model_monitor.data_capture_config.DataCaptureConfig",
}) | v3("data-capture")
_ASYNC = frozenset({
    "sagemaker.async_inference.AsyncInferenceConfig",
    "sagemaker.async_inference.async_inference_config.AsyncInferenceConfig",
}) | v3("async-config")
_TUNERS = frozenset({"sagemaker.tuner.HyperparameterTuner", "sagemaker.HyperparameterTuner"}) | v3(
    "tuner"
)


def _record(ctx: Context, site: CallSite, keyword: Optional[Keyword], path: str) -> None:
    if keyword is not None:
        ctx.facts.api_values.append(ApiValue(site, path, keyword.name, keyword.value))


def _walk(ctx: Context, keywords: Keywords, names: Tuple[str, ...], shapes: str) -> Optional[Keyword]:
    """The keyword at the end of a path of keywords and dict keys; a step may also be a call
    of a class whose name starts with `shapes` (a v3 core shape, a CDK property), whose
    keywords are read."""
    found: Optional[Keywords] = keywords
    for name in names[:-1]:
        step = found.get(name) if found is not None else None
        value = step.value if step is not None else None
        if isinstance(value, DictValue):
            found = dict_keywords(value)
        elif shapes and isinstance(value, ObjectValue) and value.qualified_name.startswith(shapes):
            found = ctx.resolver.keywords(value.call)
        else:
            return None
    return found.get(names[-1]) if found is not None else None


class _Route:
    """A route that records every field of a spec the call writes."""

    def __init__(self, spec: _Spec, shapes: str = "") -> None:
        self.spec = spec
        self.shapes = shapes

    def __call__(self, ctx: Context, call: cst.Call, label: str) -> None:
        keywords = ctx.resolver.keywords(call)
        site = CallSite(call, label)
        for names, path in self.spec:
            _record(ctx, site, _walk(ctx, keywords, names, self.shapes), path)


# -- a tuning job's instance types (SM213) --------------------------------------------------
# A v3 `HyperParameterTrainingJobDefinition`'s `resource_config` is read as a training job's
# (`surfaces/sdk_v3.py`); boto3's definitions' `ResourceConfig` (and its instance groups) and
# every `HyperParameterTuningResourceConfig` (its `InstanceType` and each of its
# `InstanceConfigs`) only here. The training enum applies to all (`api_tables.MEMBER_ENUM`).
def tuning_job(ctx: Context, call: cst.Call, label: str) -> None:
    """boto3 `create_hyper_parameter_tuning_job(...)`: its max run time (SM214) and the
    instance types of its training job definitions (SM213)."""
    _Route(_BOTO3_TUNING)(ctx, call, label)
    keywords = ctx.resolver.keywords(call)
    site = CallSite(call, label)
    single = keywords.get("TrainingJobDefinition")
    listed = keywords.get("TrainingJobDefinitions")
    definitions = [single.value] if single is not None else []
    definitions.extend(items(listed.value) if listed is not None else ())
    for definition in definitions:
        if not isinstance(definition, DictValue):
            continue
        fields = dict_keywords(definition)
        _tuning_types(ctx, site, fields.get("ResourceConfig"), "InstanceType", "InstanceGroups")
        _tuning_types(
            ctx, site, fields.get("HyperParameterTuningResourceConfig"), "InstanceType",
            "InstanceConfigs",
        )


def training_job_definition(ctx: Context, call: cst.Call, label: str) -> None:
    """A v3 `HyperParameterTrainingJobDefinition(...)`: its tuning resource config (a shape
    or a dict of snake_case keys)."""
    keywords = ctx.resolver.keywords(call)
    _tuning_types(
        ctx, CallSite(call, label), keywords.get("hyper_parameter_tuning_resource_config"),
        "instance_type", "instance_configs",
    )


def _tuning_types(
    ctx: Context, site: CallSite, config: Optional[Keyword], key: str, listed: str
) -> None:
    """The instance type of a resource config and of each entry of its list (instance
    groups, instance configs), as training-API instance types."""
    fields = _fields(ctx, config.value) if config is not None else None
    if fields is None:
        return
    found = [fields.get(key)]
    entries = fields.get(listed)
    for entry in items(entries.value) if entries is not None else ():
        inner = _fields(ctx, entry)
        found.append(inner.get(key) if inner is not None else None)
    for keyword in found:
        if keyword is not None:
            ctx.facts.instance_types.append(InstanceTypeUse(site, "training", keyword.value))


def _fields(ctx: Context, value: Value) -> Optional[Keywords]:
    """A dict's entries or a `sagemaker.core` shape's keywords."""
    if isinstance(value, DictValue):
        return dict_keywords(value)
    if isinstance(value, ObjectValue) and value.qualified_name.startswith(_CORE):
        return ctx.resolver.keywords(value.call)
    return None


# v3 `ResourceRequirements(requests={...}, limits={...})` as `ModelBuilder.deploy` sends it
# (sagemaker-core 2.27.0 `get_compute_resource_requirements`): `memory` always, the others
# only when truthy (a 0 is left out, so it is not checked).
_REQUESTS = (
    ("requests", "memory", _IC_COMPUTE + "MinMemoryRequiredInMb", False),
    ("requests", "num_cpus", _IC_COMPUTE + "NumberOfCpuCoresRequired", True),
    ("requests", "num_accelerators", _IC_COMPUTE + "NumberOfAcceleratorDevicesRequired", True),
    ("requests", "copies", COPY_COUNT, False),
    ("limits", "memory", _IC_COMPUTE + "MaxMemoryRequiredInMb", True),
)


# SDK v2's class (for `model.deploy(resources=...)`) reads them the same way (SDK 2.257.7).
_RESOURCE_REQUIREMENTS = frozenset({
    "sagemaker.compute_resource_requirements.ResourceRequirements",
    "sagemaker.compute_resource_requirements.resource_requirements.ResourceRequirements",
}) | v3("resource-requirements")


def resource_requirements(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    site = CallSite(call, label)
    for argument_name, key, path, if_truthy in _REQUESTS:
        given = argument(ctx.resolver, call, keywords, 0 if argument_name == "requests" else 1, argument_name)
        if given is None or not isinstance(given.value, DictValue):
            continue
        found = dict_keywords(given.value).get(key)
        if found is None:
            continue
        if if_truthy and isinstance(found.value, Scalar) and not found.value.value:
            continue  # left out of the request
        _record(ctx, site, found, path)


def data_capture(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    found = argument(ctx.resolver, call, keywords, 1, "sampling_percentage")
    _record(ctx, CallSite(call, label), found, SAMPLING)


def async_config(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    found = argument(ctx.resolver, call, keywords, 1, "max_concurrent_invocations_per_instance")
    _record(ctx, CallSite(call, label), found, ASYNC_CONCURRENCY)


def _add(routes: Table, names: Iterable[str], route: _Route, label: str = "") -> None:
    """Claim each name; without a label, a call is named by its class."""
    for name in sorted(names):
        routes.add(name, route, label or name.rsplit(".", 1)[-1])


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name in sorted(_DATA_CAPTURE):
        routes.add(name, data_capture, "DataCaptureConfig")
    for name in sorted(_RESOURCE_REQUIREMENTS):
        routes.add(name, resource_requirements, "ResourceRequirements")
    for name in sorted(_ASYNC):
        routes.add(name, async_config, "AsyncInferenceConfig")
    concurrency = (("max_concurrent_invocations_per_instance",), ASYNC_CONCURRENCY)
    _add(routes, v3("shape:DataCaptureConfig"), _Route(((("initial_sampling_percentage",), SAMPLING),)), "DataCaptureConfig")
    _add(routes, v3("shape:AsyncInferenceClientConfig"), _Route((concurrency,)), "AsyncInferenceClientConfig")
    _add(
        routes, v3("shape:AsyncInferenceConfig"),
        _Route(((("client_config", *concurrency[0]), ASYNC_CONCURRENCY),)), "AsyncInferenceConfig",
    )
    _add(routes, CORE_IC_COMPUTE_REQUIREMENTS, _Route(_COMPUTE_SHAPE), "InferenceComponentComputeResourceRequirements")
    _add(routes, PROCESSORS | V3_PROCESSORS, _Route(_PROCESSOR))
    _add(routes, PROCESSING_CLUSTER_CONFIGS, _Route(_CLUSTER_SHAPE), "ProcessingClusterConfig")
    _add(
        routes, v3("shape:ProcessingStoppingCondition"),
        _Route(((("max_runtime_in_seconds",), PROCESSING_RUNTIME),)), "ProcessingStoppingCondition",
    )
    _add(
        routes, STOPPING_CONDITIONS, _Route(((("max_pending_time_in_seconds",), MAX_PENDING),)),
        "StoppingCondition",
    )
    _add(routes, _TUNERS, _Route(((("max_runtime_in_seconds",), TUNING_RUNTIME),)))
    # v3 core resources: dicts and shapes on the way.
    _add(routes, CORE_ENDPOINT_CONFIG_CREATE, _Route(_CORE_ENDPOINT_CONFIG, _CORE), "EndpointConfig.create")
    _add(routes, CORE_INFERENCE_COMPONENT_CREATE, _Route(_CORE_COMPONENT, _CORE), "InferenceComponent.create")
    _add(routes, CORE_PROCESSING_JOB_CREATE, _Route(_CORE_PROCESSING, _CORE), "ProcessingJob.create")
    _add(routes, CORE_TRANSFORM_JOB_CREATE, _Route(_CORE_TRANSFORM, _CORE), "TransformJob.create")
    _add(routes, CORE_TRAINING_JOB_CREATE, _Route(_CORE_TRAINING, _CORE), "TrainingJob.create")
    _add(routes, CORE_TUNING_JOB_CREATE, _Route(_CORE_TUNING, _CORE), "HyperParameterTuningJob.create")
    routes.add(_CDK_ENDPOINT_CONFIG, _Route(_CDK_CONFIG, _CDK), "CfnEndpointConfig")
    routes.add(
        _CDK_ENDPOINT_CONFIG + ".DataCaptureConfigProperty",
        _Route(((("initial_sampling_percentage",), SAMPLING),)), "DataCaptureConfigProperty",
    )
    routes.add(
        _CDK_ENDPOINT_CONFIG + ".AsyncInferenceClientConfigProperty", _Route((concurrency,)),
        "AsyncInferenceClientConfigProperty",
    )
    # boto3 (also a v3 `Session.sagemaker_client`) and the SDK's Session: API dicts.
    for name, spec in (
        ("create_endpoint_config", _BOTO3_ENDPOINT_CONFIG),
        ("create_inference_component", _BOTO3_COMPONENT),
        ("create_processing_job", _BOTO3_PROCESSING),
        ("create_transform_job", _BOTO3_TRANSFORM),
        ("create_training_job", _BOTO3_TRAINING),
    ):
        routes.add(method(name, Receiver.CLIENT), _Route(spec), name)
    routes.add(
        method("create_hyper_parameter_tuning_job", Receiver.CLIENT), tuning_job,
        "create_hyper_parameter_tuning_job",
    )
    for name in sorted(TRAINING_JOB_DEFINITIONS):
        routes.add(name, training_job_definition, "HyperParameterTrainingJobDefinition")
    for name, spec in (
        ("create_endpoint_config", _SESSION_ENDPOINT_CONFIG),
        ("endpoint_from_production_variants", _SESSION_ENDPOINT_CONFIG),
        ("create_inference_component", _SESSION_COMPONENT),
    ):
        routes.add(method(name, Receiver.SESSION), _Route(spec), name)
    routes.add(method("transform", Receiver.TRANSFORMER), _Route(_SDK_TRANSFORM), "transform", Phase.METHOD)
    return routes
