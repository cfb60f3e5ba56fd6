"""SDK v3: `ModelBuilder` (what its `.deploy(...)` does is read in `surfaces/builders.py`),
`ModelTrainer` with `Compute` and its setters, and the core resources (`Model.create`,
`EndpointConfig.create` with `ContainerDefinition` / `ProductionVariant` shapes)."""

from __future__ import annotations

from functools import partial
from typing import List, Optional

import libcst as cst

from sagelint import names as n
from sagelint.catalog import (
    CORE_CONTAINER_DEFINITIONS,
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_MODEL_CREATE,
    MODEL_TRAINER_FIELDS,
    SERVERLESS_SHAPES,
    TRAINER_SETTERS,
    TRAINING_CALLABLES,
    V3_ALL_SERVERLESS_CONFIGS,
    V3_NETWORKING,
    Catalog,
    ClassInfo,
)
from sagelint.analysis.resolve import Keywords, ObjectValue
from sagelint.surfaces.common import (
    Context,
    all_artifacts,
    container_artifacts,
    containers,
    known_string,
    serverless_config,
    serverless_settings,
    variants_argument,
)
from sagelint.surfaces.facts import (
    CallSite,
    EnvMapping,
    ModelIsolation,
    ResourceName,
    ServerlessSettings,
    ServingModel,
)
from sagelint.surfaces.keys import Phase, Receiver, Table, method
from sagelint.surfaces.training import trainer_setter, training_job

PACKAGES = frozenset({"sagemaker"})


def model_builder(ctx: Context, call: cst.Call, label: str, info: ClassInfo) -> None:
    """A `ModelBuilder(...)`: which model server it runs is not known from the call, so its
    env is checked only by the rules that hold for any container."""
    keywords = ctx.resolver.keywords(call)
    if ctx.resolver.attribute_touched(call, "env"):
        keywords = keywords.with_unknown("env")
    site = CallSite(call, label)
    model = ServingModel(site, info, keywords, info.reads_server_timeout, info.family)
    ctx.facts.models.append(model)
    ctx.facts.by_call[call] = model
    env = keywords.get(info.env_keyword)
    if env is not None:
        ctx.facts.env_mappings.append(EnvMapping(site, env.anchor, env.value, None, info.family))
    _builder_isolation(ctx, site, keywords)


def _builder_isolation(ctx: Context, site: CallSite, keywords: Keywords) -> None:
    """`ModelBuilder(network=Networking(enable_network_isolation=...))` (SM503): the model
    it creates runs isolated only so (`sagemaker.serve.configs.Network` is not taken)."""
    network = keywords.get("network")
    if network is None:
        if keywords.closed:
            ctx.facts.isolation.append(ModelIsolation(site, None, "network.enable_network_isolation"))
        return
    value = network.value
    if isinstance(value, ObjectValue) and value.qualified_name in V3_NETWORKING:
        fields = ctx.resolver.keywords(value.call)
        setting = fields.get("enable_network_isolation")
        if setting is not None or fields.closed:
            ctx.facts.isolation.append(
                ModelIsolation(CallSite(value.call, "Networking"), setting, "enable_network_isolation")
            )


def model_trainer(ctx: Context, call: cst.Call, label: str) -> None:
    training_job(ctx, call, label, MODEL_TRAINER_FIELDS)


def core_model_create(ctx: Context, call: cst.Call, label: str) -> None:
    site = CallSite(call, label)
    keywords = ctx.resolver.keywords(call)
    artifacts: List[Optional[bool]] = [] if keywords.closed else [None]
    for container in containers(keywords, "primary_container", "containers"):
        if not isinstance(container, ObjectValue) or (
            container.qualified_name not in CORE_CONTAINER_DEFINITIONS
        ):
            artifacts.append(None)
        if isinstance(container, ObjectValue) and (
            container.qualified_name in CORE_CONTAINER_DEFINITIONS
        ):
            fields = ctx.resolver.keywords(container.call)
            artifacts.append(
                container_artifacts(fields, ("model_data_url", "model_data_source"), "mode")
            )
            environment = fields.get("environment")
            if environment is not None:
                ctx.facts.env_mappings.append(
                    EnvMapping(site, environment.anchor, environment.value, None)
                )
    ctx.facts.add_model_artifacts(known_string(keywords.get("model_name")), all_artifacts(artifacts))
    # Its name (SM401) and its isolation (SM503).
    name = keywords.get("model_name")
    if name is not None and name.arg is not None:
        ctx.facts.names.append(ResourceName(site, "`model_name`", n.MODEL, name.arg.value))
    isolation = keywords.get("enable_network_isolation")
    if isolation is not None or keywords.closed:
        ctx.facts.isolation.append(ModelIsolation(site, isolation, "enable_network_isolation"))


def core_endpoint_config_create(ctx: Context, call: cst.Call, label: str) -> None:
    variants_argument(ctx, call, label, "production_variants", kms="kms_key_id")


def serverless_shape(ctx: Context, call: cst.Call, label: str) -> None:
    """`ProductionVariantServerlessConfig(...)`: the API's own names; no defaults."""
    settings = serverless_settings(
        ctx.resolver.keywords(call), ("memory_size_in_mb", "max_concurrency",
                                      "provisioned_concurrency"),
    )
    ctx.facts.serverless_configs.append(
        ServerlessSettings(CallSite(call, label), *settings)
    )


def table(catalog: Catalog) -> Table:
    routes = Table()
    for name, info in catalog.classes.items():
        if info.model_builder:
            routes.add(name, partial(model_builder, info=info), info.name)
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is MODEL_TRAINER_FIELDS:
            routes.add(name, model_trainer, label)
    for name in CORE_MODEL_CREATE:
        routes.add(name, core_model_create, "Model.create")
    for name in CORE_ENDPOINT_CONFIG_CREATE:
        routes.add(name, core_endpoint_config_create, "EndpointConfig.create")
    # Both copies of v3's ServerlessInferenceConfig take v2's arguments and defaults (SM209).
    for name in sorted(V3_ALL_SERVERLESS_CONFIGS):
        routes.add(name, serverless_config, "ServerlessInferenceConfig")
    for name in SERVERLESS_SHAPES:
        routes.add(name, serverless_shape, "ProductionVariantServerlessConfig")
    for name in TRAINER_SETTERS:
        routes.add(method(name, Receiver.TRAINER), trainer_setter, name, Phase.METHOD)
    return routes
