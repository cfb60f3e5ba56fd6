"""Inference components on every surface: boto3 `create_inference_component(Specification=
{...})` (also through a v3 `Session.sagemaker_client`), the SDK Session's
`create_inference_component(...)`, and SDK v3 `InferenceComponent.create(specification=
InferenceComponentSpecification(...))`; and what links a component to the instance type it
runs on: `create_endpoint` / `Endpoint.create` (endpoint -> endpoint config) and the variants
of `create_endpoint_config` / `EndpointConfig.create` (config + variant -> instance type).

A component is created with its own startup parameters (the endpoint's variant carries no
timeouts for it), so each specification is a `Deploy` whose settings are its startup
parameters (SM201-SM205); an adapter component (`BaseInferenceComponentName`) runs inside
its base component and takes no timeouts or compute requirements of its own. Facts: botocore
1.44.18 `CreateInferenceComponentInput`, sagemaker-core 2.27.0 `InferenceComponent.create`
and `session_helper.Session.create_inference_component(inference_component_name,
endpoint_name, variant_name, specification, ...)` (its specification is the boto3 dict).
"""

from __future__ import annotations

from typing import List, Optional, Union

import libcst as cst

from sagelint import names as n
from sagelint.analysis.bindings import DefKind
from sagelint.analysis.resolve import (
    UNKNOWN,
    DictValue,
    Keyword,
    Keywords,
    ObjectValue,
    Scalar,
    Value,
)
from sagelint.catalog import (
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_ENDPOINT_CREATE,
    CORE_IC_COMPUTE_REQUIREMENTS,
    CORE_IC_CONTAINERS,
    CORE_IC_SPECIFICATIONS,
    CORE_IC_STARTUP_PARAMETERS,
    CORE_INFERENCE_COMPONENT_CREATE,
    CORE_PRODUCTION_VARIANTS,
    IC_DEFAULT_MEMORY_MB,
    ClassInfo,
    Kind,
)
from sagelint.catalog_classes import Catalog
from sagelint.surfaces.common import (
    Context,
    argument,
    dict_keywords,
    items,
    known_string,
    model_name_key,
)
from sagelint.surfaces.facts import (
    SHAPE_NAMES,
    VARIANT_NAMES,
    AcceleratorRequest,
    CallSite,
    Deploy,
    DeployNames,
    MemoryRequest,
    ResourceName,
    SettingsBlock,
)
from sagelint.surfaces.keys import Receiver, Table, method

PACKAGES = frozenset({"boto3", "sagemaker"})

COMPONENT = ClassInfo("InferenceComponent", Kind.MODEL)


class _Spelling:
    """How one API family spells the fields of a specification."""

    def __init__(self, shape: bool) -> None:
        self.shape = shape
        self.names: DeployNames = SHAPE_NAMES if shape else VARIANT_NAMES
        if shape:
            (self.base, self.startup, self.container, self.artifact, self.model, self.instance,
             self.compute, self.memory, self.accelerators) = (
                "base_inference_component_name", "startup_parameters", "container",
                "artifact_url", "model_name", "instance_type", "compute_resource_requirements",
                "min_memory_required_in_mb", "number_of_accelerator_devices_required",
            )
        else:
            (self.base, self.startup, self.container, self.artifact, self.model, self.instance,
             self.compute, self.memory, self.accelerators) = (
                "BaseInferenceComponentName", "StartupParameters", "Container", "ArtifactUrl",
                "ModelName", "InstanceType", "ComputeResourceRequirements",
                "MinMemoryRequiredInMb", "NumberOfAcceleratorDevicesRequired",
            )


_BOTO3 = _Spelling(shape=False)
_SHAPE = _Spelling(shape=True)


# -- the component ------------------------------------------------------------------------------
def create_inference_component(ctx: Context, call: cst.Call, label: str) -> None:
    """boto3 `create_inference_component(InferenceComponentName=, EndpointName=,
    VariantName=, Specification={...})` (or `Specifications=[...]`)."""
    keywords = ctx.resolver.keywords(call)
    _component(
        ctx, CallSite(call, label), keywords, "Specification", "Specifications",
        known_string(keywords.get("EndpointName")), known_string(keywords.get("VariantName")),
    )


def session_create_inference_component(ctx: Context, call: cst.Call, label: str) -> None:
    """`Session.create_inference_component(inference_component_name, endpoint_name,
    variant_name, specification, ...)`: the specification is the boto3 dict."""
    resolver = ctx.resolver
    keywords = resolver.keywords(call)
    site = CallSite(call, label)
    name = argument(resolver, call, keywords, 0, "inference_component_name")
    _name(ctx, site, name)
    endpoint = known_string(argument(resolver, call, keywords, 1, "endpoint_name"))
    variant = known_string(argument(resolver, call, keywords, 2, "variant_name"))
    specification = argument(resolver, call, keywords, 3, "specification")
    if specification is not None:
        _specification(ctx, site, specification.value, endpoint, variant)


def core_create(ctx: Context, call: cst.Call, label: str) -> None:
    """`InferenceComponent.create(inference_component_name=, endpoint_name=, variant_name=,
    specification=InferenceComponentSpecification(...))`."""
    keywords = ctx.resolver.keywords(call)
    site = CallSite(call, label)
    _name(ctx, site, keywords.get("inference_component_name"))
    _component(
        ctx, site, keywords, "specification", "specifications",
        known_string(keywords.get("endpoint_name")), known_string(keywords.get("variant_name")),
    )


def _component(
    ctx: Context,
    site: CallSite,
    keywords: Keywords,
    one: str,
    several: str,
    endpoint: Optional[str],
    variant: Optional[str],
) -> None:
    specification = keywords.get(one)
    if specification is not None:
        _specification(ctx, site, specification.value, endpoint, variant)
    listed = keywords.get(several)
    if listed is not None:
        for value in items(listed.value):
            _specification(ctx, site, value, endpoint, variant)


def _name(ctx: Context, site: CallSite, keyword: Optional[Keyword]) -> None:
    if keyword is not None and keyword.arg is not None:
        ctx.facts.names.append(
            ResourceName(site, f"`{keyword.name}`", n.INFERENCE_COMPONENT, keyword.arg.value)
        )


def _specification(
    ctx: Context, site: CallSite, value: Value, endpoint: Optional[str], variant: Optional[str]
) -> None:
    """One specification: a boto3 dict, or a v3 `InferenceComponentSpecification(...)`."""
    if isinstance(value, DictValue):
        spelling, fields = _BOTO3, dict_keywords(value)
        node: Optional[Union[cst.Dict, cst.Call]] = value.insert_target
    elif isinstance(value, ObjectValue) and value.qualified_name in CORE_IC_SPECIFICATIONS:
        spelling, fields, node = _SHAPE, ctx.resolver.keywords(value.call), value.call
    else:
        return
    if spelling.base in fields:
        return  # an adapter: its base component's settings hold
    instance = fields.get(spelling.instance)
    instance_type = instance.value if instance is not None else UNKNOWN
    _timeouts(ctx, site, spelling, fields, node, instance_type)
    _requirements(ctx, site, spelling, fields, instance_type, endpoint, variant)


def _timeouts(
    ctx: Context,
    site: CallSite,
    spelling: _Spelling,
    fields: Keywords,
    node: Optional[Union[cst.Dict, cst.Call]],
    instance_type: Value,
) -> None:
    """The startup parameters as a Deploy (SM201-SM205): their own dict or shape, or, when
    the specification is closed without them, an empty block added to the specification."""
    startup = fields.get(spelling.startup)
    wrap: Optional[SettingsBlock] = None
    if startup is None:
        if not fields.closed:
            return
        settings, container = Keywords({}, True), node
        wrap = SettingsBlock(spelling.startup, _shape_name(ctx) if spelling.shape else None)
    elif isinstance(startup.value, DictValue) and not spelling.shape:
        settings, container = dict_keywords(startup.value), startup.value.insert_target
    elif isinstance(startup.value, ObjectValue) and spelling.shape and (
        startup.value.qualified_name in CORE_IC_STARTUP_PARAMETERS
    ):
        settings, container = ctx.resolver.keywords(startup.value.call), startup.value.call
    else:
        return
    model = fields.get(spelling.model)
    ctx.facts.deploys.append(
        Deploy(
            site, COMPONENT, settings, False, names=spelling.names, container=container,
            artifacts=_artifacts(ctx, spelling, fields),
            model_name=model_name_key(ctx.resolver, model, node) if model is not None else None,
            instance_type=instance_type, wrap=wrap,
        )
    )


def _artifacts(ctx: Context, spelling: _Spelling, fields: Keywords) -> Optional[bool]:
    """True when the container names artifacts in S3 (`ArtifactUrl`); otherwise unknown
    here (a `ModelName` links to its create_model call; SM202 stays silent without one)."""
    container = fields.get(spelling.container)
    if container is None:
        return None
    value = container.value
    if isinstance(value, DictValue) and not spelling.shape:
        found = dict_keywords(value).get(spelling.artifact)
    elif isinstance(value, ObjectValue) and value.qualified_name in CORE_IC_CONTAINERS:
        found = ctx.resolver.keywords(value.call).get(spelling.artifact)
    else:
        return None
    if found is None or known_none(found):
        return None
    return True


def known_none(keyword: Keyword) -> bool:
    return isinstance(keyword.value, Scalar) and keyword.value.value is None


def _requirements(
    ctx: Context,
    site: CallSite,
    spelling: _Spelling,
    fields: Keywords,
    instance_type: Value,
    endpoint: Optional[str],
    variant: Optional[str],
) -> None:
    """The compute requirements: a closed boto3 dict without a minimum memory (SM210; the
    shape's pydantic model accepts it and the service rejects it: not this rule), and the
    accelerators (SM111)."""
    requirements = fields.get(spelling.compute)
    if requirements is None:
        return
    value = requirements.value
    if isinstance(value, DictValue) and not spelling.shape:
        settings = dict_keywords(value)
        target = value.insert_target
        if settings.closed and spelling.memory not in settings:
            ctx.facts.memory_requests.append(MemoryRequest(
                site, target if target is not None else requirements.anchor,
                f"`{spelling.compute}` has no `{spelling.memory}`", target, spelling.memory,
                str(IC_DEFAULT_MEMORY_MB),
            ))
    elif isinstance(value, ObjectValue) and value.qualified_name in CORE_IC_COMPUTE_REQUIREMENTS:
        settings = ctx.resolver.keywords(value.call)
    else:
        return
    accelerators = settings.get(spelling.accelerators)
    if accelerators is not None:
        ctx.facts.accelerators.append(
            AcceleratorRequest(site, accelerators.value, instance_type, endpoint, variant)
        )


def _shape_name(ctx: Context) -> str:
    """The name this module binds `InferenceComponentStartupParameters` to by one import
    ("" when none: a fix would need an import)."""
    for name, defs in ctx.resolver.bindings.module_scope.defs.items():
        if (
            len(defs) == 1
            and defs[0].kind is DefKind.IMPORT
            and defs[0].qualified in CORE_IC_STARTUP_PARAMETERS
        ):
            return name
    return ""


# -- what links a component to its instance type ------------------------------------------------
def create_endpoint(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    ctx.facts.add_endpoint_config(
        known_string(keywords.get("EndpointName")), known_string(keywords.get("EndpointConfigName"))
    )


def core_endpoint_create(ctx: Context, call: cst.Call, label: str) -> None:
    """`Endpoint.create(endpoint_name=, endpoint_config_name=)`: its names (SM401) and the
    config its components' variants are in."""
    keywords = ctx.resolver.keywords(call)
    site = CallSite(call, label)
    for field, kind in (("endpoint_name", n.ENDPOINT), ("endpoint_config_name", n.ENDPOINT_CONFIG)):
        keyword = keywords.get(field)
        if keyword is not None and keyword.arg is not None:
            ctx.facts.names.append(ResourceName(site, f"`{field}`", kind, keyword.arg.value))
    ctx.facts.add_endpoint_config(
        known_string(keywords.get("endpoint_name")),
        known_string(keywords.get("endpoint_config_name")),
    )


def update_endpoint(ctx: Context, call: cst.Call, label: str) -> None:
    """boto3 `update_endpoint(EndpointName=, EndpointConfigName=)`: the endpoint may run
    another config when a component is created (two configs for one endpoint: unknown)."""
    keywords = ctx.resolver.keywords(call)
    _updated(ctx, keywords.get("EndpointName"), keywords.get("EndpointConfigName"))


def session_update_endpoint(ctx: Context, call: cst.Call, label: str) -> None:
    """A Session's `update_endpoint(endpoint_name, endpoint_config_name, wait=True)` (v2 and
    v3 alike)."""
    keywords = ctx.resolver.keywords(call)
    _updated(
        ctx, argument(ctx.resolver, call, keywords, 0, "endpoint_name"),
        argument(ctx.resolver, call, keywords, 1, "endpoint_config_name"),
    )


def resource_update(ctx: Context, call: cst.Call, label: str) -> None:
    """`endpoint.update(endpoint_config_name=...)` on a core `Endpoint` (any `.update(...)`
    that passes an endpoint config name): which endpoint is not followed, so no endpoint's
    config stays known."""
    if ctx.resolver.keywords(call).get("endpoint_config_name") is not None:
        ctx.facts.endpoint_configs_unknown = True


def _updated(ctx: Context, endpoint: Optional[Keyword], config: Optional[Keyword]) -> None:
    name = known_string(endpoint)
    if name is None:
        ctx.facts.endpoint_configs_unknown = True
        return
    # A second config for the endpoint: `add_endpoint_config` makes it unknown.
    ctx.facts.add_endpoint_config(name, known_string(config) or "")


def create_endpoint_config(ctx: Context, call: cst.Call, label: str) -> None:
    _variant_types(ctx, call, "EndpointConfigName", "ProductionVariants")


def core_endpoint_config_create(ctx: Context, call: cst.Call, label: str) -> None:
    keywords = ctx.resolver.keywords(call)
    name = keywords.get("endpoint_config_name")
    if name is not None and name.arg is not None:
        ctx.facts.names.append(ResourceName(
            CallSite(call, label), "`endpoint_config_name`", n.ENDPOINT_CONFIG, name.arg.value
        ))
    _variant_types(ctx, call, "endpoint_config_name", "production_variants")


def _variant_types(ctx: Context, call: cst.Call, name: str, listed: str) -> None:
    keywords = ctx.resolver.keywords(call)
    config = known_string(keywords.get(name))
    variants = keywords.get(listed)
    if config is None or variants is None:
        return
    found: List[Keywords] = []
    for value in items(variants.value):
        if isinstance(value, DictValue):
            found.append(dict_keywords(value))
        elif isinstance(value, ObjectValue) and value.qualified_name in CORE_PRODUCTION_VARIANTS:
            fields = ctx.resolver.keywords(value.call)
            found.append(Keywords({
                {"variant_name": "VariantName", "instance_type": "InstanceType"}.get(k, k): v
                for k, v in fields.by_name.items()
            }, fields.closed))
    for fields in found:
        instance = fields.get("InstanceType")
        ctx.facts.add_variant_type(
            config, known_string(fields.get("VariantName")),
            instance.value if instance is not None else UNKNOWN,
        )


def table(catalog: Catalog) -> Table:
    routes = Table()
    routes.add(
        method("create_inference_component", Receiver.CLIENT), create_inference_component,
        "create_inference_component",
    )
    routes.add(
        method("create_inference_component", Receiver.SESSION),
        session_create_inference_component, "create_inference_component",
    )
    for name in sorted(CORE_INFERENCE_COMPONENT_CREATE):
        routes.add(name, core_create, "InferenceComponent.create")
    routes.add(method("create_endpoint", Receiver.CLIENT), create_endpoint, "create_endpoint")
    routes.add(method("update_endpoint", Receiver.CLIENT), update_endpoint, "update_endpoint")
    routes.add(
        method("update_endpoint", Receiver.SESSION), session_update_endpoint, "update_endpoint"
    )
    routes.add(method("update"), resource_update, "update", words=("endpoint_config_name",))
    for name in sorted(CORE_ENDPOINT_CREATE):
        routes.add(name, core_endpoint_create, "Endpoint.create")
    routes.add(
        method("create_endpoint_config", Receiver.CLIENT), create_endpoint_config,
        "create_endpoint_config",
    )
    for name in sorted(CORE_ENDPOINT_CONFIG_CREATE):
        routes.add(name, core_endpoint_config_create, "EndpointConfig.create")
    return routes
