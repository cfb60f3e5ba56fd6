"""SDK v3: `ModelBuilder` and its `.deploy(...)`, `ModelTrainer` with `Compute`, and the core
resources (`Model.create`, `EndpointConfig.create` with `ContainerDefinition` /
`ProductionVariant` shapes)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import List, Optional

import libcst as cst

from sagelint.catalog import (
    CORE_CONTAINER_DEFINITIONS,
    CORE_ENDPOINT_CONFIG_CREATE,
    CORE_MODEL_CREATE,
    LOCAL_MODES,
    TRAINED_MODEL_SOURCES,
    MODEL_TRAINER_FIELDS,
    SERVERLESS_SHAPES,
    TRAINER_SETTERS,
    TRAINING_CALLABLES,
    Catalog,
    ClassInfo,
)
from sagelint.analysis.resolve import ObjectValue, Resolver, Scalar
from sagelint.surfaces.common import (
    Context,
    Route,
    Table,
    all_artifacts,
    container_artifacts,
    containers,
    known_string,
    method,
    serverless_settings,
    serverless_state,
    variants_argument,
)
from sagelint.surfaces.facts import (
    CallSite,
    Deploy,
    EnvMapping,
    ServerlessSettings,
    ServingModel,
)
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


def model_builder_deploy(deploy: Deploy, builder: ServingModel) -> None:
    """ModelBuilder.deploy: a model id string in `model=` is a JumpStart or Hub model (its
    timeouts come from metadata); `container_timeout_in_seconds` is not the startup
    health-check timeout of a real-time endpoint; `inference_config` may make it serverless
    or an inference component."""
    model = builder.keywords.get("model")
    if model is not None and isinstance(model.value, Scalar) and _is_model_id(model.value.value):
        deploy.target = replace(deploy.target, jumpstart=True)
    elif model is not None and isinstance(model.value, Scalar) and isinstance(model.value.value, str):
        deploy.artifacts = True  # a URI or path of model artifacts
    config = deploy.keywords.get("inference_config")
    if config is not None:
        deploy.serverless = serverless_state(config, True) or None
    for name in ("model_path", "s3_model_data_url"):
        given = builder.keywords.get(name)
        if given is not None and not (isinstance(given.value, Scalar) and given.value.value is None):
            deploy.artifacts = True
    for spelling in ("container_timeout_in_seconds", "container_timeout_in_second"):
        if spelling in deploy.keywords:
            deploy.note = (
                f" (`{spelling}` does not set it: it applies to inference components and "
                "local mode only)"
            )


def builder_makes_no_endpoint(resolver: Resolver, builder: ServingModel) -> bool:
    """A ModelBuilder that serves on this machine (`mode=Mode.LOCAL_CONTAINER` or
    `Mode.IN_PROCESS`), or that is given a trainer or training job in `model=` (model
    customization: the SDK deploys through inference components and ignores the endpoint
    timeouts)."""
    mode = builder.keywords.get("mode")
    if mode is not None:
        qualified = resolver.qualified_name(mode.arg.value) if mode.arg is not None else None
        if qualified is not None and qualified.startswith("sagemaker.") and any(
            qualified.endswith("." + name) for name in LOCAL_MODES
        ):
            return True
    model = builder.keywords.get("model")
    if model is not None and isinstance(model.value, ObjectValue):
        qualified = model.value.qualified_name
        return any(
            qualified == path or qualified.startswith(path + ".") for path in TRAINED_MODEL_SOURCES
        )
    return False


def _is_model_id(value: object) -> bool:
    """A JumpStart or Hugging Face Hub model id (`meta-llama/Llama-3.1-8B`), not a URI or a
    path to model artifacts."""
    return (
        isinstance(value, str)
        and bool(value)
        and "://" not in value
        and not value.startswith(("/", ".", "~"))
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
    routes: Table = {
        name: Route(partial(model_builder, info=info), info.name)
        for name, info in catalog.classes.items()
        if info.model_builder
    }
    for name, (label, fields) in TRAINING_CALLABLES.items():
        if fields is MODEL_TRAINER_FIELDS:
            routes[name] = Route(model_trainer, label)
    routes.update({name: Route(core_model_create, "Model.create") for name in CORE_MODEL_CREATE})
    routes.update(
        {
            name: Route(core_endpoint_config_create, "EndpointConfig.create")
            for name in CORE_ENDPOINT_CONFIG_CREATE
        }
    )
    routes.update({name: Route(serverless_shape, "ProductionVariantServerlessConfig")
                   for name in SERVERLESS_SHAPES})
    for name in TRAINER_SETTERS:
        routes[method(name)] = Route(trainer_setter, name, late=True)
    return routes
